/**
 * The build-time markup of one snippet, as SNIPPETS-CONTRACT.md fixes it: the parts after the code
 * block (controls, source, result). The wrapper and the code block itself are mdast nodes (see
 * ./index.ts) so Expressive Code still renders the code.
 */
import { formatProblem, formatRun, type SnippetRun } from '../../snippets/runtime.js';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text for HTML element content or a quoted attribute. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/**
 * JSON safe inside <script type="application/json">: `<`, `>` and `&` as \u escapes, so no
 * `</script>` or `<!--` can end or confuse the element; JSON.parse reads them back.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** The source element's JSON content: the snippet's id and its code as written. */
export function sourceJson(id: string, code: string): string {
  return scriptJson({ id, code });
}

export const NOT_RUN_TEXT = 'Not run when the page was built: press Run to run it in your browser.';
export const CAPTION_TEXT = 'Output, computed when this page was built';

/**
 * The output <pre>'s inner HTML: formatRun's text, HTML-escaped, with the problem line in
 * <span class="rf-snippet-problem">. Its text content is exactly formatRun(run).
 */
export function outputHtml(run: SnippetRun): string {
  const out = escapeHtml(run.output);
  if (!run.problem) return out;
  const problem = `<span class="rf-snippet-problem">${escapeHtml(formatProblem(run.problem))}</span>`;
  return run.output ? `${out}\n${problem}` : problem;
}

/** The inner HTML of the result block, for a run snippet (run) or a no_run one (null). */
export function resultHtml(id: string, run: SnippetRun | null): string {
  const captionOf = (text: string): string =>
    `<p class="rf-snippet-caption" id="${escapeHtml(id)}-caption">${escapeHtml(text)}</p>`;
  const preOf = (inner: string, hidden: boolean): string =>
    `<pre class="rf-snippet-output" aria-labelledby="${escapeHtml(id)}-caption" tabindex="0"${hidden ? ' hidden' : ''}>` +
    `<code>${inner}</code></pre>`;
  // A no_run snippet has the output <pre> too, empty and hidden, for the client to fill.
  if (!run) return captionOf(NOT_RUN_TEXT) + preOf('', true);
  const caption = captionOf(CAPTION_TEXT);
  const pre = preOf(formatRun(run) ? outputHtml(run) : '', false);
  const trace = run.traces[0];
  if (!trace) return caption + pre;
  const n = trace.lines.length;
  const items = trace.lines
    .map((line, i) => `<li data-depth="${String(trace.depths[i] ?? 0)}">${escapeHtml(line)}</li>`)
    .join('');
  const summary = `Trace: ${trace.scenario} under ${trace.variant} (${String(n)} event${n === 1 ? '' : 's'})`;
  return `${caption}${pre}<details class="rf-snippet-trace"><summary>${escapeHtml(summary)}</summary><ol>${items}</ol></details>`;
}
