/**
 * Citations: the one syntax every text of the project uses to cite a primary source, and how it
 * resolves to a link.
 *
 *     [@v14-29]                      a source by id (a mail, a commit, a document, a whole file)
 *     [@v14-rmi.c:812-860]           lines of a code source (or one line: [@v14-rmi.c:812])
 *     [@v14 realm_map_ipa()]         a function, located through the verification ledger in the
 *     [@post-v14 realm_map_ipa()]    v14 tree or in the post-v14 tree (a space, not ":": in MDX a
 *                                    ":name" is a text directive)
 *     [@tf-rmm handle_data_abort()]  a TF-RMM function or RMI command handler, the same way
 *     [@rmm-spec §A4.3.4.3]          a section of a document
 *     [@v14-29; @v14-29-shan-0625]         several at once
 *
 * Pages write it in prose (src/plugins/cite turns it into links and fails the build on an unknown
 * id); the model's own texts (scenario descriptions, toggle documentation, decoder notes) use it
 * too, and the CLI prints each citation as its label followed by the address.
 */
import { LEDGER, type LedgerRow } from './ledger.js';
import { SOURCES } from './registry.js';
import type { CodeSource, LineRange, Source } from './types.js';

/** The trees a function citation can name, and which side of a ledger row each reads. */
export const FUNCTION_TREES = ['v14', 'post-v14', 'tf-rmm'] as const;
export type FunctionTree = (typeof FUNCTION_TREES)[number];

/** One citation inside a citation group, as written. */
export type CitationRef =
  | { readonly kind: 'source'; readonly id: string; readonly section?: string }
  | { readonly kind: 'lines'; readonly id: string; readonly lines: LineRange }
  | { readonly kind: 'function'; readonly tree: FunctionTree; readonly fn: string };

/** A citation group (one or more citations in brackets) found in a text. */
export interface CitationMatch {
  /** Offset of `[` in the text. */
  readonly start: number;
  /** Offset just past `]`. */
  readonly end: number;
  /** The text as written, `[@v14-29]`. */
  readonly raw: string;
  readonly refs: readonly CitationRef[];
}

/** A citation resolved to what a reader sees and opens. */
export interface ResolvedCitation {
  readonly ref: CitationRef;
  readonly source: Source;
  /** The inline label ("rmi.c L812–860, cca-host/v14"). */
  readonly label: string;
  /** The address, with the line anchor where there is one. */
  readonly href: string;
  /** The long description for a tooltip or a source list. */
  readonly title: string;
}

/** An unknown or malformed citation: `message` says what was expected. */
export class CitationError extends Error {
  constructor(
    readonly raw: string,
    readonly offset: number,
    message: string,
  ) {
    super(message);
    this.name = 'CitationError';
  }
}

const BY_ID: ReadonlyMap<string, Source> = new Map(SOURCES.map((s) => [s.id, s]));

/** The source with this id, or undefined. */
export const sourceById = (id: string): Source | undefined => BY_ID.get(id);

/** An opening bracket and "@", then anything but a closing bracket or a newline, then the closing bracket. */
const GROUP = /[[]@([^\]\n]*)\]/g;
const ID = /^[a-z0-9][a-z0-9._/-]*$/;
const LINES = /^(\d+)(?:-(\d+))?$/;
const FN = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** `v14 realm_map_ipa()`: a tree, one space, a C or RMI name and "()". */
const FUNCTION_CITATION = /^([a-z0-9-]+) ([A-Za-z_][A-Za-z0-9_]*)\(\)$/;

function parseOne(text: string, raw: string, offset: number): CitationRef {
  const t = text.trim();
  const bad = (why: string): never => {
    throw new CitationError(raw, offset, `citation ${raw}: ${why}`);
  };
  if (!t.startsWith('@')) bad(`expected "@id" after ";", got "${t}"`);
  const body = t.slice(1);
  const fn = FUNCTION_CITATION.exec(body);
  if (fn) {
    const [, tree = '', name = ''] = fn;
    if (!(FUNCTION_TREES as readonly string[]).includes(tree))
      bad(`a function citation names its tree: expected one of ${FUNCTION_TREES.join(', ')}, got "${tree}"`);
    return { kind: 'function', tree: tree as FunctionTree, fn: name };
  }
  const sect = body.indexOf(' §');
  if (sect >= 0) {
    const id = body.slice(0, sect).trim();
    const section = body.slice(sect + 2).trim();
    if (!ID.test(id)) bad(`"${id}" is not a source id (lower-case letters, digits, . _ / -)`);
    if (section === '') bad('expected a section after "§"');
    return { kind: 'source', id, section };
  }
  const colon = body.lastIndexOf(':');
  if (colon < 0) {
    if (!ID.test(body)) bad(`"${body}" is not a source id (lower-case letters, digits, . _ / -)`);
    return { kind: 'source', id: body };
  }
  const head = body.slice(0, colon);
  const tail = body.slice(colon + 1);
  const lines = LINES.exec(tail);
  if (lines) {
    const from = Number(lines[1]);
    const to = lines[2] === undefined ? from : Number(lines[2]);
    if (from < 1 || to < from) bad(`line range ${tail} must be N or N-M with 1 <= N <= M`);
    if (!ID.test(head)) bad(`"${head}" is not a source id`);
    return { kind: 'lines', id: head, lines: { from, to } };
  }
  if (FN.test(tail))
    bad(
      `a function is cited as "@${head} ${tail}()" (tree, a space, the name and "()"), not with ":": in pages ":${tail}" would be read as a directive`,
    );
  return bad(`expected lines (812 or 812-860) after ":", got "${tail}"`);
}

/** Every citation group in `text`, parsed. Throws CitationError for a malformed one. */
export function findCitations(text: string): CitationMatch[] {
  const out: CitationMatch[] = [];
  for (const m of text.matchAll(GROUP)) {
    const raw = m[0];
    const refs = `@${m[1] ?? ''}`.split(';').map((part) => parseOne(part, raw, m.index));
    out.push({ start: m.index, end: m.index + raw.length, raw, refs });
  }
  return out;
}

/** The anchor for a line range on a code host. */
function lineAnchor(style: CodeSource['lineStyle'], r: LineRange): string {
  const single = r.from === r.to;
  switch (style) {
    case 'gitlab':
      return single ? `#L${r.from}` : `#L${r.from}-${r.to}`;
    case 'github':
      return single ? `#L${r.from}` : `#L${r.from}-L${r.to}`;
    case 'cgit':
      return `#n${r.from}`;
    default:
      return style satisfies never;
  }
}

const linesText = (r: LineRange): string => (r.from === r.to ? `L${r.from}` : `L${r.from}–${r.to}`);

/** Where a code source's revision is, as readers name it ("cca-host/v14", "TF-RMM 9a7f8ef4"). */
export function revisionLabel(s: CodeSource): string {
  const rev = /^[0-9a-f]{40}$/.test(s.rev) ? s.rev.slice(0, 12) : s.rev;
  return `${s.repo} ${rev}`;
}

/** The long description of a source (tooltips, source lists, the CLI). */
export function describeSource(s: Source): string {
  switch (s.kind) {
    case 'mail':
      return `${s.author}, “${s.title}”, ${s.date}${s.search ? ' (mail-archive search)' : ''}`;
    case 'code':
      return `${s.path} in ${revisionLabel(s)} (${s.date})`;
    case 'commit':
      return `${s.repo} commit ${s.rev.slice(0, 12)} “${s.title}”, ${s.author}, ${s.date}`;
    case 'doc':
      return `${s.title}, ${s.author}, ${s.date}`;
    default:
      return s satisfies never;
  }
}

/** The ledger row of a function or command, by name. */
const LEDGER_BY_NAME: ReadonlyMap<string, LedgerRow> = new Map(LEDGER.map((r) => [r.name, r]));

function need<T>(v: T | undefined | null, raw: string, why: string): T {
  if (v === undefined || v === null) throw new CitationError(raw, 0, `citation ${raw}: ${why}`);
  return v;
}

/** Resolve one citation. Throws CitationError for an unknown id, function or a bad line range. */
export function resolveCitation(ref: CitationRef, raw = ''): ResolvedCitation {
  if (ref.kind === 'function') {
    const row = need(
      LEDGER_BY_NAME.get(ref.fn),
      raw,
      `unknown function "${ref.fn}": expected a row of the verification ledger (packages/model/src/sources/ledger.ts)`,
    );
    const at = need(
      ref.tree === 'v14' ? row.v14 : ref.tree === 'post-v14' ? row.postV14 : row.tfRmm,
      raw,
      `the ledger has no ${ref.tree} source for ${ref.fn}`,
    );
    const lines = resolveCitation({ kind: 'lines', id: at.source, lines: at.lines }, raw);
    return { ...lines, ref, label: `${ref.fn}(), ${lines.label}` };
  }
  const source = need(
    sourceById(ref.id),
    raw,
    `unknown source id "${ref.id}": expected an id of packages/model/src/sources/registry.ts`,
  );
  if (ref.kind === 'lines') {
    if (source.kind !== 'code')
      throw new CitationError(
        raw,
        0,
        `citation ${raw}: "${ref.id}" is a ${source.kind}, not code: it has no lines`,
      );
    return {
      ref,
      source,
      label: `${source.short} ${linesText(ref.lines)}, ${revisionLabel(source)}`,
      href: source.url + lineAnchor(source.lineStyle, ref.lines),
      title: `${describeSource(source)}, lines ${ref.lines.from}–${ref.lines.to}`,
    };
  }
  const section = ref.section === undefined ? '' : ` §${ref.section}`;
  return {
    ref,
    source,
    label: `${source.short}${section}`,
    href: source.url,
    title: describeSource(source) + section,
  };
}

/** Resolve every citation group of a text; throws CitationError on the first bad one. */
export function resolveCitations(text: string): { match: CitationMatch; cites: ResolvedCitation[] }[] {
  return findCitations(text).map((match) => ({
    match,
    cites: match.refs.map((r) => {
      try {
        return resolveCitation(r, match.raw);
      } catch (e) {
        if (e instanceof CitationError) throw new CitationError(match.raw, match.start, e.message);
        throw e;
      }
    }),
  }));
}

/** The problems with the citations of a text (empty when every one resolves). */
export function citationProblems(text: string): string[] {
  try {
    resolveCitations(text);
    return [];
  } catch (e) {
    if (e instanceof CitationError) return [e.message];
    throw e;
  }
}

/**
 * A text with its citations written out for a terminal or a plain-text reader:
 * `[@v14-29]` → `[v14 29/44 <https://…>]`.
 */
export function citationsToPlainText(text: string): string {
  let out = '';
  let at = 0;
  for (const { match, cites } of resolveCitations(text)) {
    out += text.slice(at, match.start);
    out += `[${cites.map((c) => `${c.label} <${c.href}>`).join('; ')}]`;
    at = match.end;
  }
  return out + text.slice(at);
}

/**
 * A text with its citations written as their short labels, without addresses, for plain-text
 * output that has no room for them (a decoder table, a snippet's output):
 * `[@v14-rmi.c:63-66]` → `[rmi.c L63–66, linux-arm/linux-cca cca-host/v14]`.
 */
export function citationsToLabels(text: string): string {
  let out = '';
  let at = 0;
  for (const { match, cites } of resolveCitations(text)) {
    out += text.slice(at, match.start);
    out += `[${cites.map((c) => c.label).join('; ')}]`;
    at = match.end;
  }
  return out + text.slice(at);
}

/** A text with its citations removed (for one-line summaries); the text around them is tidied. */
export function withoutCitations(text: string): string {
  return (
    text
      // A parenthesis that holds nothing but citations goes with them (one with other words stays).
      .replace(/\(\s*(?:[[]@[^\]\n]*\][\s,;]*)+\)/g, '')
      .replace(/\s*[[]@[^\]\n]*\]/g, '')
      .replace(/([,;])(?:\s*[,;])+/g, '$1')
      .replace(/\s+([.,;:)])/g, '$1')
      .replace(/\s{2,}/g, ' ')
      .trim()
  );
}
