/**
 * The fault-path overview as call trees, laid out by the site at build time (issue 13).
 *
 * The overview used to be one Mermaid flowchart of every mirrored function, grouped by source
 * file and laid out by ELK: several screens wide, its labels shrunk to 5 px when fitted to the
 * column, and ELK routed calls between files through other functions' boxes. Split into views
 * and laid out flat, ELK still spread 13 functions over 1,400 px. A call graph reads best the
 * way `ftrace`'s function_graph prints it: one function per row, indented under its caller.
 *
 * - Each view is drawn from its roots down. A function is expanded where it is first reached;
 *   reached again, it is drawn as a reference (dashed, "see above"), so the tree stays a tree
 *   and every call is still one arrow. A stop (expanded in another view) names that view.
 * - Connectors run down the caller's gutter, left of every row below it (its descendants are
 *   indented further), then across to the callee: no connector crosses a box or a label.
 * - Boxes are sized with the page's own font (text-metrics.ts); the source file follows the
 *   name on the row, in the secondary colour. Fonts: 13 px names, 12 px files.
 *
 * The SVG uses the flowchart's class names (g.node with data-id and data-fn, or data-ref on a
 * function's second mention; polyline.edge with data-from/data-to), so trace marks, the stepper's current-function mark, diagrams.css and the
 * legibility gate work unchanged. The text version is the same tree as nested lists.
 */
import type { MirroredFunction } from '@realmfault/model';
import { diagramFigure, type DiagramMarks, type RenderedDiagram } from '../plugins/mermaid/render.js';
import { timedForBench } from '../build-stats.js';
import { textWidth } from './text-metrics.js';
import { escapeHtml } from '../plugins/sim/html.js';

const NAME = 13;
const FILE = 12;
const ROW = 34;
const BOX_H = 26;
const INDENT = 21;
const PAD_X = 9;
const MARGIN = 10;

const esc = escapeHtml;
const n = (v: number): string => String(Math.round(v * 100) / 100);

/** One row of the tree. */
interface Row {
  readonly fn: MirroredFunction;
  readonly depth: number;
  readonly parent: number | null;
  /** 'full': expanded here; 'ref': drawn before; 'stop': expanded in another view; 'recursion'. */
  readonly kind: 'full' | 'ref' | 'stop' | 'recursion';
  readonly note: string;
}

export interface CallTreeOptions {
  readonly title: string;
  readonly description: string;
  readonly idPrefix: string;
  /** Entry points, drawn at depth 0 in this order (functions nothing in the set calls come after). */
  readonly roots: readonly string[];
  /** Functions drawn but not expanded, with the note to show (e.g. the view that expands them). */
  readonly stops?: ReadonlyMap<string, string> | undefined;
  readonly marks?: DiagramMarks | undefined;
  readonly className?: string | undefined;
  readonly figureAttributes?: Readonly<Record<string, string>> | undefined;
}

const display = (f: MirroredFunction): string => (f.tree === 'tf-rmm' ? f.name : `${f.name}()`);
const where = (f: MirroredFunction): string =>
  f.tree === 'tf-rmm' ? `TF-RMM ${f.file}` : f.tree === 'qemu' ? `QEMU ${f.file}` : f.file;

/** The rows of the tree: depth-first from each root, each function expanded once. */
export function callTreeRows(
  functions: readonly MirroredFunction[],
  roots: readonly string[],
  stops: ReadonlyMap<string, string> = new Map(),
): Row[] {
  const byName = new Map(functions.map((f) => [f.name, f]));
  const rows: Row[] = [];
  const expanded = new Set<string>();
  const visit = (name: string, depth: number, parent: number | null, path: readonly string[]): void => {
    const fn = byName.get(name);
    if (fn === undefined) throw new Error(`call tree: ${name} is not among the functions drawn`);
    const stop = stops.get(name);
    if (path.includes(name)) {
      rows.push({ fn, depth, parent, kind: 'recursion', note: 'recursion' });
      return;
    }
    if (expanded.has(name)) {
      rows.push({ fn, depth, parent, kind: 'ref', note: 'see above' });
      return;
    }
    if (stop !== undefined) {
      expanded.add(name);
      rows.push({ fn, depth, parent, kind: 'stop', note: stop });
      return;
    }
    expanded.add(name);
    const at = rows.length;
    rows.push({ fn, depth, parent, kind: 'full', note: where(fn) });
    for (const callee of fn.calls) visit(callee, depth + 1, at, [...path, name]);
  };
  const called = new Set(functions.flatMap((f) => f.calls));
  const entry = [
    ...roots,
    ...functions.map((f) => f.name).filter((f) => !called.has(f) && !roots.includes(f)),
  ];
  for (const r of entry) if (!expanded.has(r)) visit(r, 0, null, []);
  // Functions reachable only through a cycle among themselves (none in the table today).
  for (const f of functions) if (!expanded.has(f.name)) visit(f.name, 0, null, []);
  return rows;
}

/** Render a call tree as an accessible inline SVG figure. */
export function renderCallTree(
  functions: readonly MirroredFunction[],
  options: CallTreeOptions,
): RenderedDiagram {
  return timedForBench('diagram', () => render(functions, options));
}

function render(functions: readonly MirroredFunction[], options: CallTreeOptions): RenderedDiagram {
  const rows = callTreeRows(functions, options.roots, options.stops);
  const marks = options.marks;
  const prefix = options.idPrefix;
  const boxW = (r: Row): number => textWidth(display(r.fn), NAME, r.kind === 'full' ? 600 : 500) + 2 * PAD_X;
  const x = (r: Row): number => MARGIN + r.depth * INDENT;
  const y = (i: number): number => MARGIN + i * ROW;
  let width = 0;
  for (const r of rows) width = Math.max(width, x(r) + boxW(r) + 10 + textWidth(r.note, FILE, 400) + MARGIN);
  const height = MARGIN * 2 + rows.length * ROW - (ROW - BOX_H);

  const edges: string[] = [];
  const nodes: string[] = [];
  rows.forEach((r, i) => {
    const taken = marks?.nodes.has(r.fn.name) ?? false;
    const bx = x(r);
    const by = y(i);
    const w = boxW(r);
    const cls = ['node', taken ? 'rf-taken' : '', `rf-call-${r.kind}`].filter(Boolean).join(' ');
    nodes.push(
      // data-fn only where the function is defined in this tree (its expanded or stop row), so
      // that [data-fn=…] finds one box per view; a second mention carries data-ref.
      `<g class="${cls}" data-id="${esc(r.fn.name)}" ${r.kind === 'full' || r.kind === 'stop' ? 'data-fn' : 'data-ref'}="${esc(r.fn.name)}"${taken ? ' data-taken="true"' : ''}>` +
        `<rect x="${n(bx)}" y="${n(by)}" width="${n(w)}" height="${String(BOX_H)}" rx="3" ry="3" fill="var(--_node-fill)" stroke="var(--_node-stroke)" stroke-width="${r.kind === 'full' ? '1' : '0.75'}"${r.kind === 'full' ? '' : ' stroke-dasharray="4 3"'}/>` +
        `<text x="${n(bx + PAD_X)}" y="${n(by + BOX_H / 2 + NAME * 0.35)}" font-size="${String(NAME)}" font-weight="${r.kind === 'full' ? '600' : '500'}" fill="var(--_text)">${esc(display(r.fn))}</text></g>` +
        `<g class="rf-label"><text x="${n(bx + w + 10)}" y="${n(by + BOX_H / 2 + FILE * 0.35)}" font-size="${String(FILE)}" font-weight="400" fill="var(--_text-sec)">${esc(r.note)}</text></g>`,
    );
    if (r.parent !== null) {
      const p = rows[r.parent];
      if (p === undefined) return;
      const trunk = x(p) + 9;
      const from = y(r.parent) + BOX_H;
      const mid = by + BOX_H / 2;
      const edgeTaken = marks?.edges.has(`${p.fn.name}->${r.fn.name}`) ?? false;
      edges.push(
        `<polyline class="edge${edgeTaken ? ' rf-taken' : ''}"${edgeTaken ? ' data-taken="true"' : ''} data-from="${esc(p.fn.name)}" data-to="${esc(r.fn.name)}" points="${n(trunk)},${n(from)} ${n(trunk)},${n(mid)} ${n(bx - 1)},${n(mid)}" fill="none" stroke="var(--_line)" stroke-width="1" marker-end="url(#${prefix}-arrow)"/>`,
      );
    }
  });

  const titleId = `${prefix}-title`;
  const descId = `${prefix}-desc`;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${n(width)} ${n(height)}" width="${String(Math.ceil(width))}" height="${String(Math.ceil(height))}" class="rf-diagram-svg" role="img" aria-labelledby="${titleId}" aria-describedby="${descId}" focusable="false">` +
    `<title id="${titleId}">${esc(options.title)}</title><desc id="${descId}">${esc(options.description)}</desc>` +
    `<defs><marker id="${prefix}-arrow" markerWidth="8" markerHeight="6" refX="8" refY="3" orient="auto" markerUnits="userSpaceOnUse"><polygon points="0 0, 8 3, 0 6" fill="var(--_arrow)"/></marker></defs>` +
    edges.join('') +
    nodes.join('') +
    '</svg>';

  const classes = ['rf-diagram', 'rf-diagram-call-tree', options.className].filter(Boolean).join(' ');
  const extra = Object.entries(options.figureAttributes ?? {})
    .map(([k, v]) => ` ${k}="${esc(v)}"`)
    .join('');
  return {
    kind: 'call-tree',
    title: options.title,
    idPrefix: prefix,
    html: diagramFigure({
      classes,
      prefix,
      kind: 'call-tree',
      extra,
      title: options.title,
      svg,
      width: Math.ceil(width),
      text: treeText(rows, marks),
    }),
  };
}

/** The tree as nested lists: the hierarchy is the point, so a screen reader gets it too. */
function treeText(rows: readonly Row[], marks: DiagramMarks | undefined): string {
  const children = new Map<number | null, number[]>();
  rows.forEach((r, i) => children.set(r.parent, [...(children.get(r.parent) ?? []), i]));
  const item = (i: number): string => {
    const r = rows[i];
    if (r === undefined) return '';
    const taken = marks?.nodes.has(r.fn.name) ? ' (taken)' : '';
    const kids = children.get(i) ?? [];
    return (
      `<li data-id="${esc(r.fn.name)}"><code>${esc(display(r.fn))}</code> — ${esc(r.note)}${taken}` +
      (kids.length ? `<ul>${kids.map(item).join('')}</ul>` : '') +
      '</li>'
    );
  };
  const takenNote = marks
    ? `<p>Marked (taken by the trace): ${String(new Set(rows.filter((r) => marks.nodes.has(r.fn.name)).map((r) => r.fn.name)).size)} functions, shown “(taken)”.</p>`
    : '';
  return `${takenNote}<ul>${(children.get(null) ?? []).map(item).join('')}</ul>`;
}
