/**
 * Citations in a terminal. The model's texts (scenario descriptions, toggle documentation, decoder
 * notes) cite their sources in the syntax of packages/model/src/sources/cite.ts. A resolved citation is a label plus an address of 60 to 150 characters, too long to repeat inside
 * a sentence, so the CLI prints:
 *
 * - long text (`run`, `scenarios NAME`, `toggles`, `decode`): each citation group as footnote
 *   numbers, `[1]` or `[1, 2]`, and below the text a `sources:` block with, per source, what it
 *   is (describeSource(), the lines or the section) and its address on a line of its own;
 * - one-line listings (`scenarios`): the text without its citations (withoutCitations());
 * - anything else that might carry a citation (trace lines, violation messages): the label and
 *   address inline, as citationsToPlainText() writes them;
 * - `--json`: the raw text, citations as written, plus the resolved sources.
 *
 * A group that does not resolve (a user's own scenario description, say) is printed as written.
 */
import {
  CitationError,
  resolveCitations,
  withoutCitations,
  type CitationRef,
  type ResolvedCitation,
} from '@realmfault/model';

/** A citation group, as src/sources/cite.ts finds them (\x40 is the at sign). */
const GROUP = /\[\x40[^\]\n]*\]/g;

/** The at sign of a citation, kept apart so that code building one is not taken for one. */
const AT = '@';

/** A citation group around `body` (one or more citations without their `@`, joined by `; @`). */
export function citation(body: string): string {
  return `[${AT}${body}]`;
}

/** One citation as written, without the brackets and the at sign: `v14-29`, `v14-rmi.c:812-860`, `v14 gmem_abort()`. */
export function refText(ref: CitationRef): string {
  switch (ref.kind) {
    case 'source':
      return ref.section === undefined ? ref.id : `${ref.id} §${ref.section}`;
    case 'lines':
      return `${ref.id}:${ref.lines.from === ref.lines.to ? ref.lines.from : `${ref.lines.from}-${ref.lines.to}`}`;
    case 'function':
      return `${ref.tree} ${ref.fn}()`;
    default:
      return ref satisfies never;
  }
}

/** What a source list says about a citation: a function citation names the function first. */
export function citationTitle(c: ResolvedCitation): string {
  return c.ref.kind === 'function' ? `${c.ref.fn}(): ${c.title}` : c.title;
}

/** A resolved citation as JSON output carries it. */
export interface SourceJson {
  readonly ref: string;
  readonly label: string;
  readonly title: string;
  readonly href: string;
}

export function sourceJson(c: ResolvedCitation): SourceJson {
  return { ref: refText(c.ref), label: c.label, title: citationTitle(c), href: c.href };
}

/** The citations of one group, or undefined when it does not resolve. */
function resolveGroup(raw: string): readonly ResolvedCitation[] | undefined {
  try {
    return resolveCitations(raw)[0]?.cites;
  } catch (e) {
    if (e instanceof CitationError) return undefined;
    throw e;
  }
}

/** Footnote numbering shared by the texts of one output, and the `sources:` block they need. */
export class Footnotes {
  private readonly list: ResolvedCitation[] = [];
  private readonly numbers = new Map<string, number>();

  /** `text` with each citation group replaced by its footnote numbers. */
  mark(text: string): string {
    return text.replace(GROUP, (raw) => {
      const cites = resolveGroup(raw);
      if (cites === undefined || cites.length === 0) return raw;
      return `[${cites.map((c) => this.number(c)).join(', ')}]`;
    });
  }

  private number(c: ResolvedCitation): number {
    const key = refText(c.ref);
    let n = this.numbers.get(key);
    if (n === undefined) {
      this.list.push(c);
      n = this.list.length;
      this.numbers.set(key, n);
    }
    return n;
  }

  get size(): number {
    return this.list.length;
  }

  /** The sources, in footnote order. */
  sources(): SourceJson[] {
    return this.list.map(sourceJson);
  }

  /** `sources:` and one entry per source (title, then the address), or nothing when there is none. */
  block(indent = ''): string[] {
    if (this.list.length === 0) return [];
    const w = String(this.list.length).length + 2;
    const out = [`${indent}sources:`];
    this.list.forEach((c, i) => {
      out.push(`${indent}  ${`[${i + 1}]`.padEnd(w)} ${citationTitle(c)}`);
      out.push(`${indent}  ${' '.repeat(w)} ${c.href}`);
    });
    return out;
  }
}

/** The resolved sources of some texts, each once, in order of first citation (for JSON output). */
export function sourcesOf(texts: readonly string[]): SourceJson[] {
  const f = new Footnotes();
  for (const t of texts) f.mark(t);
  return f.sources();
}

/** `text` with each citation written out inline as its label and address; unresolved ones as written. */
export function inlineCitations(text: string): string {
  return text.replace(GROUP, (raw) => {
    const cites = resolveGroup(raw);
    if (cites === undefined || cites.length === 0) return raw;
    return `[${cites.map((c) => `${c.label} <${c.href}>`).join('; ')}]`;
  });
}

/** Stands for the `()` of a function name while withoutCitations() tidies a text. */
const CALL = '\u0000';

/**
 * withoutCitations(), keeping the `()` after a function name: the model's tidying drops every
 * empty pair of parentheses, including those of `set_memory_decrypted()`.
 */
export function citationsLeftOut(text: string): string {
  return withoutCitations(text.replace(/(\w)\(\)/g, `$1${CALL}`)).replaceAll(CALL, '()');
}
