/**
 * Sequence diagrams laid out by the site itself, at build time, for the Mermaid subset that
 * validate.ts accepts. beautiful-mermaid (which draws the flowcharts) sized message labels and
 * notes to one line however long, so on the trace diagrams notes ran over lifelines and arrows
 * and messages ran past the frame (issue 13). Here:
 *
 * - lanes are evenly spaced so that four of them fit the content column (630 px at 1280 px);
 * - every label is wrapped to the room it has, measured with the page's own font
 *   (text-metrics.ts): a message's between its two lanes, a note's between the neighbouring
 *   lanes (so it never covers another party's lifeline), a note over several lanes across them;
 * - every message, note and block line gets its own row, so nothing can overlap;
 * - message labels sit on a background box that interrupts the lifelines they cross.
 *
 * The SVG uses the same class names and custom properties as beautiful-mermaid's (g.actor,
 * g.message, g.note, g.edge-label, --_line, --_text…), so render.ts, diagrams.css and the
 * legibility gate treat both alike. Fonts: 13 px for messages and notes, 14 px for lane names.
 */
import { textWidth, wrapText, type Weight } from '../../diagrams/text-metrics.js';
import { SEQUENCE_MESSAGE } from './validate.js';
import { escapeHtml } from '../sim/html.js';

const FONT = 13;
const HEAD_FONT = 14;
const LINE = Math.round(FONT * 1.35);
const PAD_X = 8;
const PAD_Y = 5;
/** Distance between lanes: four lanes and their margins make 630 px, the content column at 1280 px. */
const GAP = 168;
const MARGIN = 63;
/** Vertical space between rows. */
const ROW_GAP = 10;

interface Participant {
  readonly id: string;
  readonly label: string;
}

type Item =
  | { kind: 'message'; from: string; to: string; arrow: string; text: string }
  | { kind: 'note'; where: 'over' | 'left of' | 'right of'; lanes: string[]; text: string }
  | { kind: 'open'; block: string; text: string }
  | { kind: 'divider'; block: string; text: string }
  | { kind: 'end' };

const esc = escapeHtml;
const n = (v: number): string => String(Math.round(v * 100) / 100);
/** Label text as drawn: `<br>` starts a new line; quotes around the whole label are markup. */
const paragraphs = (s: string): string[] =>
  s
    .replace(/^"(.*)"$/s, '$1')
    .split(/<br\s*\/?>/i)
    .map((p) => p.trim());

function parse(source: string): { participants: Participant[]; items: Item[] } {
  const participants: Participant[] = [];
  const items: Item[] = [];
  const known = new Set<string>();
  const lane = (id: string): void => {
    if (!known.has(id)) {
      known.add(id);
      participants.push({ id, label: id });
    }
  };
  for (const raw of source.split('\n').slice(1)) {
    const line = raw.trim();
    if (!line || line.startsWith('%%')) continue;
    const p = /^(?:participant|actor)\s+(\S+?)(?:\s+as\s+(.+))?$/.exec(line);
    if (p) {
      const id = p[1] ?? '';
      if (!known.has(id)) {
        known.add(id);
        participants.push({ id, label: (p[2] ?? id).trim() });
      }
      continue;
    }
    const m = SEQUENCE_MESSAGE.exec(line);
    if (m) {
      const [, from = '', arrow = '', , to = '', text = ''] = m;
      lane(from);
      lane(to);
      items.push({ kind: 'message', from, to, arrow, text });
      continue;
    }
    const note = /^Note\s+(left of|right of|over)\s+([^:]+):\s*(.+)$/i.exec(line);
    if (note) {
      const lanes = (note[2] ?? '').split(',').map((s) => s.trim());
      lanes.forEach(lane);
      items.push({
        kind: 'note',
        where: (note[1] ?? 'over').toLowerCase() as 'over' | 'left of' | 'right of',
        lanes,
        text: note[3] ?? '',
      });
      continue;
    }
    const open = /^(loop|alt|opt|par|critical|break|rect)\b\s*(.*)$/.exec(line);
    if (open) {
      items.push({ kind: 'open', block: open[1] ?? '', text: open[1] === 'rect' ? '' : (open[2] ?? '') });
      continue;
    }
    const divider = /^(else|and)\b\s*(.*)$/.exec(line);
    if (divider) {
      items.push({ kind: 'divider', block: divider[1] ?? '', text: divider[2] ?? '' });
      continue;
    }
    if (line === 'end') items.push({ kind: 'end' });
    // Anything else was rejected by checkMermaid before this runs.
  }
  return { participants, items };
}

/** Lines of a label wrapped to `width` px. */
function wrap(text: string, width: number, weight: Weight = 400): string[] {
  return paragraphs(text).flatMap((p) => wrapText(p, width, FONT, weight));
}

/** A multi-line <text>, centred on x (or starting at x), first baseline at y. */
function textEl(
  lines: readonly string[],
  x: number,
  y: number,
  anchor: 'middle' | 'start',
  weight: Weight = 400,
): string {
  const spans = lines
    .map((l, i) => `<tspan x="${n(x)}" ${i === 0 ? `y="${n(y)}"` : `dy="${String(LINE)}"`}>${esc(l)}</tspan>`)
    .join('');
  return `<text text-anchor="${anchor}" font-size="${String(FONT)}" font-weight="${String(weight)}" fill="var(--_text)">${spans}</text>`;
}

/** The widest of some lines, in px. */
const widest = (lines: readonly string[], weight: Weight = 400): number =>
  Math.max(0, ...lines.map((l) => textWidth(l, FONT, weight)));

/** Render a checked sequenceDiagram source as an SVG string. */
export function renderSequenceSvg(source: string): string {
  const { participants, items } = parse(source);
  if (participants.length === 0) participants.push({ id: '_', label: ' ' });
  const gap = Math.max(GAP, ...participants.map((p) => textWidth(p.label, HEAD_FONT, 600) + 2 * PAD_X + 24));
  const headW = (p: Participant): number => textWidth(p.label, HEAD_FONT, 600) + 2 * PAD_X + 16;
  const margin = Math.max(MARGIN, ...participants.map((p) => headW(p) / 2 + 6));
  const x = new Map(participants.map((p, i) => [p.id, margin + i * gap]));
  const xs = participants.map((p) => x.get(p.id) ?? 0);
  const last = xs[xs.length - 1] ?? 0;
  const width = last + margin;
  const left = 6;
  const right = width - 6;
  /** Room around lane i for a note over it alone: up to 12 px short of the neighbours' lifelines. */
  const laneRoom = (i: number): [number, number] => [
    i === 0 ? left : (xs[i - 1] ?? 0) + 12,
    i === xs.length - 1 ? right : (xs[i + 1] ?? 0) - 12,
  ];
  const indexOf = (id: string): number => participants.findIndex((p) => p.id === id);

  const headH = LINE + 2 * PAD_Y + 8;
  const head = (y: number): string =>
    participants
      .map((p) => {
        const cx = x.get(p.id) ?? 0;
        const w = Math.min(gap - 16, headW(p));
        return (
          `<g class="actor" data-id="${esc(p.id)}" data-label="${esc(p.label)}">` +
          `<rect x="${n(cx - w / 2)}" y="${n(y)}" width="${n(w)}" height="${n(headH)}" rx="4" ry="4" fill="var(--_node-fill)" stroke="var(--_node-stroke)" stroke-width="1"/>` +
          `<text x="${n(cx)}" y="${n(y + headH / 2 + HEAD_FONT * 0.35)}" text-anchor="middle" font-size="${String(HEAD_FONT)}" font-weight="600" fill="var(--_text)">${esc(p.label)}</text></g>`
        );
      })
      .join('');

  const body: string[] = [];
  const blocks: {
    top: number;
    depth: number;
    kind: string;
    text: string;
    dividers: { y: number; text: string }[];
  }[] = [];
  const frames: string[] = [];
  let y = 12 + headH + 16;

  for (const item of items) {
    if (item.kind === 'message') {
      const i = indexOf(item.from);
      const j = indexOf(item.to);
      const x1 = xs[i] ?? 0;
      const x2 = xs[j] ?? 0;
      const dashed = item.arrow.startsWith('--');
      const head = item.arrow.endsWith('>>')
        ? 'filled'
        : item.arrow.endsWith(')')
          ? 'open'
          : item.arrow.endsWith('x')
            ? 'cross'
            : 'none';
      const marker = head === 'none' ? '' : ` marker-end="url(#seq-${head})"`;
      const attrs =
        `class="message" data-from="${esc(item.from)}" data-to="${esc(item.to)}" data-label="${esc(paragraphs(item.text).join(' '))}"` +
        ` data-line-style="${dashed ? 'dashed' : 'solid'}"`;
      const stroke = `stroke="var(--_line)" stroke-width="1.25"${dashed ? ' stroke-dasharray="6 4"' : ''}`;
      if (i === j) {
        // A message to itself: a loop to the right of the lane, its label beside it.
        const [, hi] = laneRoom(i);
        const maxW = Math.max(60, hi - x1 - 30 - 2 * PAD_X);
        const lines = wrap(item.text, maxW);
        const h = lines.length * LINE + 2 * PAD_Y;
        const lw = widest(lines) + 2 * PAD_X;
        const loopH = Math.max(h, 24);
        body.push(
          `<g ${attrs}><path d="M ${n(x1)} ${n(y)} L ${n(x1 + 24)} ${n(y)} L ${n(x1 + 24)} ${n(y + loopH)} L ${n(x1 + 2)} ${n(y + loopH)}" fill="none" ${stroke}${marker}/>` +
            `<g class="edge-label" data-from="${esc(item.from)}" data-to="${esc(item.to)}"><rect x="${n(x1 + 30)}" y="${n(y)}" width="${n(lw)}" height="${n(h)}" rx="2" fill="var(--bg)"/>` +
            `${textEl(lines, x1 + 30 + PAD_X, y + PAD_Y + FONT, 'start')}</g></g>`,
        );
        y += loopH + ROW_GAP;
        continue;
      }
      const lo = Math.min(x1, x2);
      const hi = Math.max(x1, x2);
      const lines = wrap(item.text, hi - lo - 2 * PAD_X - 12);
      const h = lines.length * LINE + 2 * PAD_Y;
      const lw = widest(lines) + 2 * PAD_X;
      const cx = (lo + hi) / 2;
      const arrowY = y + h + 6;
      const tip = x2 + (x2 > x1 ? -1 : 1);
      body.push(
        `<g ${attrs}><line x1="${n(x1)}" y1="${n(arrowY)}" x2="${n(tip)}" y2="${n(arrowY)}" ${stroke}${marker}/>` +
          `<g class="edge-label" data-from="${esc(item.from)}" data-to="${esc(item.to)}"><rect x="${n(cx - lw / 2)}" y="${n(y)}" width="${n(lw)}" height="${n(h)}" rx="2" fill="var(--bg)"/>` +
          `${textEl(lines, cx, y + PAD_Y + FONT - 1, 'middle')}</g></g>`,
      );
      y = arrowY + ROW_GAP + 4;
    } else if (item.kind === 'note') {
      const idx = item.lanes.map(indexOf).sort((a, b) => a - b);
      const a = idx[0] ?? 0;
      const b = idx[idx.length - 1] ?? 0;
      let lo: number;
      let hi: number;
      if (item.where === 'over' && a !== b) {
        lo = Math.max(left, (xs[a] ?? 0) - gap / 2 + 12);
        hi = Math.min(right, (xs[b] ?? 0) + gap / 2 - 12);
      } else if (item.where === 'over') {
        [lo, hi] = laneRoom(a);
      } else if (item.where === 'left of') {
        lo = a === 0 ? left : (xs[a - 1] ?? 0) + 12;
        hi = (xs[a] ?? 0) - 6;
      } else {
        lo = (xs[a] ?? 0) + 6;
        hi = a === xs.length - 1 ? right : (xs[a + 1] ?? 0) - 12;
      }
      const lines = wrap(item.text, hi - lo - 2 * PAD_X);
      const w = Math.min(hi - lo, widest(lines) + 2 * PAD_X);
      const h = lines.length * LINE + 2 * PAD_Y;
      // Centred on its lane(s) where there is room, else pushed inside its room.
      const centre =
        item.where === 'over'
          ? ((xs[a] ?? 0) + (xs[b] ?? 0)) / 2
          : item.where === 'left of'
            ? hi - w / 2
            : lo + w / 2;
      const bx = Math.min(Math.max(centre - w / 2, lo), hi - w);
      const fold = 7;
      body.push(
        `<g class="note" data-position="${item.where}" data-actors="${esc(item.lanes.join(','))}">` +
          `<polygon points="${n(bx)},${n(y)} ${n(bx + w - fold)},${n(y)} ${n(bx + w)},${n(y + fold)} ${n(bx + w)},${n(y + h)} ${n(bx)},${n(y + h)}" fill="var(--_note-fill)" stroke="var(--_node-stroke)" stroke-width="0.75"/>` +
          `${textEl(lines, bx + w / 2, y + PAD_Y + FONT - 1, 'middle')}</g>`,
      );
      y += h + ROW_GAP;
    } else if (item.kind === 'open') {
      const depth = blocks.length;
      const label = `${item.block}${item.text ? ` ${item.text}` : ''}`;
      blocks.push({ top: y, depth, kind: item.block, text: label, dividers: [] });
      y += LINE + 2 * PAD_Y + 6;
    } else if (item.kind === 'divider') {
      const open = blocks[blocks.length - 1];
      if (open) open.dividers.push({ y, text: item.text ? `[${item.text}]` : '' });
      y += LINE + 2 * PAD_Y;
    } else {
      const open = blocks.pop();
      if (!open) continue;
      const inset = 4 + open.depth * 6;
      const bx = left + inset;
      const bw = right - left - 2 * inset;
      const bottom = y;
      const tabLines = wrap(open.text, bw / 2, 600);
      const tabW = Math.min(bw, widest(tabLines, 600) + 2 * PAD_X);
      const tabH = tabLines.length * LINE + 2 * PAD_Y;
      frames.push(
        `<g class="block" data-kind="${esc(open.kind)}">` +
          `<rect x="${n(bx)}" y="${n(open.top)}" width="${n(bw)}" height="${n(bottom - open.top)}" fill="none" stroke="var(--_inner-stroke)" stroke-width="1"/>` +
          `<g class="edge-label"><rect x="${n(bx)}" y="${n(open.top)}" width="${n(tabW)}" height="${n(tabH)}" fill="var(--_group-hdr)" stroke="var(--_inner-stroke)" stroke-width="1"/>` +
          `${textEl(tabLines, bx + PAD_X, open.top + PAD_Y + FONT - 1, 'start', 600)}</g>` +
          open.dividers
            .map(
              (d) =>
                `<line x1="${n(bx)}" y1="${n(d.y)}" x2="${n(bx + bw)}" y2="${n(d.y)}" stroke="var(--_inner-stroke)" stroke-dasharray="4 3"/>` +
                (d.text
                  ? `<g class="edge-label"><rect x="${n(bx + PAD_X)}" y="${n(d.y + 2)}" width="${n(widest([d.text]) + 2 * PAD_X)}" height="${n(LINE + 2 * PAD_Y - 4)}" fill="var(--bg)"/>${textEl([d.text], bx + 2 * PAD_X, d.y + PAD_Y + FONT - 1, 'start')}</g>`
                  : ''),
            )
            .join('') +
          `</g>`,
      );
      y += 8;
    }
  }
  y += 8;
  const lifelineTop = 12 + headH;
  const bottomHeads = y;
  const height = bottomHeads + headH + 12;
  const lifelines = participants
    .map((p) => {
      const cx = x.get(p.id) ?? 0;
      return `<line class="lifeline" data-actor="${esc(p.id)}" x1="${n(cx)}" y1="${n(lifelineTop)}" x2="${n(cx)}" y2="${n(bottomHeads)}" stroke="var(--_line)" stroke-width="0.75" stroke-dasharray="6 4"/>`;
    })
    .join('');
  const defs =
    '<defs>' +
    '<marker id="seq-filled" markerWidth="9" markerHeight="6" refX="9" refY="3" orient="auto-start-reverse"><polygon points="0 0, 9 3, 0 6" fill="var(--_arrow)"/></marker>' +
    '<marker id="seq-open" markerWidth="9" markerHeight="6" refX="9" refY="3" orient="auto-start-reverse"><polyline points="0 0, 9 3, 0 6" fill="none" stroke="var(--_arrow)" stroke-width="1"/></marker>' +
    '<marker id="seq-cross" markerWidth="8" markerHeight="8" refX="4" refY="4" orient="auto"><path d="M0 0 L8 8 M8 0 L0 8" stroke="var(--_arrow)" stroke-width="1.25"/></marker>' +
    '</defs>';
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${n(width)} ${n(height)}" width="${n(width)}" height="${n(height)}">` +
    defs +
    lifelines +
    frames.join('') +
    body.join('') +
    head(12) +
    head(bottomHeads) +
    '</svg>'
  );
}
