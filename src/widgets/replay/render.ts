/**
 * The Replay widget's output as HTML: the summary, the fault episodes (each compared with the
 * model's prediction, with every divergence and its explanations), rows of the line list, one
 * line's detail and the inferred scenario. The build renders the reading of the seed's log with
 * these functions (LogReplay.astro, set:html) and the worker renders every run and every window
 * of rows in the browser with them, so the two cannot drift apart. Every text goes through esc()
 * or citeHtml().
 *
 * `mode` says where the HTML goes: `live` (the widget after a run: line references are buttons
 * that select the line, the line list is a virtualised listbox the page fills) or `static` (the
 * build's example: plain text references and a plain list of the first lines).
 */
import {
  LOG_FAMILIES,
  LOG_FAMILY_INFO,
  VARIANT_INFO,
  type Divergence,
  type EpisodeOutcome,
  type EpisodeRmiCall,
  type LineStatus,
  type ReplayEpisode,
  type ReplayLine,
  type ReplayResult,
  type ReplayValue,
} from '@realmfault/model';
import { citeHtml } from '../cite-html';
import { esc } from '../html';
import type { LinkTargets } from './protocol';
import { href } from '../../site-base';

export type Mode = 'live' | 'static';

export interface RenderContext {
  /** Element id prefix of the widget. */
  readonly uid: string;
  readonly mode: Mode;
  readonly targets: LinkTargets;
}

/** Episodes rendered at once (the first page after a run; "Show more" asks for the next). */
export const EPISODE_PAGE = 25;
/** Characters of a line's text a row shows (the detail panel shows the line as the model kept it). */
export const ROW_TEXT_CHARS = 240;
/** Rows the build's example lists. */
export const STATIC_ROWS = 40;

const code = (s: string): string => `<code>${esc(s)}</code>`;
const num = (x: number): string => x.toLocaleString('en-GB');
const plural = (x: number, one: string, many = `${one}s`): string => `${num(x)} ${x === 1 ? one : many}`;

/** What each line status is called in the page (never colour alone). */
export const STATUS_LABEL: Readonly<Record<LineStatus, string>> = {
  recognised: 'read',
  unrecognised: 'not recognised',
  binary: 'binary',
  'too-long': 'too long',
  blank: 'blank',
};

const STATUS_HEADING: Readonly<Record<LineStatus, string>> = {
  recognised: 'Recognised',
  unrecognised: 'Not recognised',
  binary: 'Binary',
  'too-long': 'Too long',
  blank: 'Blank',
};

/**
 * A line's text made printable: control characters (a binary blob's bytes, an escape sequence)
 * become U+2400-block pictures or a middle dot, so they can be seen and never reach the HTML
 * parser as such.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => {
    const cp = c.codePointAt(0) ?? 0;
    if (cp < 0x20) return String.fromCodePoint(0x2400 + cp);
    return cp === 0x7f ? '\u2421' : '\u00b7';
  });
}

const cut = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max)}…` : text);

/** A reference to a log line: a button that selects it (live) or plain text (static). */
function lineRef(ctx: RenderContext, line: number | null, text = `line ${String(line)}`): string {
  if (line === null) return '';
  return ctx.mode === 'live'
    ? `<button type="button" class="rf-rp-goto" data-line="${String(line)}">${esc(text)}</button>`
    : esc(text);
}

/**
 * A list of citations in the registry's syntax: each `[@v14-mmu.c:1-2]` (a whole group, as the
 * model gives them) or `@v14-mmu.c:1-2`; rendered as one group of links.
 */
export function sourcesHtml(sources: readonly string[]): string {
  const refs = sources
    .flatMap((s) => s.trim().replace(/^\[/, '').replace(/\]$/, '').split(';'))
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => (s.startsWith('@') ? s : `@${s}`));
  if (refs.length === 0) return '';
  const group = `[${refs.join('; ')}]`;
  try {
    return citeHtml(group);
  } catch {
    // A citation the registry does not know: shown as written rather than failing the widget.
    return esc(group);
  }
}

/** `text` with its citations rendered, or escaped as written if one does not resolve. */
function prose(text: string): string {
  try {
    return citeHtml(text);
  } catch {
    return esc(text);
  }
}

/** The divergences that contradict the prediction (not the notes its assumptions explain). */
const contradictions = (ep: ReplayEpisode): readonly Divergence[] =>
  ep.divergences.filter((d) => d.severity !== 'note');

const variantLabel = (v: ReplayResult['variant']): string =>
  `${VARIANT_INFO[v].label} (${VARIANT_INFO[v].tree})`;

// ---------------------------------------------------------------------------------------------
// Summary

/** The verdict in one sentence (also the live region's announcement). */
export function announce(r: ReplayResult): string {
  const s = r.stats;
  const eps =
    s.episodes === 0
      ? 'no fault episode'
      : `${plural(s.episodes, 'fault episode')}, ${s.divergent === 0 ? 'none' : num(s.divergent)} differing from the model`;
  return `Read ${plural(s.lines, 'line')}: ${num(s.recognised)} recognised, ${eps}.`;
}

export function summaryHtml(r: ReplayResult): string {
  const s = r.stats;
  const statusRows: [LineStatus, number][] = [
    ['recognised', s.recognised],
    ['unrecognised', s.unrecognised],
    ['binary', s.binary],
    ['too-long', s.tooLong],
    ['blank', s.blank],
  ];
  const statuses = statusRows
    .map(
      ([st, count]) =>
        `<div data-status="${st}"><dt>${esc(STATUS_HEADING[st])}</dt><dd>${num(count)}</dd></div>`,
    )
    .join('');
  const families = LOG_FAMILIES.map(
    (f) =>
      `<tr data-family="${f}"><th scope="row"><span class="rf-rp-fam" data-family="${f}">${esc(f)}</span></th>` +
      `<td>${esc(LOG_FAMILY_INFO[f])}</td><td class="rf-rp-num">${num(s.byFamily[f])}</td></tr>`,
  ).join('');
  const divergent = r.episodes.filter((e) => contradictions(e).length > 0).map((e) => e.id);
  const divList =
    divergent.length === 0
      ? ''
      : ` Differing: episode${divergent.length === 1 ? '' : 's'} ${divergent
          .slice(0, 20)
          .map(String)
          .join(', ')}${divergent.length > 20 ? ', …' : ''}.`;
  return (
    `<div class="rf-rp-summary" data-lines="${String(s.lines)}" data-episodes="${String(s.episodes)}" data-divergent="${String(s.divergent)}">` +
    `<p class="rf-rp-verdict">${esc(announce(r))}${esc(divList)} Predictions follow ${esc(variantLabel(r.variant))}, for a realm with ${String(r.ipaBits)}-bit IPAs.</p>` +
    `<dl class="rf-rp-counts"><div><dt>Lines</dt><dd>${num(s.lines)}</dd></div><div><dt>Characters</dt><dd>${num(s.chars)}</dd></div>${statuses}` +
    `<div><dt>Fault episodes</dt><dd>${num(s.episodes)}</dd></div><div><dt>Differing from the model</dt><dd>${num(s.divergent)}</dd></div></dl>` +
    `<div class="rf-rp-scroll"><table class="rf-rp-families"><caption>Recognised lines by the program that printed them</caption>` +
    `<thead><tr><th scope="col">Family</th><th scope="col">Lines it prints</th><th scope="col">Lines</th></tr></thead>` +
    `<tbody>${families}</tbody></table></div></div>`
  );
}

// ---------------------------------------------------------------------------------------------
// Episodes

const rmiText = (c: EpisodeRmiCall): string =>
  `${c.cmd} → ${c.status}${c.level === null ? '' : ` (level ${String(c.level)})`}`;

const outcomeText = (o: EpisodeOutcome): string => `${o.kind}${o.text ? `: ${o.text}` : ''}`;

function divergenceHtml(ctx: RenderContext, d: Divergence): string {
  const where =
    d.line === null ? '<strong>Missing from the log</strong>' : `<strong>${lineRef(ctx, d.line)}</strong>`;
  const kind = d.severity === 'note' ? 'Note (the prediction’s assumptions explain it)' : 'Divergence';
  const explanations = d.explanations
    .map(
      (x) =>
        `<li>${prose(x.text)}${x.sources.length ? ` ${sourcesHtml(x.sources)}` : ''}` +
        (x.toggle === undefined ? '' : ` (the model's toggle ${code(x.toggle)})`) +
        `${x.check === undefined ? '' : ` <span class="rf-rp-check" data-reproduces="${String(x.check.reproduces)}">${esc(x.check.how)}</span>`}</li>`,
    )
    .join('');
  return (
    `<li class="rf-rp-div" data-severity="${esc(d.severity)}" data-line="${d.line === null ? '' : String(d.line)}"><p>${esc(kind)}, ${where}.</p><dl class="rf-rp-facts"><div><dt>The model expects</dt><dd>${esc(d.expected)}</dd></div><div><dt>The log shows</dt><dd>${esc(d.observed)}</dd></div></dl>` +
    (explanations ? `<p class="rf-rp-why">What can explain it:</p><ul>${explanations}</ul>` : '') +
    `</li>`
  );
}

export function episodeHtml(ctx: RenderContext, ep: ReplayEpisode): string {
  const f = ep.fault;
  const p = ep.prediction;
  const idp = `${ctx.uid}-ep-${String(ep.id)}`;
  const facts: [string, string][] = [
    [
      'Fault IPA',
      `${code(f.ipa)} (${lineRef(ctx, f.line)}): the ${esc(f.half)} half, GPA ${code(f.gpa)}, GFN ${code(f.gfn)}`,
    ],
    [
      'ESR',
      f.esr === null
        ? 'not in the log'
        : `${code(f.esr)}${f.fault === null ? '' : `: ${esc(f.fault)}`}${f.dfsc === null ? '' : ` (DFSC ${code(`0x${f.dfsc.toString(16).padStart(2, '0')}`)})`}`,
    ],
    ['Access', `${esc(f.access)}${f.accessNote ? ` — ${esc(f.accessNote)}` : ''}`],
    ['Handler', code(`${f.handler}()`)],
  ];
  const rows: [string, string, string][] = [];
  const n = Math.max(ep.rmi.length, p.rmi.length);
  for (let i = 0; i < n; i++) {
    const log = ep.rmi[i];
    const model = p.rmi[i];
    rows.push([
      `RMI call ${String(i + 1)}`,
      log === undefined
        ? '—'
        : `${code(rmiText(log))}${log.line === null ? '' : ` (${lineRef(ctx, log.line)})`}`,
      model === undefined ? '—' : code(rmiText(model)),
    ]);
  }
  if (n === 0) rows.push(['RMI calls', 'none', 'none']);
  const opt = (x: string | null): string => (x === null ? '—' : code(x));
  if (ep.prot !== null || p.prot !== null) rows.push(['prot', opt(ep.prot), opt(p.prot)]);
  if (ep.flags !== null || p.flags !== null)
    rows.push(['RMI_RTT_UNPROT_MAP flags', opt(ep.flags), opt(p.flags)]);
  if (ep.warn !== null || p.warn !== null) rows.push(['Warning', opt(ep.warn), opt(p.warn)]);
  rows.push([
    'Outcome',
    `${esc(outcomeText(ep.outcome))}${ep.outcome.line === null ? '' : ` (${lineRef(ctx, ep.outcome.line)})`}`,
    esc(outcomeText(p.outcome)),
  ]);
  const table =
    `<div class="rf-rp-scroll"><table class="rf-rp-compare"><caption>Episode ${String(ep.id)}: the log and the model (${esc(p.variant)})</caption>` +
    `<thead><tr><th scope="col">What</th><th scope="col">The log</th><th scope="col">The model predicts</th></tr></thead><tbody>` +
    rows.map(([k, a, b]) => `<tr><th scope="row">${esc(k)}</th><td>${a}</td><td>${b}</td></tr>`).join('') +
    `</tbody></table></div>`;
  const assumptions = p.assumptions.length
    ? `<p class="rf-rp-assume">The prediction runs the scenario ${code(p.scenario)}, which assumes:</p><ul class="rf-rp-notes">${p.assumptions.map((x) => `<li>${prose(x)}</li>`).join('')}</ul>`
    : `<p class="rf-rp-assume">The prediction runs the scenario ${code(p.scenario)}.</p>`;
  const differs = contradictions(ep).length > 0;
  const n2 = ep.divergences.length;
  const matched = ep.matchedBy.length
    ? `<p class="rf-rp-matched">With any one of these changes the model's run matches the whole episode:</p><ul class="rf-rp-notes">${ep.matchedBy.map((x) => `<li>${prose(x)}</li>`).join('')}</ul>`
    : '';
  const divs =
    n2 === 0
      ? `<p class="rf-rp-agree">The log agrees with the model's prediction.</p>`
      : `<p class="rf-rp-differs">${n2 === 1 ? 'One difference' : `${String(n2)} differences`} from the prediction:</p>` +
        `<ul class="rf-rp-divs">${ep.divergences.map((d) => divergenceHtml(ctx, d)).join('')}</ul>${matched}`;
  return (
    `<div class="rf-rp-episode" id="${idp}" data-episode="${String(ep.id)}" data-divergent="${String(differs)}"` +
    ` data-ipa="${esc(f.ipa)}" data-esr="${esc(f.esr ?? '')}" data-handler="${esc(f.handler)}">` +
    `<p class="rf-rp-ep-head"><strong>Episode ${String(ep.id)}</strong>, lines ${String(ep.first)}–${String(ep.last)}: ` +
    `${differs ? '<strong class="rf-rp-differs-word">differs from the model</strong>' : n2 === 0 ? 'as the model predicts' : 'as the model predicts, with notes'}</p>` +
    `<dl class="rf-rp-facts">${facts.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${v}</dd></div>`).join('')}</dl>` +
    table +
    assumptions +
    divs +
    `</div>`
  );
}

/** Episodes `from` … `from + count - 1`. */
export function episodesHtml(ctx: RenderContext, r: ReplayResult, from: number, count: number): string {
  return r.episodes
    .slice(from, from + count)
    .map((e) => episodeHtml(ctx, e))
    .join('');
}

/** The "show more" line under the episodes: how many are shown, and the button (live only). */
export function moreEpisodesHtml(ctx: RenderContext, shown: number, total: number): string {
  if (shown >= total) return '';
  const text = `${num(shown)} of ${num(total)} episodes shown.`;
  return ctx.mode === 'live'
    ? `<p class="rf-rp-more">${esc(text)} <button type="button" class="rf-rp-more-button" data-from="${String(shown)}">Show ${num(Math.min(EPISODE_PAGE, total - shown))} more</button></p>`
    : `<p class="rf-rp-more">${esc(text)}</p>`;
}

// ---------------------------------------------------------------------------------------------
// Lines

/** One row of the line list: line number, family, status mark, and the reading or the text. */
export function rowHtml(
  ctx: RenderContext,
  line: ReplayLine,
  index: number,
  total: number,
  selected = false,
): string {
  const st = line.status;
  const fam =
    line.family === null
      ? '<span class="rf-rp-fam" data-family="">—</span>'
      : `<span class="rf-rp-fam" data-family="${line.family}">${esc(line.family)}</span>`;
  const mark =
    st === 'recognised' ? '' : `<span class="rf-rp-mark" data-status="${st}">${esc(STATUS_LABEL[st])}</span>`;
  const body =
    st === 'recognised'
      ? `<span class="rf-rp-title">${esc(line.title)}</span><span class="rf-rp-reading">${esc(cut(line.reading, ROW_TEXT_CHARS))}</span>`
      : `<span class="rf-rp-text">${esc(cut(printable(line.text), ROW_TEXT_CHARS))}</span>`;
  const inner = `<span class="rf-rp-n">${String(line.n)}</span>${fam}${mark}${body}`;
  const data = `data-index="${String(index)}" data-n="${String(line.n)}" data-status="${st}"`;
  return ctx.mode === 'live'
    ? `<div class="rf-rp-row" role="option" id="${ctx.uid}-line-${String(index)}" ${data} aria-selected="${String(selected)}" aria-posinset="${String(index + 1)}" aria-setsize="${String(total)}">${inner}</div>`
    : `<li class="rf-rp-row" ${data}>${inner}</li>`;
}

export function rowsHtml(ctx: RenderContext, r: ReplayResult, from: number, count: number): string {
  const total = r.lines.length;
  let out = '';
  for (let i = Math.max(0, from); i < Math.min(total, from + count); i++) {
    const line = r.lines[i];
    if (line !== undefined) out += rowHtml(ctx, line, i, total);
  }
  return out;
}

function valueHtml(v: ReplayValue): string {
  const fields = v.fields.length
    ? `<div class="rf-rp-scroll"><table class="rf-rp-fields"><caption>The fields of ${esc(v.name)}</caption>` +
      `<thead><tr><th scope="col">Bits</th><th scope="col">Field</th><th scope="col">Value</th><th scope="col">Meaning</th></tr></thead><tbody>` +
      v.fields
        .map(
          (fl) =>
            `<tr><td>${fl.msb === fl.lsb ? String(fl.msb) : `${String(fl.msb)}:${String(fl.lsb)}`}</td><th scope="row">${esc(fl.name)}</th><td>${code(fl.raw)}</td><td>${prose(fl.meaning)}</td></tr>`,
        )
        .join('') +
      `</tbody></table></div>`
    : '';
  const notes = v.notes.length
    ? `<ul class="rf-rp-notes">${v.notes.map((x) => `<li>${prose(x)}</li>`).join('')}</ul>`
    : '';
  return (
    `<div class="rf-rp-value" data-name="${esc(v.name)}"><p>${code(v.name)} = ${code(v.text)}` +
    `${v.kind === null ? '' : ` (read as ${esc(v.kind)})`}: ${prose(v.reading)}</p>${fields}${notes}</div>`
  );
}

/** The detail panel for one line: the text, the reading, every value with its fields, the sources. */
export function detailHtml(ctx: RenderContext, line: ReplayLine): string {
  const p = line.prefix;
  const prefix: [string, string][] = [];
  if (p !== null) {
    if (p.timestamp !== undefined) prefix.push(['Timestamp', code(p.timestamp)]);
    if (p.cpu !== undefined) prefix.push(['CPU', String(p.cpu)]);
    if (p.task !== undefined) prefix.push(['Task', code(p.task)]);
    if (p.pid !== undefined) prefix.push(['PID', String(p.pid)]);
    if (p.level !== undefined) prefix.push(['printk level', String(p.level)]);
    if (p.event !== undefined) prefix.push(['Tracepoint', code(p.event)]);
  }
  const what: [string, string][] = [
    [
      'Status',
      `<span class="rf-rp-mark" data-status="${line.status}">${esc(STATUS_LABEL[line.status])}</span>`,
    ],
    [
      'Printed by',
      line.family === null ? 'not known' : `${esc(line.family)}: ${esc(LOG_FAMILY_INFO[line.family])}`,
    ],
    ...(line.format === null ? [] : ([['Format', code(line.format)]] as [string, string][])),
    ...prefix,
    ...(line.fn === null ? [] : ([['Model function', code(`${line.fn}()`)]] as [string, string][])),
    ...(line.page === null
      ? []
      : ([['Explained on', `<a class="rf-rp-page" href="${esc(href(line.page))}">${esc(line.page)}</a>`]] as [
          string,
          string,
        ][])),
    ...(line.episode === null
      ? []
      : ([
          [
            'Episode',
            ctx.mode === 'live'
              ? `<button type="button" class="rf-rp-goto-ep" data-episode="${String(line.episode)}">episode ${String(line.episode)}</button>`
              : `episode ${String(line.episode)}`,
          ],
        ] as [string, string][])),
  ];
  const sources = line.sources.length
    ? `<p class="rf-rp-sources">Sources: ${sourcesHtml(line.sources)}</p>`
    : '';
  return (
    `<div class="rf-rp-detail-body" data-n="${String(line.n)}" data-status="${line.status}">` +
    `<p class="rf-rp-detail-head"><strong>Line ${String(line.n)}</strong>: ${esc(line.title)}</p>` +
    `<pre class="rf-rp-raw" tabindex="0" aria-label="Line ${String(line.n)} as given"><code>${esc(printable(line.text))}</code></pre>` +
    `<p class="rf-rp-detail-reading">${prose(line.reading)}</p>` +
    `<dl class="rf-rp-facts">${what.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${v}</dd></div>`).join('')}</dl>` +
    line.values.map(valueHtml).join('') +
    sources +
    `</div>`
  );
}

// ---------------------------------------------------------------------------------------------
// Scenario

export interface ScenarioLinks {
  /** The scenario file as JSON text. */
  readonly json: string;
  /** The playground's permalink hash, with its `#`. */
  readonly playgroundHash: string;
}

export function scenarioHtml(ctx: RenderContext, r: ReplayResult, links: ScenarioLinks | null): string {
  const notes = r.scenarioNotes.length
    ? `<ul class="rf-rp-notes">${r.scenarioNotes.map((x) => `<li>${prose(x)}</li>`).join('')}</ul>`
    : '';
  if (r.scenario === null || links === null)
    return `<div class="rf-rp-scenario" data-scenario="none"><p>No guest access was found in the log, so no scenario was inferred.</p>${notes}</div>`;
  const name = (r.scenario as { name?: unknown }).name;
  const fileName = `${typeof name === 'string' && /^[\w.-]+$/.test(name) ? name : 'replay'}.json`;
  const download = `data:application/json;charset=utf-8,${encodeURIComponent(links.json)}`;
  return (
    `<div class="rf-rp-scenario" data-scenario="${esc(typeof name === 'string' ? name : '')}">` +
    `<p>A scenario file for what the log shows, as far as a log can say it. What the inference assumed and could not carry over:</p>${notes}` +
    `<p class="rf-rp-links"><a class="rf-rp-open" href="${esc(ctx.targets.playground + links.playgroundHash)}">Open in the playground</a>` +
    ` · <a class="rf-rp-download" download="${esc(fileName)}" href="${esc(download)}">Download the scenario JSON</a>` +
    ` (<code>npx realmfault run ${esc(fileName)}</code> runs it)</p>` +
    `<details class="rf-rp-json"><summary>The scenario file</summary><pre tabindex="0" aria-label="The inferred scenario file"><code>${esc(links.json)}</code></pre></details>` +
    `</div>`
  );
}

// ---------------------------------------------------------------------------------------------
// The whole result

export interface ResultParts {
  readonly result: ReplayResult;
  readonly links: ScenarioLinks | null;
  /** Static mode: the line whose detail is shown (0-based index), if any. */
  readonly detailIndex?: number | null;
}

/** The line the build's example opens in its detail panel: the first episode's fault line. */
export function exampleDetailIndex(r: ReplayResult): number | null {
  const ep = r.episodes[0];
  if (ep === undefined) {
    const i = r.lines.findIndex((l) => l.status === 'recognised');
    return i < 0 ? null : i;
  }
  const i = r.lines.findIndex((l) => l.n === ep.fault.line);
  return i < 0 ? null : i;
}

export function resultHtml(ctx: RenderContext, parts: ResultParts): string {
  const r = parts.result;
  const total = r.lines.length;
  const shownEps = Math.min(EPISODE_PAGE, r.episodes.length);
  const eps =
    r.episodes.length === 0
      ? '<p>No fault episode: the log shows no stage-2 fault the replay could follow from its report to its outcome.</p>'
      : `<div class="rf-rp-episodes">${episodesHtml(ctx, r, 0, shownEps)}</div>${moreEpisodesHtml(ctx, shownEps, r.episodes.length)}`;
  let lines: string;
  if (ctx.mode === 'live') {
    lines =
      `<p class="rf-hint" id="${ctx.uid}-lines-hint">${plural(total, 'line')}. Select a line to see its values: the arrow keys, Page Up and Page Down move the selection, Home and End go to the first and last line.</p>` +
      `<div class="rf-rp-lines">` +
      `<div class="rf-rp-viewport" role="listbox" tabindex="0" aria-labelledby="${ctx.uid}-lines-title" aria-describedby="${ctx.uid}-lines-hint" data-total="${String(total)}">` +
      `<div class="rf-rp-sizer"><div class="rf-rp-window"></div></div></div>` +
      `<div class="rf-rp-detail" id="${ctx.uid}-detail" aria-labelledby="${ctx.uid}-detail-title" role="region"><p class="rf-rp-detail-title" id="${ctx.uid}-detail-title">Line detail</p>` +
      `<div class="rf-rp-detail-out"><p class="rf-hint">Select a line in the list to see its values decoded, the model function it belongs to and its sources.</p></div></div>` +
      `</div>`;
  } else {
    const shown = Math.min(STATIC_ROWS, total);
    const rows = rowsHtml(ctx, r, 0, shown);
    const di = parts.detailIndex ?? null;
    const dl = di === null ? undefined : r.lines[di];
    lines =
      `<div class="rf-rp-lines"><ol class="rf-rp-static-rows">${rows}</ol>` +
      (shown < total ? `<p class="rf-rp-more">${num(shown)} of ${num(total)} lines shown.</p>` : '') +
      (dl === undefined
        ? ''
        : `<div class="rf-rp-detail" role="region" aria-labelledby="${ctx.uid}-detail-title"><p class="rf-rp-detail-title" id="${ctx.uid}-detail-title">Line detail: line ${String(dl.n)}</p><div class="rf-rp-detail-out">${detailHtml(ctx, dl)}</div></div>`) +
      `</div>`;
  }
  return (
    `<div class="rf-rp-result" data-mode="${ctx.mode}" data-lines="${String(total)}" data-episodes="${String(r.episodes.length)}">` +
    `<h3 id="${ctx.uid}-summary-title">Summary</h3>${summaryHtml(r)}` +
    `<h3 id="${ctx.uid}-episodes-title">Fault episodes</h3>${eps}` +
    `<h3 id="${ctx.uid}-lines-title">Lines</h3>${lines}` +
    `<h3 id="${ctx.uid}-scenario-title">The inferred scenario</h3>${scenarioHtml(ctx, r, parts.links)}` +
    `</div>`
  );
}

/** An error in place of the result. */
export const errorHtml = (message: string): string => `<p class="rf-rp-error">${esc(message)}</p>`;
