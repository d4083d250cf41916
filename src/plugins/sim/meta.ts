/**
 * The ```ts sim fence: which fences are runnable snippets and what their meta says. Shared by the
 * build plugin (./index.ts) and the test that runs every snippet (tests/unit/snippets-doc.test.ts),
 * so both read a fence the same way.
 *
 *     ```ts sim                         runs at build time, output checked against expected.json
 *     ```ts sim no_run                  shown with Edit/Run, not run at build time
 *     ```ts sim should_fail             must end with a problem
 *     ```ts sim title="…" id="…"        Expressive Code frame title; stable id
 */

/** What a sim fence's meta says. */
export interface SimMeta {
  readonly noRun: boolean;
  readonly shouldFail: boolean;
  /** Expressive Code frame title, or null. */
  readonly title: string | null;
  /** The id given with id="…", or null for the default `<page slug>-<n>`. */
  readonly id: string | null;
}

/** A meta string that is not a valid sim fence meta; the message says what was expected. */
export class SimMetaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimMetaError';
  }
}

const FLAGS = new Set(['sim', 'no_run', 'should_fail']);
const KEYS = new Set(['title', 'id']);
/** Ids are used in HTML ids and URL fragments. */
export const SNIPPET_ID = /^[a-z0-9][a-z0-9-]*$/;

/** Languages a sim fence may be written in (the code node is always emitted as `ts`). */
const LANGS = new Set(['ts', 'typescript']);

/** The words of a meta string: bare flags and key="value" (or key='value', key=bare) pairs. */
function tokens(meta: string): { flags: string[]; pairs: [string, string][]; rest: string } {
  const flags: string[] = [];
  const pairs: [string, string][] = [];
  const rest = meta
    .replace(/([\w-]+)=(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|(\S+))/g, (_m, ...g: unknown[]) => {
      const [key, dq, sq, bare] = g as [string, string | undefined, string | undefined, string | undefined];
      pairs.push([key, (dq ?? sq ?? bare ?? '').replace(/\\(.)/g, '$1')]);
      return ' ';
    })
    .replace(/[\w-]+/g, (flag) => {
      flags.push(flag);
      return ' ';
    })
    .trim();
  return { flags, pairs, rest };
}

/** Is this fence a runnable snippet (```ts sim …)? */
export function isSimFence(lang: string | null | undefined, meta: string | null | undefined): boolean {
  if (!lang || !LANGS.has(lang) || !meta) return false;
  return tokens(meta).flags.includes('sim');
}

/** Parse a sim fence's meta; anything unknown is a SimMetaError naming it. */
export function parseSimMeta(meta: string): SimMeta {
  const { flags, pairs, rest } = tokens(meta);
  const problems: string[] = [];
  for (const f of flags) if (!FLAGS.has(f)) problems.push(`unknown flag "${f}"`);
  if (rest) problems.push(`cannot read "${rest}"`);
  const values = new Map<string, string>();
  for (const [k, v] of pairs) {
    if (!KEYS.has(k)) problems.push(`unknown option ${k}="${v}"`);
    else if (values.has(k)) problems.push(`${k}="…" given twice`);
    else values.set(k, v);
  }
  const noRun = flags.includes('no_run');
  const shouldFail = flags.includes('should_fail');
  if (noRun && shouldFail)
    problems.push('no_run and should_fail together (a snippet that is not run cannot be checked to fail)');
  const id = values.get('id') ?? null;
  if (id !== null && !SNIPPET_ID.test(id)) {
    problems.push(`id="${id}" is not lowercase letters, digits and hyphens`);
  }
  const title = values.get('title') ?? null;
  if (title !== null && !title.trim()) problems.push('title="" is empty');
  if (problems.length) {
    throw new SimMetaError(
      `${problems.join('; ')}; a sim fence takes the flags no_run and should_fail and the options title="…" and id="…"`,
    );
  }
  return { noRun, shouldFail, title, id };
}

/**
 * The page slug used in default ids: the file's path below src/content/docs without the
 * extension, its last segment (an index page takes its folder's name).
 */
export function pageSlug(docPath: string): string {
  const parts = docPath
    .replace(/\\/g, '/')
    .replace(/\.mdx?$/, '')
    .split('/')
    .filter(Boolean);
  let last = parts.pop() ?? 'page';
  if (last === 'index') last = parts.pop() ?? 'home';
  return last.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
}
