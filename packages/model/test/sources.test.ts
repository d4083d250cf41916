/**
 * The source registry, the citation syntax and the verification ledger (src/sources), and the
 * citations of the model's own texts: every citation group in the model's sources, toggle
 * documentation, built-in scenarios and scenario schema resolves to a registered primary source,
 * and none of them cites the internal research brief (scripts/check-brief.mjs).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BRIEF_CITATION } from '../../../scripts/check-brief.mjs';
import * as rmmCommands from '../src/rmm/rmi.js';
import { RETIRED_TOGGLES, TOGGLE_INFO, VARIANT_INFO } from '../src/scenario/types.js';
import { BUILTIN_SCENARIOS } from '../src/scenarios/builtin.js';
import { MIRRORED_FUNCTIONS } from '../src/sim/functions.js';
import {
  CitationError,
  citationProblems,
  citationsToPlainText,
  findCitations,
  resolveCitation,
  resolveCitations,
  sourceById,
  withoutCitations,
  type CitationRef,
} from '../src/sources/cite.js';
import { LEDGER } from '../src/sources/ledger.js';
import { LINE_COUNTS, SOURCES } from '../src/sources/registry.js';
import type { CodeRef, CodeSource, Source } from '../src/sources/types.js';

const ID = /^[a-z0-9][a-z0-9._/-]*$/;
const codeSources = SOURCES.filter((s): s is CodeSource => s.kind === 'code');
const byId = new Map<string, Source>(SOURCES.map((s) => [s.id, s]));
/** Mail archives whose addresses name one message (not a search). */
const ARCHIVE_HOSTS = ['lore.kernel.org', 'lists.infradead.org', 'lkml.iu.edu', 'lkml.rescloud.iu.edu'];

describe('the source registry', () => {
  it('has unique ids in the citation alphabet', () => {
    const ids = SOURCES.map((s) => s.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    expect(ids.filter((id) => !ID.test(id))).toEqual([]);
  });

  it('gives every source an https address, a title, an author, a date and a short label', () => {
    for (const s of SOURCES) {
      expect(new URL(s.url).protocol, s.id).toBe('https:');
      expect(s.title.trim(), s.id).not.toBe('');
      expect(s.author.trim(), s.id).not.toBe('');
      expect(s.short.trim(), s.id).not.toBe('');
      expect(s.date, s.id).toMatch(/^\d{4}(-\d{2}-\d{2})?$/);
    }
  });

  it('pins every code source to a revision and a path that its address names', () => {
    expect(codeSources.length).toBeGreaterThan(0);
    for (const s of codeSources) {
      expect(s.rev, s.id).not.toBe('');
      expect(s.path, s.id).not.toBe('');
      expect(s.repo, s.id).not.toBe('');
      expect(s.url.includes(s.rev), `${s.id}: ${s.url} does not name ${s.rev}`).toBe(true);
      expect(s.url.includes(s.path), `${s.id}: ${s.url} does not name ${s.path}`).toBe(true);
      expect(['gitlab', 'github', 'cgit'], s.id).toContain(s.lineStyle);
    }
  });

  it('links a mail that is not a search to one message in an archive, and a search to lore', () => {
    for (const s of SOURCES) {
      if (s.kind !== 'mail') continue;
      const u = new URL(s.url);
      if (s.search) {
        expect(u.hostname, s.id).toBe('lore.kernel.org');
        expect(u.searchParams.get('q'), s.id).toBeTruthy();
      } else {
        expect(ARCHIVE_HOSTS, s.id).toContain(u.hostname);
        expect(u.search, `${s.id}: ${s.url} is a search`).toBe('');
      }
    }
  });

  it('pins every commit to a full hash that its address names', () => {
    for (const s of SOURCES) {
      if (s.kind !== 'commit') continue;
      expect(s.rev, s.id).toMatch(/^[0-9a-f]{40}$/);
      expect(s.url.includes(s.rev), s.id).toBe(true);
    }
  });

  it('counts lines only for code sources, with positive integers', () => {
    for (const [id, n] of Object.entries(LINE_COUNTS)) {
      expect(byId.get(id)?.kind, id).toBe('code');
      expect(Number.isInteger(n) && n > 0, id).toBe(true);
    }
  });
});

/** The CitationError that `f` throws. */
function citationError(f: () => unknown): CitationError {
  try {
    f();
  } catch (e) {
    if (e instanceof CitationError) return e;
    throw e;
  }
  throw new Error('expected a CitationError');
}

const refsOf = (text: string): CitationRef[] => findCitations(text).flatMap((m) => m.refs);

describe('findCitations', () => {
  it('parses a source, lines, a single line, a function, a section and a group', () => {
    expect(refsOf('[@v14-29]')).toEqual([{ kind: 'source', id: 'v14-29' }]);
    expect(refsOf('[@v14-rmi.c:812-860]')).toEqual([
      { kind: 'lines', id: 'v14-rmi.c', lines: { from: 812, to: 860 } },
    ]);
    expect(refsOf('[@v14-rmi.c:812]')).toEqual([
      { kind: 'lines', id: 'v14-rmi.c', lines: { from: 812, to: 812 } },
    ]);
    expect(refsOf('[@v14 realm_map_ipa()]')).toEqual([
      { kind: 'function', tree: 'v14', fn: 'realm_map_ipa' },
    ]);
    expect(refsOf('[@post-v14 realm_map_ipa()]')).toEqual([
      { kind: 'function', tree: 'post-v14', fn: 'realm_map_ipa' },
    ]);
    expect(refsOf('[@tf-rmm handle_data_abort()]')).toEqual([
      { kind: 'function', tree: 'tf-rmm', fn: 'handle_data_abort' },
    ]);
    expect(refsOf('[@rmm-spec §A2.2]')).toEqual([{ kind: 'source', id: 'rmm-spec', section: 'A2.2' }]);
    expect(refsOf('[@v14-29; @v14-rmi.c:1-2;@post-v14 realm_map_ipa()]')).toEqual([
      { kind: 'source', id: 'v14-29' },
      { kind: 'lines', id: 'v14-rmi.c', lines: { from: 1, to: 2 } },
      { kind: 'function', tree: 'post-v14', fn: 'realm_map_ipa' },
    ]);
  });

  it('reports where each group is and what it says, and ignores text that is not a group', () => {
    const text = 'a [@v14-29] b [@v14-rmi.c:1; @v14-30] c [not one] [@';
    const found = findCitations(text);
    expect(found.map((m) => m.raw)).toEqual(['[@v14-29]', '[@v14-rmi.c:1; @v14-30]']);
    for (const m of found) expect(text.slice(m.start, m.end)).toBe(m.raw);
    expect(findCitations('no citations here, [x] or @v14-29')).toEqual([]);
  });

  it('refuses malformed text with a message saying what was expected', () => {
    const cases: [string, string][] = [
      ['[@Bad Id]', '"Bad Id" is not a source id (lower-case letters, digits, . _ / -)'],
      ['[@v14-29; v14-30]', 'expected "@id" after ";", got "v14-30"'],
      ['[@v14-rmi.c:20-10]', 'line range 20-10 must be N or N-M with 1 <= N <= M'],
      ['[@v14-rmi.c:0]', 'line range 0 must be N or N-M with 1 <= N <= M'],
      ['[@v14-rmi.c:12a]', 'expected lines (812 or 812-860) after ":", got "12a"'],
      [
        '[@v14:gmem_abort]',
        'a function is cited as "@v14 gmem_abort()" (tree, a space, the name and "()"), not with ":": in pages ":gmem_abort" would be read as a directive',
      ],
      [
        '[@v15 realm_map_ipa()]',
        'a function citation names its tree: expected one of v14, post-v14, tf-rmm, got "v15"',
      ],
      ['[@rmm-spec §]', 'expected a section after "§"'],
    ];
    for (const [raw, why] of cases) {
      const e = citationError(() => findCitations(`text ${raw} text`));
      expect(e.message, raw).toBe(`citation ${raw}: ${why}`);
      expect(e.raw).toBe(raw);
      expect(e.offset).toBe(5);
    }
  });
});

describe('resolveCitation', () => {
  const one = (text: string) => {
    const [ref] = refsOf(text);
    if (ref === undefined) throw new Error(`no citation in ${text}`);
    return resolveCitation(ref, text);
  };

  it('anchors lines the way each code host does: gitlab #L10-20, github #L10-L20, cgit #n10', () => {
    const gitlab = sourceById('v14-rmi.c');
    const github = sourceById('tf-rmm-exit.c');
    const cgit = sourceById('linux-mmu.c');
    expect([gitlab, github, cgit].map((s) => (s?.kind === 'code' ? s.lineStyle : null))).toEqual([
      'gitlab',
      'github',
      'cgit',
    ]);
    expect(one('[@v14-rmi.c:10-20]').href).toBe(`${gitlab?.url ?? ''}#L10-20`);
    expect(one('[@v14-rmi.c:10]').href).toBe(`${gitlab?.url ?? ''}#L10`);
    expect(one('[@tf-rmm-exit.c:10-20]').href).toBe(`${github?.url ?? ''}#L10-L20`);
    expect(one('[@tf-rmm-exit.c:10]').href).toBe(`${github?.url ?? ''}#L10`);
    expect(one('[@linux-mmu.c:10-20]').href).toBe(`${cgit?.url ?? ''}#n10`);
    expect(one('[@linux-mmu.c:10]').href).toBe(`${cgit?.url ?? ''}#n10`);
  });

  it('labels lines with the file, the range and the revision', () => {
    const r = one('[@v14-rmi.c:812-860]');
    expect(r.label).toBe('rmi.c L812–860, linux-arm/linux-cca cca-host/v14');
    expect(r.source.id).toBe('v14-rmi.c');
    expect(r.title).toMatch(/lines 812–860$/);
    expect(one('[@tf-rmm-exit.c:5]').label).toBe('exit.c L5, TF-RMM/tf-rmm 9a7f8ef46378');
  });

  it('resolves a whole source and a section to the source address', () => {
    const mail = one('[@v14-29-shan-0625]');
    expect(mail.href).toBe(sourceById('v14-29-shan-0625')?.url);
    expect(mail.label).toBe('Gavin Shan, 2026-06-25');
    const doc = one('[@rmm-spec §A2.2]');
    expect(doc.href).toBe(sourceById('rmm-spec')?.url);
    expect(doc.label).toBe('RMM spec 2.0-bet1 §A2.2');
  });

  it('locates a function through the ledger row of that name, in the tree the citation names', () => {
    const row = LEDGER.find((r) => r.name === 'realm_map_ipa');
    if (row?.v14 === undefined || row.postV14 === undefined) throw new Error('fixture: realm_map_ipa row');
    const v14 = one('[@v14 realm_map_ipa()]');
    expect(v14.label.startsWith('realm_map_ipa(), ')).toBe(true);
    expect(v14.source.id).toBe(row.v14.source);
    expect(v14.href.endsWith(`#L${row.v14.lines.from}-${row.v14.lines.to}`)).toBe(true);
    const post = one('[@post-v14 realm_map_ipa()]');
    expect(post.source.id).toBe(row.postV14.source);
    const rmm = LEDGER.find((r) => r.name === 'handle_data_abort')?.tfRmm;
    expect(one('[@tf-rmm handle_data_abort()]').source.id).toBe(rmm?.source);
  });

  it('refuses an unknown id, lines of a mail, an unknown function and a tree the ledger row lacks', () => {
    const cases: [string, string][] = [
      [
        '[@no-such-source]',
        'unknown source id "no-such-source": expected an id of packages/model/src/sources/registry.ts',
      ],
      [
        '[@no-such-file.c:1-2]',
        'unknown source id "no-such-file.c": expected an id of packages/model/src/sources/registry.ts',
      ],
      ['[@v14-29:1-2]', '"v14-29" is a mail, not code: it has no lines'],
      ['[@tf-rmm-4de93bb0:1]', '"tf-rmm-4de93bb0" is a commit, not code: it has no lines'],
      [
        '[@v14 no_such_function()]',
        'unknown function "no_such_function": expected a row of the verification ledger (packages/model/src/sources/ledger.ts)',
      ],
      ['[@tf-rmm realm_map_ipa()]', 'the ledger has no tf-rmm source for realm_map_ipa'],
    ];
    for (const [raw, why] of cases) {
      const e = citationError(() => one(raw));
      expect(e.message, raw).toBe(`citation ${raw}: ${why}`);
      expect(citationProblems(`x ${raw}`)).toEqual([e.message]);
    }
  });

  it('resolveCitations reports the offset of the group that failed', () => {
    const e = citationError(() => resolveCitations('ok [@v14-29], bad [@v14-29; @nope]'));
    expect(e.offset).toBe(18);
    expect(e.raw).toBe('[@v14-29; @nope]');
    expect(citationProblems('ok [@v14-29] and [@v14-rmi.c:1-2]')).toEqual([]);
  });
});

describe('citationsToPlainText and withoutCitations', () => {
  it('writes each citation out as its label and address, a group joined with "; "', () => {
    const url = sourceById('v14-rmi.c')?.url ?? '';
    expect(citationsToPlainText('see [@v14-rmi.c:812-860].')).toBe(
      `see [rmi.c L812–860, linux-arm/linux-cca cca-host/v14 <${url}#L812-860>].`,
    );
    const mail = sourceById('v14-29');
    expect(citationsToPlainText('[@v14-29; @v14-rmi.c:1]')).toBe(
      `[${mail?.short ?? ''} <${mail?.url ?? ''}>; rmi.c L1, linux-arm/linux-cca cca-host/v14 <${url}#L1>]`,
    );
    expect(citationsToPlainText('no citation')).toBe('no citation');
    expect(() => citationsToPlainText('[@nope]')).toThrow(CitationError);
  });

  it('removes citations and tidies the text around them', () => {
    expect(withoutCitations('The fault maps [@v14 realm_map_ipa()].')).toBe('The fault maps.');
    expect(withoutCitations('A [@v14-29], then B [@v14-rmi.c:1; @v14-30] ; C')).toBe('A, then B; C');
    expect(withoutCitations('It exits ([@v14-29]) and stops.')).toBe('It exits and stops.');
    expect(withoutCitations('  plain   text  ')).toBe('plain text');
  });
});

/** Every code reference of a ledger row, with the side it is on. */
function codeRefs(row: (typeof LEDGER)[number]): [string, CodeRef][] {
  const sides: [string, CodeRef | undefined][] = [
    ['v14', row.v14],
    ['postV14', row.postV14],
    ['tfRmm', row.tfRmm],
    ['other', row.other],
  ];
  return sides.flatMap(([k, r]) => (r === undefined ? [] : [[k, r] as [string, CodeRef]]));
}

describe('the verification ledger', () => {
  const names = LEDGER.map((r) => r.name);

  it('has one row per name', () => {
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });

  it('has a row for every mirrored function', () => {
    expect(MIRRORED_FUNCTIONS.map((f) => f.name).filter((n) => !names.includes(n))).toEqual([]);
  });

  it('has a row for every RMI command the RMM model implements, RMI_REC_ENTER and RSI_IPA_STATE_SET', () => {
    const implemented = Object.entries(rmmCommands)
      .filter(([k, v]) => k.startsWith('RMI_') && typeof v === 'function')
      .map(([k]) => k);
    expect(implemented.length).toBeGreaterThan(10);
    expect([...implemented, 'RMI_REC_ENTER', 'RSI_IPA_STATE_SET'].filter((n) => !names.includes(n))).toEqual(
      [],
    );
  });

  it('says where the code is for every checked row', () => {
    for (const row of LEDGER)
      if (row.status === 'checked') expect(codeRefs(row).length, row.name).toBeGreaterThan(0);
  });

  it('names a code source and a line range inside the file for every code reference', () => {
    const bad: string[] = [];
    for (const row of LEDGER) {
      for (const [side, ref] of codeRefs(row)) {
        const where = `${row.name}.${side} ${ref.source}:${ref.lines.from}-${ref.lines.to}`;
        const src = byId.get(ref.source);
        if (src?.kind !== 'code') bad.push(`${where}: not a code source`);
        if (!(Number.isInteger(ref.lines.from) && ref.lines.from >= 1 && ref.lines.from <= ref.lines.to))
          bad.push(`${where}: expected 1 <= from <= to`);
        const count = LINE_COUNTS[ref.source];
        if (count !== undefined && ref.lines.to > count) bad.push(`${where}: the file has ${count} lines`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('gives every RMI command its TF-RMM handler', () => {
    for (const row of LEDGER) if (row.kind === 'rmi') expect(row.tfRmm, row.name).toBeDefined();
  });

  it('cites only the tree a function exists in, for functions of one variant', () => {
    const bad: string[] = [];
    for (const f of MIRRORED_FUNCTIONS) {
      if (f.only === undefined) continue;
      const row = LEDGER.find((r) => r.name === f.name);
      const [has, lacks] = f.only === 'v14' ? [row?.v14, row?.postV14] : [row?.postV14, row?.v14];
      if (has === undefined) bad.push(`${f.name} (only ${f.only}): no ${f.only} reference`);
      if (lacks !== undefined)
        bad.push(`${f.name} (only ${f.only}): also cites ${lacks.source}:${lacks.lines.from}`);
    }
    expect(bad).toEqual([]);
  });

  it('has resolving citations and no citation of the brief in what it says', () => {
    for (const row of LEDGER) {
      for (const text of [row.omits, row.notes ?? '']) {
        expect(citationProblems(text), row.name).toEqual([]);
        expect(BRIEF_CITATION.test(text), `${row.name}: ${text}`).toBe(false);
      }
    }
  });
});

/** Every file under `dir` whose name ends with `ext`. */
function filesUnder(dir: string, ext: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p, ext) : name.endsWith(ext) ? [p] : [];
  });
}

/** The citation problems and brief citations of a text, each as "where:line: what". */
function textProblems(where: string, text: string): string[] {
  const out: string[] = [];
  const lineOf = (offset: number): number => text.slice(0, offset).split('\n').length;
  text.split('\n').forEach((l, i) => {
    const m = BRIEF_CITATION.exec(l);
    if (m) out.push(`${where}:${i + 1}: cites the brief: ${m[0]}`);
  });
  try {
    for (const g of findCitations(text))
      for (const p of citationProblems(g.raw)) out.push(`${where}:${lineOf(g.start)}: ${p}`);
  } catch (e) {
    if (!(e instanceof CitationError)) throw e;
    out.push(`${where}:${lineOf(e.offset)}: ${e.message}`);
  }
  return out;
}

const MODEL_ROOT = fileURLToPath(new URL('..', import.meta.url));

describe("the model's texts cite primary sources, and only those", () => {
  it('every .ts file under packages/model/src', () => {
    const files = filesUnder(join(MODEL_ROOT, 'src'), '.ts');
    expect(files.length).toBeGreaterThan(30);
    const problems = files.flatMap((f) => textProblems(relative(MODEL_ROOT, f), readFileSync(f, 'utf8')));
    expect(problems).toEqual([]);
    // The check is not vacuous: the sources do cite.
    const cited = files.filter((f) => findCitations(readFileSync(f, 'utf8')).length > 0);
    expect(cited.length).toBeGreaterThan(10);
  });

  it('the toggle documentation, the retired toggles and the variant labels', () => {
    const problems = [
      ...TOGGLE_INFO.flatMap((t) => [
        ...textProblems(`TOGGLE_INFO ${t.name}.description`, t.description),
        ...textProblems(`TOGGLE_INFO ${t.name}.source`, t.source),
      ]),
      ...Object.entries(RETIRED_TOGGLES).flatMap(([k, v]) => textProblems(`RETIRED_TOGGLES ${k}`, v)),
      ...Object.entries(VARIANT_INFO).flatMap(([k, v]) =>
        textProblems(`VARIANT_INFO ${k}`, `${v.short}\n${v.label}\n${v.tree}`),
      ),
    ];
    expect(problems).toEqual([]);
  });

  it('the built-in scenario descriptions', () => {
    const problems = BUILTIN_SCENARIOS.flatMap((s) => {
      const d = s['description'];
      return typeof d === 'string'
        ? textProblems(`scenario ${JSON.stringify(s['name'])}`, d)
        : ['no description'];
    });
    expect(problems).toEqual([]);
  });

  it('packages/model/scenario.schema.json', () => {
    const text = readFileSync(join(MODEL_ROOT, 'scenario.schema.json'), 'utf8');
    expect(textProblems('scenario.schema.json', text)).toEqual([]);
  });

  it('the check finds what it looks for', () => {
    // Built from pieces so that this file does not itself read as a citation of the brief.
    const brief = ['brief', '§8.3'].join(' ');
    expect(textProblems('t', `fine [@v14-29]\nbad [@nope]\nsee ${brief}`)).toEqual([
      `t:3: cites the brief: ${brief.slice(0, -3)}`,
      't:2: citation [@nope]: unknown source id "nope": expected an id of packages/model/src/sources/registry.ts',
    ]);
    expect(textProblems('t', 'x\n[@v14-rmi.c:9-1]')).toEqual([
      't:2: citation [@v14-rmi.c:9-1]: line range 9-1 must be N or N-M with 1 <= N <= M',
    ]);
  });
});
