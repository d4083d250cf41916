/**
 * The Fault explorer's result as HTML: what each run came to (no forward progress, a failed
 * KVM_RUN, WARNs), the first difference between the variants, the per-step summary table (the
 * fields <ScenarioCompare> compares, from src/components/scenario-compare.ts), each variant's path
 * side by side, and then the invariant checks. Each variant is named with the code it follows
 * (VARIANT_INFO). The build renders the default selection with it (FaultExplorer.astro, set:html)
 * and the browser re-renders with it after each change, so the two cannot drift apart. Every text
 * goes through esc().
 */
import { VARIANT_INFO, type Variant } from '@realmfault/model';
import {
  COMPARED_FIELDS,
  FIELD_LABELS,
  INVARIANTS,
  runVerdict,
  type ComparedField,
  type StepCell,
} from '../../components/scenario-compare';
import { esc } from '../html';
import { groupRounds, type Divergence, type PathLine } from './path';
import type { ExplorerView, RunView } from './run';

/** How the explorer names a variant: VARIANT_INFO's label and the trees it follows. */
export const VARIANT_LABELS: Readonly<Record<Variant, string>> = {
  v14: `${VARIANT_INFO.v14.label} (${VARIANT_INFO.v14.tree})`,
  'post-v14-review': `${VARIANT_INFO['post-v14-review'].label} (${VARIANT_INFO['post-v14-review'].tree})`,
};

const short = (v: Variant): string => VARIANT_INFO[v].short;

/** Deepest call depth with its own indentation class (widgets.css has .rf-d0 … .rf-d15). */
export const MAX_DEPTH_CLASS = 15;

const code = (s: string): string => `<code>${esc(s)}</code>`;

/** A cell's entries as text lines; tandem repeats as one line with a count. */
function cellLines(field: ComparedField, cell: StepCell): { text: string; times: number }[] {
  const v = cell[field];
  if (v === null) return [];
  if (typeof v === 'string') return [{ text: v, times: 1 }];
  return v.flatMap((entry) => {
    if (typeof entry === 'string') return [{ text: entry, times: 1 }];
    return entry.times === 1
      ? entry.items.map((text) => ({ text, times: 1 }))
      : [{ text: entry.items.join('; '), times: entry.times }];
  });
}

function cellHtml(field: ComparedField, cell: StepCell | undefined): string {
  const ls = cell ? cellLines(field, cell) : [];
  if (ls.length === 0) return '<td><span class="rf-none">none</span></td>';
  if (ls.length === 1 && ls[0]?.times === 1) return `<td>${code(ls[0].text)}</td>`;
  const items = ls
    .map((l) =>
      l.times > 1
        ? `<li><span class="rf-times">${l.times} × </span>(${code(l.text)})</li>`
        : `<li>${code(l.text)}</li>`,
    )
    .join('');
  return `<td><ol>${items}</ol></td>`;
}

function summaryTable(view: ExplorerView, uid: string): string {
  const runs = view.runs;
  const head = runs.map((r) => `<th scope="col">${esc(VARIANT_INFO[r.variant].label)}</th>`).join('');
  const bodies = view.stepLabels
    .map((label, i) => {
      const cells = runs.map((r) => r.cells[i]);
      const differs = (f: ComparedField): boolean =>
        cells.length === 2 && JSON.stringify(cells[0]?.[f]) !== JSON.stringify(cells[1]?.[f]);
      const rows = COMPARED_FIELDS.filter((f) =>
        cells.some((c) => c !== undefined && cellLines(f, c).length > 0),
      )
        .map((f) => {
          const d = differs(f);
          return (
            `<tr${d ? ' class="rf-differs"' : ''}><th scope="row">${esc(FIELD_LABELS[f])}` +
            `${d ? '<span class="rf-ne"> (differs)</span>' : ''}</th>${cells.map((c) => cellHtml(f, c)).join('')}</tr>`
          );
        })
        .join('');
      return (
        `<tbody><tr class="rf-step"><th scope="colgroup" colspan="${runs.length + 1}">Step ${i}: ${esc(label)}</th></tr>` +
        `${rows}</tbody>`
      );
    })
    .join('');
  return (
    `<table class="rf-fx-summary"><caption id="${uid}-summary">What each step did, as <code>npx realmfault run</code> reports it</caption>` +
    `<thead><tr><th scope="col">Field</th>${head}</tr></thead>${bodies}</table>`
  );
}

function divergenceHtml(view: ExplorerView, uid: string): string {
  const [a, b] = view.runs;
  if (!a || !b) return '';
  const d: Divergence | null = view.divergence;
  if (d === null) {
    return `<p class="rf-fx-first"><strong>${esc(short(a.variant))} and ${esc(short(b.variant))} take the same path</strong> for this selection: every step calls the same functions, makes the same decisions and gets the same RMI results.</p>`;
  }
  const side = (run: RunView, line: PathLine | null): string =>
    line === null
      ? `<strong>${esc(short(run.variant))}</strong>: the step has already ended`
      : `<a href="#${uid}-div-${run.variant}"><strong>${esc(short(run.variant))}</strong></a>: ${code(line.text.trim())}`;
  const label = view.stepLabels[d.step] ?? '';
  return (
    `<p class="rf-fx-first"><strong>First difference:</strong> step ${d.step} (${esc(label)}), after ${d.line} identical trace line${d.line === 1 ? '' : 's'}. ` +
    `${side(a, d.a)}; ${side(b, d.b)}.</p>`
  );
}

function pathHtml(run: RunView, view: ExplorerView, uid: string): string {
  const d = view.divergence;
  const steps = run.lines
    .map((lines, i) => {
      const divergeLine = d !== null && d.step === i && lines[d.line] !== undefined ? d.line : null;
      const groups = groupRounds(lines, divergeLine)
        .map((g) => {
          const head =
            g.first === 0
              ? ''
              : g.times === 1
                ? `<p class="rf-fx-round">REC entry ${g.first}</p>`
                : `<p class="rf-fx-round">REC entries ${g.first}–${g.first + g.times - 1}: ${g.times} identical rounds, shown once</p>`;
          const items = g.lines
            .map((l, k) => {
              const depth = Math.min(l.depth, MAX_DEPTH_CLASS);
              const isDiv = g.divergesAt === k;
              return (
                `<li class="rf-d${depth} rf-t-${l.type}${isDiv ? ' rf-fx-div' : ''}"${isDiv ? ` id="${uid}-div-${run.variant}"` : ''}>` +
                `${code(l.text)}${isDiv ? ' <strong class="rf-badge">first difference</strong>' : ''}</li>`
              );
            })
            .join('');
          return `<li>${head}<ol class="rf-fx-lines">${items}</ol></li>`;
        })
        .join('');
      const label = view.stepLabels[i] ?? '';
      return `<p class="rf-fx-stephead">Step ${i}: ${esc(label)}</p><ol class="rf-fx-rounds">${groups}</ol>`;
    })
    .join('');
  const headId = `${uid}-path-${run.variant}`;
  return (
    `<section class="rf-fx-path" aria-labelledby="${headId}"><p class="rf-fx-pathhead" id="${headId}">Path under ${esc(VARIANT_LABELS[run.variant])}</p>` +
    `${steps}</section>`
  );
}

/** What each run came to, before anything else: a step that made no progress or failed is the news. */
export function verdictsHtml(view: ExplorerView): string {
  const items = view.runs.map((r) => {
    const v = runVerdict(r.result);
    const body = v.clean
      ? 'every step completed, with no WARN'
      : v.lines.length === 1
        ? esc(v.lines[0] ?? '')
        : `<ul>${v.lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>`;
    return `<li data-variant="${esc(r.variant)}" data-clean="${String(v.clean)}"><strong>${esc(VARIANT_INFO[r.variant].label)}</strong>: ${body}</li>`;
  });
  return `<div class="rf-fx-verdicts"><p>What ${view.runs.length === 2 ? 'each run' : 'the run'} came to:</p><ul>${items.join('')}</ul></div>`;
}

function violationsHtml(view: ExplorerView): string {
  const rows = view.runs.flatMap((r) =>
    r.result.violations.map(
      (v) =>
        `<li><strong>${esc(short(r.variant))}</strong>, after step ${v.step}: invariant (${v.invariant}) ${esc(INVARIANTS[v.invariant])}: ${code(v.message)}</li>`,
    ),
  );
  const stuck = view.runs.some((r) => !runVerdict(r.result).clean);
  return rows.length === 0
    ? `<p>Invariant checks: no violation of the simulator's invariants${view.runs.length === 2 ? ' under either variant' : ''}` +
        `${stuck ? ' (they concern the stage-2 mappings, not whether the guest makes progress)' : ''}.</p>`
    : `<p>Invariant violations the simulator found:</p><ul class="rf-fx-violations">${rows.join('')}</ul>`;
}

/** The whole result. `uid` prefixes element ids (one explorer per page needs no more). */
export function renderExplorerHtml(view: ExplorerView, uid: string): string {
  const notes = view.notes.length
    ? `<ul class="rf-fx-notes">${view.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`
    : '';
  const steps = view.stepLabels.map((l) => `<li>${code(l)}</li>`).join('');
  return (
    `<p class="rf-fx-what">The simulator ran ${view.runs.map((r) => esc(VARIANT_LABELS[r.variant])).join(' and ')} on these steps:</p>` +
    `<ol class="rf-fx-steps" start="0">${steps}</ol>${notes}${verdictsHtml(view)}${divergenceHtml(view, uid)}` +
    `<div class="rf-fx-scroll" role="region" tabindex="0" aria-labelledby="${uid}-summary">${summaryTable(view, uid)}</div>` +
    `<div class="rf-fx-paths rf-fx-cols-${view.runs.length}">${view.runs.map((r) => pathHtml(r, view, uid)).join('')}</div>` +
    violationsHtml(view) +
    `<details class="rf-fx-json"><summary>The scenario as JSON, for <code>npx realmfault run FILE.json --variant v14</code> (or <code>post-v14-review</code>)</summary>` +
    `<pre tabindex="0"><code>${esc(view.scenarioJson)}</code></pre></details>`
  );
}

/** A short sentence for the live region: each variant's outcome, and where they first differ. */
export function announce(view: ExplorerView): string {
  const parts = view.runs.map((r) => {
    const v = runVerdict(r.result);
    const last = r.result.steps[r.result.steps.length - 1];
    const outcome = !v.clean
      ? v.lines.join('; ')
      : last
        ? `${last.outcome}${last.errno ? ` (${last.errno})` : ''}`
        : 'no steps';
    return `${short(r.variant)}: ${outcome}`;
  });
  const d = view.divergence;
  const [a, b] = view.runs;
  const diff =
    a === undefined || b === undefined
      ? ''
      : d === null
        ? ' The variants take the same path.'
        : ` First difference at step ${d.step}: ${short(a.variant)} ${d.a ? d.a.text.trim() : 'ends'}; ${short(b.variant)} ${d.b ? d.b.text.trim() : 'ends'}.`;
  return `Result for IPA ${view.ipa}: ${parts.join('; ')}.${diff}`;
}
