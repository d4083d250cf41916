/**
 * The build-time snippet plugin (src/plugins/sim): a ```ts sim fence becomes the contract markup
 * (SNIPPETS-CONTRACT.md) around a plain ts code node, with the output computed at build time; a
 * bad fence fails the compile naming the Markdown file and line. Each test compiles an MDX
 * document with Sätteri as Astro does, in a temporary project root with its own expected.json.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { mdxToJs } from 'satteri';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runSnippetInNode } from '../../src/snippets/node.js';
import { formatRun } from '../../src/snippets/runtime.js';
import {
  EXPECTED_FILE,
  isSimFence,
  pageSlug,
  parseSimMeta,
  readSimFences,
  SnippetBuildError,
  simPlugin,
  updateRequested,
} from '../../src/plugins/sim/index.js';

let root = '';
const PAGE = 'guide/page.mdx';
const FILE = `src/content/docs/${PAGE}`;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'rf-sim-'));
  mkdirSync(join(root, 'src/content/docs/guide'), { recursive: true });
  mkdirSync(join(root, 'src/snippets'), { recursive: true });
  vi.stubEnv('UPDATE_SNIPPETS', '');
  vi.stubEnv('CI', '');
});
afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(root, { recursive: true, force: true });
});

function expect_(entries: Record<string, string>): void {
  writeFileSync(join(root, EXPECTED_FILE), JSON.stringify(entries));
}

async function compile(mdx: string, options: { component?: string; format?: 'mdx' } = {}): Promise<string> {
  const { code } = await mdxToJs(mdx, {
    fileURL: pathToFileURL(join(root, FILE)),
    mdastPlugins: [() => simPlugin({ root, clientComponent: options.component ?? join(root, 'none.astro') })],
  });
  return code;
}

/** The string value of the first `"set:html": "…"` after `className: "<cls>"` in the compiled JS. */
function partHtml(js: string, cls: string): string {
  const re = new RegExp(`className: "${cls}",\\s*"set:html": ("(?:[^"\\\\]|\\\\.)*")`);
  const m = re.exec(js);
  if (!m?.[1]) throw new Error(`no ${cls} part in:\n${js}`);
  return JSON.parse(m[1]) as string;
}

const SNIPPET = 'console.log("ipa", 0x46880000n);\nconsole.log({ ok: true });';
const doc = (meta: string, body = SNIPPET): string =>
  `# Page\n\nSome text.\n\n\`\`\`ts ${meta}\n${body}\n\`\`\`\n`;

describe('fence meta', () => {
  it('recognises ts/typescript fences with the sim flag only', () => {
    expect(isSimFence('ts', 'sim')).toBe(true);
    expect(isSimFence('typescript', 'title="x" sim')).toBe(true);
    expect(isSimFence('ts', 'title="sim"')).toBe(false);
    expect(isSimFence('js', 'sim')).toBe(false);
    expect(isSimFence('ts', null)).toBe(false);
  });

  it('reads flags, title and id', () => {
    expect(parseSimMeta('sim no_run title="A \\"quoted\\" title" id="my-id"')).toEqual({
      noRun: true,
      shouldFail: false,
      title: 'A "quoted" title',
      id: 'my-id',
    });
    expect(parseSimMeta('sim should_fail')).toMatchObject({ shouldFail: true, noRun: false, id: null });
  });

  it.each([
    ['sim fast', /unknown flag "fast"/],
    ['sim lang="ts"', /unknown option lang="ts"/],
    ['sim id="Bad Id"', /id="Bad Id" is not lowercase/],
    ['sim no_run should_fail', /no_run and should_fail together/],
    ['sim id="a" id="b"', /id="…" given twice/],
  ])('refuses %s', (meta, message) => {
    expect(() => parseSimMeta(meta)).toThrow(message);
  });

  it('default ids use the page slug (an index page its folder)', () => {
    expect(pageSlug('fault-path/rec-exit.mdx')).toBe('rec-exit');
    expect(pageSlug('concepts/index.mdx')).toBe('concepts');
  });
});

describe('markup', () => {
  it('wraps a plain ts code block in the contract markup with the build-time output', async () => {
    expect_({ [`${PAGE}#page-1`]: formatRun(runSnippetInNode(SNIPPET)) });
    const js = await compile(doc('sim title="Two lines"'));
    expect(js).toMatch(
      /className: "rf-snippet not-content",\s*"data-rf-widget": "snippet",\s*"data-snippet-id": "page-1",\s*children:/,
    );
    // The code node is an ordinary ts block (Expressive Code renders it), the code unchanged.
    expect(js).toContain('className: "language-ts"');
    expect(js).toContain(JSON.stringify(`${SNIPPET}\n`));
    expect(partHtml(js, 'rf-snippet-controls')).toBe('');
    expect(JSON.parse(partHtml(js, 'rf-snippet-source'))).toEqual({ id: 'page-1', code: SNIPPET });
    const result = partHtml(js, 'rf-snippet-result');
    expect(result).toContain(
      '<p class="rf-snippet-caption" id="page-1-caption">Output, computed when this page was built</p>',
    );
    expect(result).toContain(
      '<pre class="rf-snippet-output" aria-labelledby="page-1-caption" tabindex="0"><code>ipa 0x46880000\n{\n  &quot;ok&quot;: true\n}</code></pre>',
    );
    expect(result).not.toContain('rf-snippet-trace');
  });

  it('keeps </script> inside the source JSON from closing the element', async () => {
    const body = 'console.log("</script><b>&amp;");';
    expect_({ [`${PAGE}#page-1`]: '</script><b>&amp;' });
    const source = partHtml(await compile(doc('sim', body)), 'rf-snippet-source');
    expect(source).not.toMatch(/[<>&]/);
    expect(JSON.parse(source)).toEqual({ id: 'page-1', code: body });
  });

  it('adds the first trace as the model formats it, and wraps the problem line of a should_fail snippet', async () => {
    const body = [
      "import { runScenario, getBuiltinScenario } from '@realmfault/model';",
      "runScenario(getBuiltinScenario('private-first-touch'), { variant: 'v14' });",
      'throw new Error("stop <here>");',
    ].join('\n');
    const run = runSnippetInNode(body);
    expect_({ [`${PAGE}#fails`]: formatRun(run) });
    const js = await compile(doc('sim should_fail id="fails"', body));
    expect(js).toContain('"data-should-fail": ""');
    const result = partHtml(js, 'rf-snippet-result');
    expect(result).toContain(
      '<span class="rf-snippet-problem">✗ Error: stop &lt;here&gt; (line 3)</span></code></pre>',
    );
    const events = run.traces[0]?.lines ?? [];
    expect(events.length).toBeGreaterThan(10);
    expect(result).toContain(
      `<details class="rf-snippet-trace"><summary>Trace: private-first-touch under v14 (${String(events.length)} events)</summary><ol>`,
    );
    expect(result.match(/<li /g)).toHaveLength(events.length);
  });

  it('does not run a no_run snippet and says so', async () => {
    const js = await compile(doc('sim no_run', 'for (;;) {}'));
    expect(js).toContain('"data-no-run": ""');
    const result = partHtml(js, 'rf-snippet-result');
    expect(result).toContain('Not run when the page was built: press Run to run it in your browser.');
    expect(result).toContain('<code></code></pre>');
  });

  it('leaves other code fences alone', async () => {
    const js = await compile('```ts\nconst a = 1;\n```\n\n```text sim\nplain\n```\n');
    expect(js).not.toContain('rf-snippet');
  });
});

describe('the client component', () => {
  it('is imported and rendered on pages with snippets once it exists', async () => {
    const component = join(root, 'SnippetClient.astro');
    writeFileSync(component, '<div />');
    expect_({ [`${PAGE}#page-1`]: formatRun(runSnippetInNode(SNIPPET)) });
    const js = await compile(doc('sim'), { component });
    expect(js).toContain(`import SnippetClient from ${JSON.stringify(component)};`);
    expect(js).toMatch(/_jsx\(SnippetClient, \{\}\)/);
  });

  it('is left out when it does not exist, and on pages without snippets', async () => {
    const component = join(root, 'SnippetClient.astro');
    expect_({ [`${PAGE}#page-1`]: formatRun(runSnippetInNode(SNIPPET)) });
    expect(await compile(doc('sim'))).not.toContain('SnippetClient');
    writeFileSync(component, '<div />');
    expect(await compile('# No snippets\n\n```ts\nconst a = 1;\n```\n', { component })).not.toContain(
      'SnippetClient',
    );
  });
});

describe('build failures name the file and line', () => {
  // The fence opens on line 5 of doc(); the snippet's line N is file line 5 + N.
  it('unknown meta', async () => {
    await expect(compile(doc('sim fast'))).rejects.toThrow(`${FILE}:5: sim snippet: unknown flag "fast"`);
  });

  it('a repeated id', async () => {
    const mdx = `${doc('sim id="same"')}\n\`\`\`ts sim id="same"\nconsole.log(1);\n\`\`\`\n`;
    expect_({ [`${PAGE}#same`]: formatRun(runSnippetInNode(SNIPPET)) });
    await expect(compile(mdx)).rejects.toThrow(
      `${FILE}:10: sim snippet: id "same" is already used by the snippet at line 5`,
    );
  });

  it('a snippet ending with a problem, with the file line of the snippet line', async () => {
    const error = await compile(doc('sim', 'console.log(1);\nnull!.x;')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SnippetBuildError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^${FILE}:5: sim snippet: "page-1" ended with a problem at file line 7: ✗ TypeError: .* \\(line 2\\)`,
      ),
    );
  });

  it('a should_fail snippet that succeeds', async () => {
    await expect(compile(doc('sim should_fail'))).rejects.toThrow(
      `${FILE}:5: sim snippet: "page-1" is marked should_fail but ran without a problem`,
    );
  });

  it('output that differs from the committed expectation (the drift check)', async () => {
    expect_({ [`${PAGE}#page-1`]: 'ipa 0x46880001\n{\n  "ok": true\n}' });
    await expect(compile(doc('sim'))).rejects.toThrow(
      /page\.mdx:5: sim snippet: "page-1" printed something other than its committed expectation.*\n--- expected\nipa 0x46880001\n[\s\S]*--- actual\nipa 0x46880000\n/,
    );
  });

  it('a snippet without a committed expectation', async () => {
    await expect(compile(doc('sim'))).rejects.toThrow(
      `${FILE}:5: sim snippet: "page-1" has no committed expectation`,
    );
  });
});

describe('UPDATE_SNIPPETS', () => {
  it('=1 writes the expectation instead of comparing', async () => {
    expect_({ [`${PAGE}#page-1`]: 'old', 'other.mdx#x': 'kept' });
    vi.stubEnv('UPDATE_SNIPPETS', '1');
    await compile(doc('sim'));
    expect(JSON.parse(readFileSync(join(root, EXPECTED_FILE), 'utf8'))).toEqual({
      'guide/page.mdx#page-1': formatRun(runSnippetInNode(SNIPPET)),
      'other.mdx#x': 'kept',
    });
  });

  it('is refused when CI is set', async () => {
    vi.stubEnv('UPDATE_SNIPPETS', '1');
    vi.stubEnv('CI', 'true');
    expect(() => updateRequested()).toThrow(/UPDATE_SNIPPETS=1 is refused when CI is set/);
    await expect(compile(doc('sim'))).rejects.toThrow(/refused when CI is set/);
  });
});

describe('readSimFences (the reader the snippet tests use)', () => {
  it('finds the fences the plugin runs, with lines and default ids, nested ones included', () => {
    const mdx = `${doc('sim title="t"')}\n<div>\n\n\`\`\`ts sim no_run\nfor (;;) {}\n\`\`\`\n\n</div>\n`;
    const fences = readSimFences(mdx, FILE, PAGE);
    expect(fences.map((f) => [f.line, f.id, f.meta.noRun, f.meta.title])).toEqual([
      [5, 'page-1', false, 't'],
      [12, 'page-2', true, null],
    ]);
    expect(fences[0]?.code).toBe(SNIPPET);
  });
});
