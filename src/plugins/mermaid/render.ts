/**
 * Mermaid source → accessible, themeable inline SVG, at build time. Used by the Sätteri plugin
 * for ```mermaid fences and by build-time components (the generated fault-path diagram).
 *
 * Flowcharts are laid out by beautiful-mermaid (ELK) in Node, without a browser; sequence diagrams
 * by sequence-svg.ts, which wraps every label to the room it has. The SVG is then adapted:
 * - its <style> element goes (it imports a Google Fonts stylesheet, a request from every reader,
 *   and its selectors are page-global); src/styles/diagrams.css gives the same custom properties,
 *   tied to Starlight's --sl-color-* so the theme switch recolours diagrams without re-rendering;
 * - element ids (arrow markers) get a per-diagram prefix, so two diagrams on one page do not
 *   share (and restyle) each other's markers;
 * - nodes whose id is a C function name carry data-fn, edges keep data-from/data-to, so a trace
 *   can mark the path it took (here at build time, or later by a widget at run time);
 * - the SVG is role="img" with a name and description, and a text version (edges in order for a
 *   flowchart, messages in order for a sequence) follows it in a <details> for screen readers.
 */
import { createHash } from 'node:crypto';
import { parseMermaid, renderMermaidSVG } from 'beautiful-mermaid';
import { checkMermaid, SEQUENCE_MESSAGE, type DiagramKind } from './validate.js';
import { timedForBench } from '../../build-stats.js';
import { renderSequenceSvg } from './sequence-svg.js';
import { textWidth, wrapText } from '../../diagrams/text-metrics.js';
import { href } from '../../site-base';

export interface DiagramMarks {
  /** Node ids to mark as taken. */
  readonly nodes: ReadonlySet<string>;
  /** Edges to mark, as "from->to". */
  readonly edges: ReadonlySet<string>;
}

export interface RenderDiagramOptions {
  /** Accessible name; falls back to the source's accTitle/title, then to a generic one. */
  readonly title?: string | undefined;
  /** Accessible description; falls back to the source's accDescr. */
  readonly description?: string | undefined;
  /** Prefix for element ids; by default derived from the source and `salt`. */
  readonly idPrefix?: string | undefined;
  /** Distinguishes identical diagrams on one page (e.g. the fence's index in its file). */
  readonly salt?: string | undefined;
  /** Which node ids are C function (or RMI command) names; default: {@link looksLikeFunction}. */
  readonly isFunction?: ((id: string) => boolean) | undefined;
  /** Nodes and edges to mark (the path a trace took). */
  readonly marks?: DiagramMarks | undefined;
  /** Extra class names for the <figure>. */
  readonly className?: string | undefined;
  /** Extra attributes for the <figure> (e.g. data-scenario). */
  readonly figureAttributes?: Readonly<Record<string, string>> | undefined;
}

export interface RenderedDiagram {
  readonly kind: DiagramKind | 'call-tree';
  readonly html: string;
  readonly title: string;
  readonly idPrefix: string;
}

/**
 * Node ids that name C functions: snake_case identifiers with at least one underscore
 * (`kvm_handle_guest_abort`, `__kvm_faultin_pfn`) and RMI/RSI command names (`RMI_RTT_CREATE`).
 * Give other nodes ids without underscores (`Shared`, `mmio`) to keep data-fn off them.
 */
export function looksLikeFunction(id: string): boolean {
  return /^_*[a-z][a-z0-9]*(_[a-z0-9]+)+$/.test(id) || /^(RMI|RSI)_[A-Z0-9_]+$/.test(id);
}

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const unesc = (s: string): string =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

/** Labels as a reader sees them: quotes around a label and <br> line breaks are markup. */
const plainLabel = (s: string): string =>
  s
    .replace(/^"(.*)"$/s, '$1')
    .replace(/<br\s*\/?>/gi, ' ')
    .replace(/\n/g, ' ')
    .trim();

/**
 * Layout is the slow part (ELK: ~2 s for the 55-node overview); marks and names are applied to
 * its output afterwards, so one diagram drawn for many scenarios is laid out once per build.
 */
const layouts = new Map<string, string>();
/** Enough for every diagram of a site; a long dev session editing diagrams drops the oldest. */
const MAX_LAYOUTS = 500;
function layout(source: string, kind: DiagramKind): string {
  let svg = layouts.get(source);
  if (svg === undefined) {
    svg =
      kind === 'sequence'
        ? renderSequenceSvg(source)
        : renderMermaidSVG(source, { bg: 'var(--bg)', fg: 'var(--fg)', transparent: true });
    if (layouts.size >= MAX_LAYOUTS) layouts.delete(layouts.keys().next().value ?? '');
    layouts.set(source, svg);
  }
  return svg;
}

/** Render a diagram; throws MermaidSyntaxError (with the line inside `source`) on bad input. */
export function renderDiagram(source: string, options: RenderDiagramOptions = {}): RenderedDiagram {
  return timedForBench('diagram', () => render(source, options));
}

function render(source: string, options: RenderDiagramOptions): RenderedDiagram {
  const checked = checkMermaid(source);
  const svgRaw = fitEdgeLabels(
    layout(
      checked.kind === 'flowchart' ? wrapFlowchartLabels(checked.renderSource) : checked.renderSource,
      checked.kind,
    ),
  );
  const prefix =
    options.idPrefix ??
    `rfd-${createHash('sha256')
      .update(`${options.salt ?? ''}\n${source}`)
      .digest('hex')
      .slice(0, 8)}`;
  const title =
    options.title ?? checked.title ?? (checked.kind === 'sequence' ? 'Sequence diagram' : 'Flowchart');
  const description = options.description ?? checked.description;
  const isFunction = options.isFunction ?? looksLikeFunction;
  const marks = options.marks;

  // One line: MDX re-parses the HTML as JSX, and a line break would end the block early.
  let svg = svgRaw
    .replace(/<style>[\s\S]*?<\/style>\s*/g, '')
    .replace(/>\s+</g, '><')
    .replace(/\s*\n\s*/g, ' ');
  // Ids and references to them get the diagram's prefix.
  svg = svg
    .replace(/(\s)id="([^"]+)"/g, `$1id="${prefix}-$2"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${prefix}-$1)`)
    .replace(/href="#([^"]+)"/g, `href="#${prefix}-$1"`);
  if (/@import|fonts\.googleapis/.test(svg)) {
    throw new Error('beautiful-mermaid output still references a remote stylesheet');
  }
  // The root element: drop the inline colour variables (diagrams.css sets them per theme).
  const titleId = `${prefix}-title`;
  const descId = `${prefix}-desc`;
  const { width, height } = drawnSize(svg);
  svg = svg.replace(/^<svg ([^>]*)>/, (_m, attrs: string) => {
    const kept = attrs
      .replace(/\s*style="[^"]*"/, '')
      .replace(/\s*width="[^"]*"/, ` width="${String(width)}"`)
      .replace(/\s*height="[^"]*"/, ` height="${String(height)}"`);
    const aria = description
      ? `role="img" aria-labelledby="${titleId}" aria-describedby="${descId}"`
      : `role="img" aria-labelledby="${titleId}"`;
    const head = `<title id="${titleId}">${esc(title)}</title>${
      description ? `<desc id="${descId}">${esc(description)}</desc>` : ''
    }`;
    return `<svg ${kept} class="rf-diagram-svg" ${aria} focusable="false">${head}`;
  });
  // Nodes: data-fn for function names, marks for the taken path.
  svg = svg.replace(/<g class="node" data-id="([^"]+)"/g, (_m, id: string) => {
    const name = unesc(id);
    const taken = marks?.nodes.has(name) ?? false;
    return (
      `<g class="node${taken ? ' rf-taken' : ''}" data-id="${id}"` +
      (isFunction(name) ? ` data-fn="${id}"` : '') +
      (taken ? ' data-taken="true"' : '')
    );
  });
  if (marks) {
    svg = svg.replace(
      /<(polyline|g) class="(edge|edge-label)" data-from="([^"]+)" data-to="([^"]+)"/g,
      (m, tag: string, cls: string, from: string, to: string) =>
        marks.edges.has(`${unesc(from)}->${unesc(to)}`)
          ? `<${tag} class="${cls} rf-taken" data-taken="true" data-from="${from}" data-to="${to}"`
          : m,
    );
  }

  const text =
    checked.kind === 'flowchart'
      ? flowchartText(checked.renderSource, marks)
      : sequenceText(checked.renderSource);
  const classes = ['rf-diagram', `rf-diagram-${checked.kind}`, options.className].filter(Boolean).join(' ');
  const extra = Object.entries(options.figureAttributes ?? {})
    .map(([k, v]) => ` ${k}="${esc(v)}"`)
    .join('');
  const html = diagramFigure({
    classes,
    prefix,
    kind: checked.kind,
    extra,
    title,
    svg: svg.trim(),
    width,
    text,
  });
  return { kind: checked.kind, html, title, idPrefix: prefix };
}

/** Longest line of a node label (13 px) and of an edge label (11 px) before it is wrapped, in px. */
const NODE_LINE_PX = 190;
const EDGE_LINE_PX = 150;

/**
 * Wrap long labels of a flowchart onto several lines (`<br>`), measured in the page's font, so a
 * decision flow stays narrow enough for the column: node labels in quotes or brackets
 * (`A["…"]`, `A[…]`, `A{"…"}`, `A{…}`, `A("…")`) and edge labels (`-->|…|`). A label that
 * already has a `<br>` is left as its author broke it.
 */
export function wrapFlowchartLabels(source: string): string {
  const wrap = (text: string, px: number, size: number, weight: 400 | 500): string =>
    /<br\s*\/?>/i.test(text) ? text : wrapText(text, px, size, weight).join('<br>');
  return source
    .split('\n')
    .map((line, i) => {
      if (i === 0 || /^\s*(subgraph|end|classDef|class|style|linkStyle|direction)\b/.test(line)) return line;
      return line
        .replace(
          /(\|)([^|]+)(\|)/g,
          (_m, a: string, t: string, b: string) => `${a}${wrap(t, EDGE_LINE_PX, 11, 400)}${b}`,
        )
        .replace(
          /(\b[A-Za-z0-9_][\w-]*)(\[|\{|\()"([^"]*)"(\]|\}|\))/g,
          (_m, id: string, open: string, t: string, close: string) =>
            `${id}${open}"${wrap(t, NODE_LINE_PX, 13, 500)}"${close}`,
        )
        .replace(
          /(\b[A-Za-z0-9_][\w-]*)(\[|\{)([^\]}"|<>[{()]+)(\]|\})/g,
          (_m, id: string, open: string, t: string, close: string) =>
            `${id}${open}${wrap(t, NODE_LINE_PX, 13, 500)}${close}`,
        );
    })
    .join('\n');
}

/**
 * beautiful-mermaid sizes an edge label's box from its own estimate of Inter's widths, a few
 * pixels short for some labels (the legibility gate found seven). Widen each such box, about its
 * centre, to the label's width from the font itself (text-metrics.ts) plus its padding.
 */
export function fitEdgeLabels(svg: string): string {
  return svg.replace(
    /(<g class="edge-label"[^>]*>\s*<rect x=")([\d.]+)(" y="[\d.]+" width=")([\d.]+)("[^>]*>\s*<text [^>]*font-size="([\d.]+)" font-weight="(\d+)"[^>]*>)([\s\S]*?)(<\/text>)/g,
    (
      m,
      a: string,
      x: string,
      b: string,
      w: string,
      c: string,
      size: string,
      weight: string,
      inner: string,
      d: string,
    ) => {
      const lines = inner.includes('<tspan')
        ? [...inner.matchAll(/<tspan[^>]*>([^<]*)<\/tspan>/g)].map((t) => t[1] ?? '')
        : [inner];
      const wt = Number(weight) >= 600 ? 600 : Number(weight) >= 500 ? 500 : 400;
      const need = Math.max(...lines.map((l) => textWidth(unesc(l), Number(size), wt))) + 16;
      const width = Number(w);
      if (need <= width) return m;
      const left = Number(x) - (need - width) / 2;
      return `${a}${String(left)}${b}${String(need)}${c}${inner}${d}`;
    },
  );
}

/** The smallest text a diagram may be drawn with, in CSS px (issue 13's gate checks it in Chromium). */
export const MIN_LABEL_PX = 12;

/**
 * The size to draw an SVG at: its natural size (the viewBox), scaled up, never down, so that its
 * smallest font-size becomes {@link MIN_LABEL_PX}. beautiful-mermaid sets edge labels in 11 px,
 * so its drawings are shown at 12/11 of their natural size; CSS never shrinks a diagram to the
 * column (a wide one scrolls inside its frame and opens full size instead).
 */
export function drawnSize(svg: string): { width: number; height: number } {
  const vb = /viewBox="\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)\s*"/.exec(svg);
  if (!vb) throw new Error('diagram SVG without a viewBox');
  const sizes = [...svg.matchAll(/font-size="([\d.]+)(?:px)?"/g)].map((m) => Number(m[1]));
  const smallest = sizes.length ? Math.min(...sizes) : MIN_LABEL_PX;
  const scale = Math.max(1, MIN_LABEL_PX / smallest);
  return {
    width: Math.ceil(Number(vb[1]) * scale),
    height: Math.ceil(Number(vb[2]) * scale),
  };
}

/** Where the diagram frame's script is served from (public/diagram-frame.js), below the base path. */
export const DIAGRAM_FRAME_SCRIPT = '/diagram-frame.js';

/**
 * The figure around a drawing: a frame that scrolls horizontally when the drawing is wider than
 * the column (edge shadows show there is more; public/diagram-frame.js makes an overflowing
 * frame a focusable region, says so, and enables "Open full size", a modal dialog with the
 * drawing at its full size), the drawing, and its text version.
 */
export function diagramFigure(parts: {
  readonly classes: string;
  readonly prefix: string;
  readonly kind: string;
  readonly extra: string;
  readonly title: string;
  readonly svg: string;
  readonly width: number;
  readonly text: string;
}): string {
  const { classes, prefix, kind, extra, title, svg, width, text } = parts;
  return (
    `<figure class="${classes}" data-diagram="${prefix}" data-kind="${kind}" data-width="${String(width)}"${extra}>` +
    `<div class="rf-diagram-canvas">${svg}</div>` +
    `<div class="rf-diagram-bar"><span class="rf-diagram-hint" hidden>Wider than the page: scroll sideways, or</span>` +
    `<button type="button" class="rf-diagram-open" hidden aria-haspopup="dialog">Open full size</button></div>` +
    `<details class="rf-diagram-text"><summary>${esc(title)}: as text</summary>${text}</details>` +
    `<script type="module" src="${href(DIAGRAM_FRAME_SCRIPT)}"></script>` +
    `</figure>`
  );
}

/** A flowchart as a list of its edges in source order, then any node without an edge. */
function flowchartText(source: string, marks: DiagramMarks | undefined): string {
  const graph = parseMermaid(source);
  const label = (id: string): string => plainLabel(graph.nodes.get(id)?.label ?? id);
  const items: string[] = [];
  const linked = new Set<string>();
  for (const e of graph.edges) {
    linked.add(e.source);
    linked.add(e.target);
    const taken = marks?.edges.has(`${e.source}->${e.target}`) ? ' (taken)' : '';
    const arrow = e.hasArrowStart && e.hasArrowEnd ? '↔' : e.hasArrowEnd ? '→' : '—';
    const edgeLabel = e.label ? ` (${plainLabel(e.label)})` : '';
    items.push(
      `<li data-from="${esc(e.source)}" data-to="${esc(e.target)}">${esc(label(e.source))} ${arrow} ${esc(
        label(e.target),
      )}${esc(edgeLabel)}${taken}</li>`,
    );
  }
  for (const id of graph.nodes.keys()) {
    if (!linked.has(id)) items.push(`<li data-id="${esc(id)}">${esc(label(id))}</li>`);
  }
  const takenNodes = marks ? [...graph.nodes.keys()].filter((id) => marks.nodes.has(id)) : [];
  const takenText = marks
    ? `<p>Marked (taken by the trace): ${
        takenNodes.length ? takenNodes.map((id) => `<code>${esc(label(id))}</code>`).join(', ') : 'none'
      }.</p>`
    : '';
  return `${takenText}<ol>${items.join('')}</ol>`;
}

/** A sequence diagram as its messages and notes in source order (blocks as headings). */
function sequenceText(source: string): string {
  const actors = new Map<string, string>();
  const items: string[] = [];
  const name = (id: string): string => actors.get(id) ?? id;
  for (const line of source.split('\n').slice(1)) {
    const actor = /^(?:participant|actor)\s+(\S+?)(?:\s+as\s+(.+))?$/.exec(line);
    if (actor) {
      actors.set(actor[1] ?? '', plainLabel(actor[2] ?? actor[1] ?? ''));
      continue;
    }
    const msg = SEQUENCE_MESSAGE.exec(line);
    if (msg) {
      const [, from = '', , , to = '', text = ''] = msg;
      items.push(`<li>${esc(name(from))} → ${esc(name(to))}: ${esc(plainLabel(text))}</li>`);
      continue;
    }
    const note = /^Note\s+(?:left of|right of|over)\s+([^:]+):\s*(.+)$/i.exec(line);
    if (note) {
      const who = (note[1] ?? '').split(',').map((a) => name(a.trim()));
      items.push(`<li>Note (${esc(who.join(', '))}): ${esc(plainLabel(note[2] ?? ''))}</li>`);
      continue;
    }
    const block = /^(loop|alt|opt|par|critical|break|else|and)\s*(.*)$/.exec(line);
    if (block)
      items.push(`<li>[${esc(block[1] ?? '')}${block[2] ? ` ${esc(plainLabel(block[2]))}` : ''}]</li>`);
    else if (line === 'end') items.push('<li>[end]</li>');
  }
  return `<ol>${items.join('')}</ol>`;
}
