/**
 * The reference check (src/plugins/references): a page that names an unknown kernel function or
 * scenario fails to compile with the file, the line and what was expected; known names pass; and
 * every existing page passes.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { mdxToJs } from 'satteri';
import {
  BUILTIN_SCENARIO_NAMES,
  citationProblems,
  findCitations,
  MIRRORED_FUNCTIONS,
} from '@realmfault/model';
import { BRIEF_CITATION } from '../../scripts/check-brief.mjs';
import { describe, expect, it } from 'vitest';
import { KNOWN_FUNCTIONS } from '../../src/content/known-functions.js';
import {
  calledFunction,
  KNOWN_FUNCTION_NAMES,
  ReferenceBuildError,
  referencesPlugin,
  scenarioFlags,
} from '../../src/plugins/references/index.js';

const FILE = resolve('src/content/docs/example.mdx');

async function compile(mdx: string, file = FILE): Promise<string> {
  const { code } = await mdxToJs(mdx, {
    fileURL: pathToFileURL(file),
    mdastPlugins: [() => referencesPlugin()],
  });
  return code;
}

/** The error a compile throws (Sätteri may wrap it; the message is what the build prints). */
async function failure(mdx: string): Promise<string> {
  try {
    await compile(mdx);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  throw new Error('expected the compile to fail');
}

describe('function references', () => {
  it('passes a mirrored function and a known-but-not-modelled one', async () => {
    const code = await compile('# T\n\n`gmem_abort()` calls `kvm_gpa_from_fault()`.\n');
    expect(code).toContain('gmem_abort()');
  });

  it('fails an unknown function with file:line, the name and what was expected', async () => {
    const msg = await failure('# T\n\nSome text.\n\nThen `gmem_abrt()` maps it.\n');
    expect(msg).toContain('src/content/docs/example.mdx:5:');
    expect(msg).toContain('unknown function `gmem_abrt()`');
    expect(msg).toContain('MIRRORED_FUNCTIONS');
    expect(msg).toContain('known-functions.ts');
    expect(msg).toContain('did you mean `gmem_abort()`?');
  });

  it('throws a ReferenceBuildError carrying file and line', async () => {
    const err = await compile('`no_such_fn()`\n').catch((e: unknown) => e);
    // Sätteri passes the plugin's exception through.
    expect(err).toBeInstanceOf(ReferenceBuildError);
    expect((err as ReferenceBuildError).line).toBe(1);
    expect((err as ReferenceBuildError).file).toBe('src/content/docs/example.mdx');
  });

  it('only reads inline code that is exactly a call with empty parentheses', () => {
    expect(calledFunction('gmem_abort()')).toBe('gmem_abort');
    expect(calledFunction('realm_map_ipa(kvm, ipa)')).toBeUndefined();
    expect(calledFunction('x = f()')).toBeUndefined();
    expect(calledFunction('KVM_RUN')).toBeUndefined();
  });

  it('does not check prose or code blocks for calls', async () => {
    await expect(compile('made_up() in prose\n\n```c\nmade_up();\n```\n')).resolves.toContain('made_up');
  });

  it('knows every mirrored and every listed function, and lists none twice', () => {
    for (const f of MIRRORED_FUNCTIONS) expect(KNOWN_FUNCTION_NAMES.has(f.name)).toBe(true);
    const listed = KNOWN_FUNCTIONS.map((f) => f.name);
    expect(new Set(listed).size).toBe(listed.length);
    const mirrored = new Set(MIRRORED_FUNCTIONS.map((f) => f.name));
    expect(listed.filter((n) => mirrored.has(n))).toEqual([]);
    for (const f of KNOWN_FUNCTIONS) {
      // Where it is, as a citation that resolves; never the project's brief.
      expect(findCitations(f.source).length, f.name).toBeGreaterThan(0);
      expect(citationProblems(f.source), f.name).toEqual([]);
      expect(f.source, f.name).not.toMatch(BRIEF_CITATION);
      if (f.file === null) expect(f.note ?? '').not.toBe('');
    }
  });
});

describe('scenario references', () => {
  it('passes built-in names in inline code, code blocks and component props', async () => {
    const [a, b] = BUILTIN_SCENARIO_NAMES;
    const mdx = `\`npx realmfault run --scenario ${a ?? ''}\`\n\n\`\`\`sh\nnpx realmfault run --scenario=${b ?? ''} --json\n\`\`\`\n\n<ScenarioCompare scenario="${a ?? ''}" />\n`;
    await expect(compile(mdx)).resolves.toContain('ScenarioCompare');
  });

  it('treats an all-capitals name as a placeholder', () => {
    expect(scenarioFlags('realmfault run --scenario NAME')).toEqual([]);
    expect(scenarioFlags('a\nb --scenario thp-aligned')).toEqual([{ name: 'thp-aligned', lineOffset: 1 }]);
  });

  it('fails an unknown name in inline code', async () => {
    const msg = await failure('Run `npx realmfault run --scenario thp-unalinged`.\n');
    expect(msg).toContain('example.mdx:1:');
    expect(msg).toContain('unknown scenario "thp-unalinged" in inline code');
    expect(msg).toContain('e.g. "thp-unaligned"');
  });

  it('fails an unknown name in a code block on its own line', async () => {
    const msg = await failure(
      'Text.\n\n```sh\nnpx realmfault scenarios\nnpx realmfault run --scenario nope\n```\n',
    );
    expect(msg).toContain('example.mdx:5:');
    expect(msg).toContain('unknown scenario "nope" in a code block');
  });

  it('fails an unknown scenario or variant prop of a scenario component', async () => {
    for (const c of ['ScenarioCompare', 'FaultPathDiagram', 'ScenarioSequenceDiagram', 'Stepper']) {
      const msg = await failure(`# T\n\n<${c} scenario="private-first-tuch" />\n`);
      expect(msg).toContain('example.mdx:3:');
      expect(msg).toContain(`unknown scenario "private-first-tuch" in <${c} scenario>`);
    }
    const v = await failure('<FaultPathDiagram scenario="thp-aligned" variant="v13" />\n');
    expect(v).toContain(
      'unknown variant "v13" in <FaultPathDiagram variant>: expected one of v14, post-v14-review',
    );
    // A page still using the former name is told the current one.
    const old = await failure('<Stepper scenario="thp-aligned" variant="fixed" />\n');
    expect(old).toContain('"fixed" is the former name of post-v14-review');
  });

  it('leaves other components alone', async () => {
    await expect(compile('<Card scenario="whatever" />\n')).resolves.toContain('Card');
  });
});

describe('the existing pages', () => {
  function pages(dir: string): string[] {
    return readdirSync(dir).flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? pages(p) : /\.mdx?$/.test(p) ? [p] : [];
    });
  }

  it('refer only to known functions and scenarios', async () => {
    const files = pages('src/content/docs');
    expect(files.length).toBeGreaterThan(20);
    for (const f of files) {
      await expect(compile(readFileSync(f, 'utf8'), resolve(f)), f).resolves.toBeTypeOf('string');
    }
  });
});
