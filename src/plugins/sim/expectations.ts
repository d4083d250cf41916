/**
 * The committed expectations (src/snippets/expected.json): for every run snippet, the text its
 * output area shows (formatRun), keyed `<path below src/content/docs>#<id>`. The build and the
 * tests compare against it, so a change in the model that changes what a page prints is seen in
 * review. `UPDATE_SNIPPETS=1` rewrites entries instead of comparing (refused when CI is set).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** The expectations file, relative to the project root. */
export const EXPECTED_FILE = 'src/snippets/expected.json';

/** The key of a fence in the expectations file. */
export function expectationKey(fence: { readonly docPath: string; readonly id: string }): string {
  return `${fence.docPath}#${fence.id}`;
}

/** Is UPDATE_SNIPPETS=1 set? Throws when CI is also set: CI compares, it never rewrites. */
export function updateRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  const on = env['UPDATE_SNIPPETS'] === '1';
  if (on && env['CI']) {
    throw new Error(
      'UPDATE_SNIPPETS=1 is refused when CI is set: CI checks snippet output against the committed src/snippets/expected.json; update it locally and commit it',
    );
  }
  return on;
}

const path = (root: string): string => resolve(root, EXPECTED_FILE);

/** The committed expectations ({} when the file does not exist yet). */
export function readExpectations(root: string = process.cwd()): Record<string, string> {
  const file = path(root);
  if (!existsSync(file)) return {};
  const data = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new Error(`${EXPECTED_FILE}: expected an object of "page#id": "output" strings`);
  }
  for (const [k, v] of Object.entries(data)) {
    if (typeof v !== 'string')
      throw new Error(`${EXPECTED_FILE}: "${k}" should be a string, not ${typeof v}`);
  }
  return data as Record<string, string>;
}

/** Write the expectations, keys sorted, one per line. */
export function writeExpectations(entries: Record<string, string>, root: string = process.cwd()): void {
  const sorted = Object.fromEntries(Object.entries(entries).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const file = path(root);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(sorted, null, 2)}\n`);
}

/** Set one entry (a read-modify-write, synchronous so concurrent pages cannot interleave). */
export function recordExpectation(key: string, text: string, root: string = process.cwd()): void {
  const all = readExpectations(root);
  if (all[key] === text) return;
  all[key] = text;
  writeExpectations(all, root);
}
