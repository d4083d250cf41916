/**
 * The one message the page accepts from a snippet worker, checked field by field: the worker
 * runs the reader's code, so its messages are untrusted data and only plain strings, numbers
 * and the known problem kinds get through.
 */

export const PROBLEM_KINDS = ['syntax', 'runtime', 'budget', 'timeout', 'output', 'crash'] as const;

export interface CheckedTrace {
  readonly scenario: string;
  readonly variant: string;
  /** The model's formatEvent() text of each event, when the runtime provides it. */
  readonly lines: readonly string[] | null;
  readonly depths: readonly number[] | null;
}

export interface CheckedResult {
  /** formatRun(run): the output area's text. */
  readonly text: string;
  /** What the snippet printed (the text before the problem line). */
  readonly output: string;
  /** The problem's line of the text ("✗ … (line N)"), or null. */
  readonly problemText: string | null;
  /** The problem's line in the reader's code, or null. */
  readonly line: number | null;
  readonly traces: readonly CheckedTrace[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const strings = (v: unknown): readonly string[] | null =>
  Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : null;

/** The result if `data` is a well-formed result message, else null. */
export function checkResult(data: unknown): CheckedResult | null {
  if (!isRecord(data) || data['kind'] !== 'result') return null;
  const { text, problemText, run } = data;
  if (typeof text !== 'string' || !(problemText === null || typeof problemText === 'string')) return null;
  if (!isRecord(run) || typeof run['output'] !== 'string') return null;
  const problem = run['problem'];
  let line: number | null = null;
  if (problem !== null) {
    if (!isRecord(problem)) return null;
    if (!(PROBLEM_KINDS as readonly unknown[]).includes(problem['kind'])) return null;
    if (typeof problem['message'] !== 'string') return null;
    const l = problem['line'];
    if (l !== null && !(typeof l === 'number' && Number.isInteger(l) && l > 0)) return null;
    line = l;
    if (problemText === null) return null;
  } else if (problemText !== null) return null;
  const traces: CheckedTrace[] = [];
  if (Array.isArray(run['traces'])) {
    for (const t of run['traces'] as unknown[]) {
      if (!isRecord(t) || typeof t['scenario'] !== 'string' || typeof t['variant'] !== 'string') continue;
      const depths = t['depths'];
      traces.push({
        scenario: t['scenario'],
        variant: t['variant'],
        lines: strings(t['lines']),
        depths: Array.isArray(depths) && depths.every((d) => typeof d === 'number') ? depths : null,
      });
    }
  }
  return { text, output: run['output'], problemText, line, traces };
}
