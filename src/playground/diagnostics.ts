/**
 * Where in the editor's text to show the model parser's verdict (src/playground/worker.ts, check
 * requests). The parser names the field (`steps[2].ipa`) or, for text that is not JSON, gives a
 * line and column in its message (`… at line 3, column 5`); this turns either into a range of
 * the text. Pure, for tests/unit/playground-json-doc.test.ts.
 */
import { parseFieldPath, rangeOfPath, readJson, type JsonNode } from './json-doc';

export interface LocatedProblem {
  readonly from: number;
  readonly to: number;
  readonly message: string;
  /** Whether the range is the named field itself (false: its nearest existing ancestor, or a guess). */
  readonly exact: boolean;
}

/** The offset of a 1-based line and column in `text`, clamped to the text. */
export function offsetOf(text: string, line: number, column: number): number {
  let at = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', at);
    if (nl < 0) return text.length;
    at = nl + 1;
  }
  return Math.min(at + Math.max(column - 1, 0), text.length);
}

/** A one-character range at `offset` (the last character when it is the end of the text). */
function at(text: string, offset: number): { from: number; to: number } {
  if (text.length === 0) return { from: 0, to: 0 };
  const from = Math.min(offset, text.length - 1);
  return { from, to: from + 1 };
}

/**
 * The range for a problem the parser reported at `path` with `message`. `root` is the text read
 * with readJson (passed in when the caller has it already).
 */
export function locateProblem(
  text: string,
  path: string,
  message: string,
  root: JsonNode | null = readJson(text),
): LocatedProblem {
  if (path === '') {
    const m = /at line (\d+), column (\d+)\s*$/.exec(message);
    if (m !== null) return { ...at(text, offsetOf(text, Number(m[1]), Number(m[2]))), message, exact: true };
  }
  const segments = parseFieldPath(path);
  const range = segments === null ? null : rangeOfPath(root, segments);
  if (range !== null) return { from: range.from, to: range.to, message, exact: range.exact };
  // No value at all (empty text) or a path of another form: the first character.
  return { ...at(text, 0), message, exact: false };
}
