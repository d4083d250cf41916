// @ts-check
/**
 * Legibility of the diagrams on a page, measured as Chromium lays them out. One plain function
 * with no imports, so that it can be handed to `page.evaluate()` from both the e2e gate
 * (tests/e2e/diagram-legibility.e2e.ts) and the bench (bench/diagram-legibility.mjs).
 *
 * For every `<text>` in every `figure.rf-diagram` SVG it records:
 * - **small**: the font size as drawn on screen (computed font-size × the SVG's scale on screen)
 *   is under `minPx` CSS pixels;
 * - **outside**: the text's box leaves the shape it labels (a node's box or diamond, an edge
 *   label's box, a note, a lane head, a group's title band), or, for a label with no shape of
 *   its own (a sequence message), the drawing itself;
 * - **overlap**: two texts' boxes intersect, a text's box intersects a shape that is not its own
 *   (another node, a note, an edge label), or a line (an edge, a message arrow) crosses a text
 *   that does not belong to it;
 * - **cut**: the text leaves the visible frame of the figure (the part a reader can scroll to);
 * - and per diagram, **shrunk**: the drawing is narrower on screen than its natural size.
 *
 * Figures inside closed `<details>` are opened first, so nothing escapes by being hidden.
 *
 * @param {{ minPx: number, tolerance?: number }} options
 */
export function measureDiagrams(options) {
  const minPx = options.minPx;
  const tol = options.tolerance ?? 0.75;
  /** @typedef {{ left: number, top: number, right: number, bottom: number }} Box */
  /** @param {DOMRect} r @returns {Box} */
  const box = (r) => ({ left: r.left, top: r.top, right: r.right, bottom: r.bottom });
  /** @param {Box} a @param {Box} b */
  const intersects = (a, b) =>
    Math.min(a.right, b.right) - Math.max(a.left, b.left) > tol &&
    Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > tol;
  /** @param {Box} inner @param {Box} outer */
  const inside = (inner, outer) =>
    inner.left >= outer.left - tol &&
    inner.top >= outer.top - tol &&
    inner.right <= outer.right + tol &&
    inner.bottom <= outer.bottom + tol;
  /** Screen coordinates of a polygon's points. @param {SVGPolygonElement} poly */
  const polygonPoints = (poly) => {
    const m = poly.getScreenCTM();
    if (!m) return [];
    return Array.from(poly.points).map((p) => ({
      x: m.a * p.x + m.c * p.y + m.e,
      y: m.b * p.x + m.d * p.y + m.f,
    }));
  };
  /** Is a point inside a convex or concave polygon (with tolerance: on the edge counts)? */
  const inPolygon = (
    /** @type {{x:number,y:number}[]} */ pts,
    /** @type {number} */ x,
    /** @type {number} */ y,
  ) => {
    let c = false;
    for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
      const a = pts[i];
      const b = pts[j];
      if (!a || !b) continue;
      if (a.y > y !== b.y > y && x < ((b.x - a.x) * (y - a.y)) / (b.y - a.y) + a.x) c = !c;
    }
    if (c) return true;
    // On (or within tol of) an edge.
    for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
      const a = pts[i];
      const b = pts[j];
      if (!a || !b) continue;
      const dx = b.x - a.x;
      const dy = b.y - a.y;
      const len2 = dx * dx + dy * dy || 1;
      const t = Math.max(0, Math.min(1, ((x - a.x) * dx + (y - a.y) * dy) / len2));
      if (Math.hypot(a.x + t * dx - x, a.y + t * dy - y) <= tol) return true;
    }
    return false;
  };
  /** Does the segment p→q pass through the box (shrunk by tol)? Liang–Barsky clipping. */
  const segmentHits = (
    /** @type {{x:number,y:number}} */ p,
    /** @type {{x:number,y:number}} */ q,
    /** @type {Box} */ b,
  ) => {
    const l = b.left + tol;
    const r = b.right - tol;
    const t = b.top + tol;
    const bo = b.bottom - tol;
    if (l >= r || t >= bo) return false;
    let t0 = 0;
    let t1 = 1;
    const dx = q.x - p.x;
    const dy = q.y - p.y;
    /** @type {[number, number][]} */
    const sides = [
      [-dx, p.x - l],
      [dx, r - p.x],
      [-dy, p.y - t],
      [dy, bo - p.y],
    ];
    for (const [pp, qq] of sides) {
      if (pp === 0) {
        if (qq < 0) return false;
      } else {
        const u = qq / pp;
        if (pp < 0) t0 = Math.max(t0, u);
        else t1 = Math.min(t1, u);
        if (t0 > t1) return false;
      }
    }
    return true;
  };
  /** Screen points of a line, polyline or simple path (M/L commands). @param {SVGGraphicsElement} el */
  const linePoints = (el) => {
    const m = el.getScreenCTM();
    if (!m) return [];
    /** @type {{x:number,y:number}[]} */
    let pts = [];
    if (el instanceof SVGLineElement) {
      pts = [
        { x: el.x1.baseVal.value, y: el.y1.baseVal.value },
        { x: el.x2.baseVal.value, y: el.y2.baseVal.value },
      ];
    } else if (el instanceof SVGPolylineElement) {
      pts = Array.from(el.points).map((p) => ({ x: p.x, y: p.y }));
    } else if (el instanceof SVGPathElement) {
      const nums = (el.getAttribute('d') ?? '').match(/-?[\d.]+(?:e-?\d+)?/g) ?? [];
      for (let i = 0; i + 1 < nums.length; i += 2) pts.push({ x: Number(nums[i]), y: Number(nums[i + 1]) });
    }
    return pts.map((p) => ({ x: m.a * p.x + m.c * p.y + m.e, y: m.b * p.x + m.d * p.y + m.f }));
  };

  for (const d of document.querySelectorAll('details')) {
    if (d.querySelector('figure.rf-diagram')) d.open = true;
  }

  /** @type {{ diagram: string, label: string, problem: string }[]} */
  const problems = [];
  const counts = {
    diagrams: 0,
    labels: 0,
    small: 0,
    outside: 0,
    overlap: 0,
    cut: 0,
    hidden: 0,
    minPx: Infinity,
    /** Diagrams wider than their frame: they scroll (informational, not a problem). */
    wider: 0,
    /** Diagrams drawn smaller than their natural size. */
    shrunk: 0,
  };
  const figures = Array.from(document.querySelectorAll('figure.rf-diagram'));
  for (const figure of figures) {
    const svg = figure.querySelector('svg');
    if (!svg) continue;
    const name = svg.querySelector('title')?.textContent.trim() || figure.getAttribute('data-diagram') || '?';
    const svgRect = svg.getBoundingClientRect();
    if (svgRect.width === 0 || svgRect.height === 0) {
      counts.hidden++;
      problems.push({
        diagram: name,
        label: '',
        problem: 'not displayed (zero size): it could not be measured',
      });
      continue;
    }
    counts.diagrams++;
    // Never drawn smaller than its natural size (the viewBox, in CSS px).
    const vb = svg.viewBox.baseVal;
    if (vb.width > 0 && svgRect.width < vb.width - 0.5) {
      counts.shrunk++;
      problems.push({
        diagram: name,
        label: '',
        problem: `drawn at ${svgRect.width.toFixed(0)} px wide, smaller than its natural ${vb.width.toFixed(0)} px`,
      });
    }
    // The frame: the scrollable canvas (what a reader can scroll to), else the figure.
    const canvas = figure.querySelector('.rf-diagram-canvas') ?? figure;
    const frame = box(canvas.getBoundingClientRect());
    // What a reader can scroll to: the scroll area, unless the frame clips instead of scrolling.
    const clips = ['hidden', 'clip'].includes(getComputedStyle(canvas).overflowX);
    const frameFull = clips
      ? frame
      : {
          left: frame.left - canvas.scrollLeft,
          top: frame.top - canvas.scrollTop,
          right: frame.left - canvas.scrollLeft + Math.max(canvas.scrollWidth, canvas.clientWidth),
          bottom: frame.top - canvas.scrollTop + Math.max(canvas.scrollHeight, canvas.clientHeight),
        };
    const view = box(svgRect);
    if (canvas.scrollWidth > canvas.clientWidth + 1) counts.wider++;

    /** @type {{ el: SVGTextElement, text: string, box: Box, owner: Element | null }[]} */
    const labels = [];
    for (const el of Array.from(svg.querySelectorAll('text'))) {
      const text = el.textContent.replace(/\s+/g, ' ').trim();
      if (!text) continue;
      const ctm = el.getScreenCTM();
      const scale = ctm ? Math.hypot(ctm.a, ctm.b) : 0;
      const px = parseFloat(getComputedStyle(el).fontSize) * scale;
      counts.labels++;
      counts.minPx = Math.min(counts.minPx, px);
      if (px < minPx - 0.01) {
        counts.small++;
        problems.push({
          diagram: name,
          label: text,
          problem: `drawn at ${px.toFixed(1)} px (< ${minPx} px)`,
        });
      }
      const owner = el.closest(
        'g.node, g.edge-label, g.note, g.actor, g.subgraph, g.message, g.block, g.rf-label',
      );
      labels.push({ el, text, box: box(el.getBoundingClientRect()), owner });
    }

    /** Shapes that hold a label: the element, its box and (for polygons) its outline. */
    /** @type {{ el: Element, box: Box, owner: Element, poly: {x:number,y:number}[] | null }[]} */
    const shapes = [];
    for (const owner of Array.from(
      svg.querySelectorAll('g.node, g.edge-label, g.note, g.actor, g.subgraph'),
    )) {
      const all = Array.from(owner.children).filter((c) =>
        ['rect', 'polygon', 'circle', 'ellipse', 'path'].includes(c.tagName),
      );
      // A group's label sits in its title band (its second rect); its body holds other nodes.
      const el = owner.matches('g.subgraph') ? all[1] : all[0];
      if (!el) continue;
      shapes.push({
        el,
        box: box(el.getBoundingClientRect()),
        owner,
        poly: el instanceof SVGPolygonElement ? polygonPoints(el) : null,
      });
    }
    const shapeOf = new Map(shapes.map((s) => [s.owner, s]));

    for (const l of labels) {
      const own = l.owner ? shapeOf.get(l.owner) : undefined;
      if (own) {
        const b = l.box;
        const ok = own.poly
          ? [
              [b.left, b.top],
              [b.right, b.top],
              [b.left, b.bottom],
              [b.right, b.bottom],
            ].every(([x, y]) => inPolygon(own.poly ?? [], x ?? 0, y ?? 0))
          : inside(b, own.box);
        if (!ok) {
          counts.outside++;
          problems.push({ diagram: name, label: l.text, problem: 'leaves its node' });
        }
      } else if (!inside(l.box, view)) {
        counts.outside++;
        problems.push({ diagram: name, label: l.text, problem: 'leaves the drawing' });
      }
      if (!inside(l.box, frameFull)) {
        counts.cut++;
        problems.push({
          diagram: name,
          label: l.text,
          problem: 'is cut at the frame (cannot be scrolled to)',
        });
      }
    }

    // Text on text.
    for (let i = 0; i < labels.length; i++) {
      for (let j = i + 1; j < labels.length; j++) {
        const a = labels[i];
        const b = labels[j];
        if (a && b && intersects(a.box, b.box)) {
          counts.overlap++;
          problems.push({ diagram: name, label: a.text, problem: `overlaps the label "${b.text}"` });
        }
      }
    }
    // Text on a shape that is not its own (a group body is not a shape here).
    for (const l of labels) {
      for (const s of shapes) {
        if (s.owner === l.owner || s.owner.matches('g.subgraph')) continue;
        if (intersects(l.box, s.box)) {
          counts.overlap++;
          problems.push({
            diagram: name,
            label: l.text,
            problem: `overlaps the ${s.owner.getAttribute('class')?.split(' ')[0] ?? 'shape'} "${s.owner.textContent.trim()}"`,
          });
        }
      }
    }
    // Shapes on shapes (notes on notes, nodes on nodes, labels on nodes).
    for (let i = 0; i < shapes.length; i++) {
      for (let j = i + 1; j < shapes.length; j++) {
        const a = shapes[i];
        const b = shapes[j];
        if (!a || !b || a.owner.matches('g.subgraph') || b.owner.matches('g.subgraph')) continue;
        if (intersects(a.box, b.box)) {
          counts.overlap++;
          problems.push({
            diagram: name,
            label: a.owner.textContent.trim(),
            problem: `its box overlaps the box of "${b.owner.textContent.trim()}"`,
          });
        }
      }
    }
    // Lines (edges, message arrows) through a text that is not theirs.
    const lines = Array.from(
      svg.querySelectorAll('polyline.edge, g.message > line, g.message > path, g.message > polyline'),
    );
    for (const line of lines) {
      const pts = linePoints(/** @type {SVGGraphicsElement} */ (line));
      const from = line.getAttribute('data-from') ?? line.parentElement?.getAttribute('data-from');
      const to = line.getAttribute('data-to') ?? line.parentElement?.getAttribute('data-to');
      for (const l of labels) {
        if (l.owner && (l.owner === line.parentElement || l.owner.matches('g.subgraph'))) continue;
        // An edge's own label sits on it.
        if (
          l.owner?.matches('g.edge-label') &&
          l.owner.getAttribute('data-from') === from &&
          l.owner.getAttribute('data-to') === to
        )
          continue;
        for (let k = 0; k + 1 < pts.length; k++) {
          const p = pts[k];
          const q = pts[k + 1];
          if (p && q && segmentHits(p, q, l.box)) {
            counts.overlap++;
            problems.push({
              diagram: name,
              label: l.text,
              problem: `is crossed by the ${line.matches('polyline.edge') ? `edge ${from} → ${to}` : `message "${line.parentElement?.getAttribute('data-label') ?? ''}"`}`,
            });
            break;
          }
        }
      }
    }
  }
  if (counts.minPx === Infinity) counts.minPx = 0;
  return { counts, problems };
}
