/**
 * The Interleaving explorer's results as HTML: the counts, each invariant with its statement,
 * its sources and whether it holds, and each counterexample with its path, a playground link and
 * the scenario file. The build renders the components' default selections with it (set:html) and
 * the worker renders each run in the browser with it, so the two cannot drift apart. Every text
 * goes through esc() or citeHtml().
 */
import { INVARIANTS, MUTATIONS, VARIANT_INFO, type Counterexample, type Variant } from '@realmfault/model';
import { citeHtml } from '../cite-html';
import { esc } from '../html';
import { selectionToHash, type Selection } from './choices';
import type { LinkTargets } from './protocol';
import type { CounterexampleLinks, ExploreView } from './run';

const code = (s: string): string => `<code>${esc(s)}</code>`;
const n = (x: number): string => x.toLocaleString('en-GB');

export const variantLabel = (v: Variant): string => `${VARIANT_INFO[v].label} (${VARIANT_INFO[v].tree})`;

const invariantName = (no: number): string => INVARIANTS.find((i) => i.no === no)?.name ?? '';

/** What was explored, in one sentence. */
export function selectionSentence(sel: Selection): string {
  const muts =
    sel.mutations.length === 0
      ? 'no mutation'
      : `mutation${sel.mutations.length === 1 ? '' : 's'} ${sel.mutations.map(code).join(', ')}`;
  return `${code(sel.scenario)} under ${esc(variantLabel(sel.variant))}, ${muts}, bound ${String(sel.bound)}`;
}

/** A path line without the explorer's `[i] ` prefix (the list numbers the actions). */
const pathText = (line: string): string => line.replace(/^\[\d+\] /, '');

/** One counterexample: the invariant and message, the path, and its links. */
export function counterexampleHtml(
  cx: Counterexample,
  links: CounterexampleLinks,
  targets: LinkTargets,
): string {
  const path = cx.path.map((l) => `<li>${code(pathText(l))}</li>`).join('');
  const download = `data:application/json;charset=utf-8,${encodeURIComponent(links.json)}`;
  return (
    `<div class="rf-ix-cx" data-invariant="${String(cx.invariant)}">` +
    `<p class="rf-ix-cx-head"><strong>Invariant ${String(cx.invariant)} (${esc(invariantName(cx.invariant))}) breaks</strong> after action ${String(cx.actions - 1)}` +
    ` (${String(cx.actions)} action${cx.actions === 1 ? '' : 's'}, ${String(cx.preemptions)} step${cx.preemptions === 1 ? '' : 's'} run inside windows): ` +
    `<span class="rf-ix-message">${code(cx.message)}</span></p>` +
    `<ol class="rf-ix-path" start="0">${path}</ol>` +
    `<p class="rf-ix-cx-links"><a class="rf-ix-open" href="${esc(targets.playground + links.playgroundHash)}">Open in the playground</a>` +
    ` · <a class="rf-ix-download" download="${esc(links.fileName)}" href="${esc(download)}">Download scenario JSON</a>` +
    ` (<code>npx realmfault run ${esc(links.fileName)}</code> replays it)</p>` +
    `<details class="rf-ix-json"><summary>The scenario file</summary><pre tabindex="0"><code>${esc(links.json)}</code></pre></details>` +
    `</div>`
  );
}

function countsHtml(view: ExploreView): string {
  const r = view.result;
  const actors = r.actors
    .map((a) => `${code(a.id)} (${String(a.steps.length)} step${a.steps.length === 1 ? '' : 's'})`)
    .join(', ');
  const rows: [string, string][] = [
    ['Actors', actors],
    ['Distinct states', n(r.states)],
    ['Actions run', n(r.actions)],
    ['Steps run (nested ones included)', n(r.steps)],
    [
      'Without state merging',
      `${n(r.naive.schedules)} schedule${r.naive.schedules === 1 ? '' : 's'}, ${n(r.naive.actions)} actions`,
    ],
    ['Reduction (naive actions / actions run)', `× ${r.reduction.toFixed(2)}`],
  ];
  return `<dl class="rf-ix-counts">${rows.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${v}</dd></div>`).join('')}</dl>`;
}

function invariantsHtml(view: ExploreView, uid: string): string {
  const rows = view.result.invariants
    .map((o) => {
      const info = INVARIANTS.find((i) => i.no === o.invariant);
      const verdict = o.holds
        ? '<span class="rf-ix-holds">holds</span>'
        : `<strong class="rf-ix-broken">broken</strong> (${n(o.violatingEdges)} violating action${o.violatingEdges === 1 ? '' : 's'})`;
      return (
        `<tr data-invariant="${String(o.invariant)}" data-holds="${String(o.holds)}"><td>${String(o.invariant)}</td>` +
        `<th scope="row">${esc(o.name)}</th><td>${citeHtml(info?.statement ?? '')} ${citeHtml(info?.source ?? '')}</td><td>${verdict}</td></tr>`
      );
    })
    .join('');
  return (
    `<div class="rf-ix-scroll" role="region" tabindex="0" aria-labelledby="${uid}-inv-caption"><table class="rf-ix-invariants">` +
    `<caption id="${uid}-inv-caption">The invariants, checked after every action</caption>` +
    `<thead><tr><th scope="col">No.</th><th scope="col">Invariant</th><th scope="col">Statement and sources</th><th scope="col">Result</th></tr></thead>` +
    `<tbody>${rows}</tbody></table></div>`
  );
}

/** The verdict in one sentence (also the live region's announcement). */
export function announce(view: ExploreView): string {
  const r = view.result;
  const broken = r.invariants.filter((o) => !o.holds);
  const head = `Explored ${r.scenario} under ${r.variant}${r.mutations.length ? ` with ${r.mutations.join(', ')}` : ''}, bound ${String(r.bound)}: ${n(r.states)} states.`;
  return broken.length === 0
    ? `${head} Every invariant holds.`
    : `${head} Broken: ${broken.map((o) => `invariant ${String(o.invariant)} (${o.name})`).join(', ')}.`;
}

/** The full explorer's result. */
export function renderResultHtml(view: ExploreView, uid: string, targets: LinkTargets): string {
  const r = view.result;
  const broken = r.invariants.filter((o) => !o.holds);
  const verdict =
    broken.length === 0
      ? `<p class="rf-ix-verdict" data-clean="true">Every invariant holds on every explored path.</p>`
      : `<p class="rf-ix-verdict" data-clean="false">${broken.length === 1 ? 'One invariant breaks' : `${String(broken.length)} invariants break`}; the shortest counterexample for each (fewest actions, then fewest steps inside windows) follows the table.</p>`;
  const cxs = r.counterexamples.map((cx, i) => {
    const links = view.links[i];
    return links === undefined ? '' : counterexampleHtml(cx, links, targets);
  });
  return (
    `<div class="rf-ix-result" data-broken="${broken.map((o) => String(o.invariant)).join(',')}">` +
    `<p class="rf-ix-what">Explored ${selectionSentence(view.selection)}.</p>${verdict}${countsHtml(view)}${invariantsHtml(view, uid)}` +
    (cxs.length > 0 ? `<p class="rf-ix-cx-title">Counterexamples</p>${cxs.join('')}` : '') +
    `</div>`
  );
}

/** An error in place of the result. */
export const errorHtml = (message: string): string => `<p class="rf-ix-error">${esc(message)}</p>`;

const explorerLink = (sel: Selection, targets: LinkTargets, text: string): string =>
  `<a class="rf-ix-full" href="${esc(targets.explorer + selectionToHash(sel))}">${text}</a>`;

/** A view's counterexamples, each with its links. */
const cxsOf = (v: ExploreView, targets: LinkTargets): string =>
  v.result.counterexamples
    .map((cx, i) => {
      const links = v.links[i];
      return links === undefined ? '' : counterexampleHtml(cx, links, targets);
    })
    .join('');

/**
 * The compact comparison: the unmutated exploration, then each mutation's on its own (`views[0]`
 * is the unmutated one; `views[i]` is MUTATIONS named by `mutations[i - 1]`).
 */
export function renderCompactHtml(views: readonly ExploreView[], targets: LinkTargets): string {
  const [base, ...mutated] = views;
  if (base === undefined) return errorHtml('Nothing was explored.');
  const br = base.result.invariants.filter((o) => !o.holds);
  const baseLine =
    br.length === 0
      ? `every invariant holds (${n(base.result.states)} states, ${n(base.result.actions)} actions).`
      : `broken: ${br.map((o) => `invariant ${String(o.invariant)} (${esc(o.name)})`).join(', ')}.`;
  const items = [
    `<li data-mutation="" data-broken="${br.map((o) => String(o.invariant)).join(',')}"><p><strong>The code as modelled</strong>, no mutation: ${baseLine} ${explorerLink(base.selection, targets, 'Explore it')}</p>${cxsOf(base, targets)}</li>`,
    ...mutated.map((v) => {
      const name = v.selection.mutations[0] ?? '';
      const info = MUTATIONS.find((m) => m.name === name);
      const broken = v.result.invariants.filter((o) => !o.holds);
      const cxs = cxsOf(v, targets);
      return (
        `<li data-mutation="${esc(name)}" data-broken="${broken.map((o) => String(o.invariant)).join(',')}">` +
        `<p><strong>Mutation ${code(name)}</strong>: ${esc(info?.description ?? '')} Removes ${citeHtml(info?.removes ?? '')}. ` +
        `${broken.length === 0 ? `No invariant breaks (${n(v.result.states)} states).` : ''} ${explorerLink(v.selection, targets, 'Explore it')}</p>${cxs}</li>`
      );
    }),
  ];
  return (
    `<div class="rf-ix-result"><p class="rf-ix-what">Explored ${selectionSentence(base.selection)}, then with each mutation on its own:</p>` +
    `<ul class="rf-ix-runs">${items.join('')}</ul></div>`
  );
}
