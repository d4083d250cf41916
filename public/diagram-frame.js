// @ts-check
/**
 * The diagram frame (diagramFigure() in the build-time diagram renderer): loaded only by pages that
 * draw a diagram, once however many they draw (a module runs once per URL).
 *
 * Diagrams are drawn at their natural size, never shrunk to the column. When one is wider than
 * its frame (or taller, where a widget caps the frame's height), this script makes the frame a
 * keyboard-focusable scroll region named after the
 * diagram, says that it scrolls, and shows "Open full size": a modal <dialog> with the drawing at
 * its full size, scrollable both ways. Escape or Close closes it and focus returns to the button.
 * Without JavaScript the frame still scrolls and its edge shadows still show there is more.
 * Its styles (public/diagram-frame.css) are linked from here, so only pages with diagrams load them.
 */
const FIGURE = 'figure.rf-diagram';

/** @param {HTMLElement} figure */
function setUp(figure) {
  if (figure.dataset['rfFrame'] === 'ready') return;
  figure.dataset['rfFrame'] = 'ready';
  const canvas = /** @type {HTMLElement | null} */ (figure.querySelector(':scope > .rf-diagram-canvas'));
  const hint = /** @type {HTMLElement | null} */ (
    figure.querySelector(':scope > .rf-diagram-bar .rf-diagram-hint')
  );
  const open = /** @type {HTMLButtonElement | null} */ (
    figure.querySelector(':scope > .rf-diagram-bar .rf-diagram-open')
  );
  const svg = canvas?.querySelector('svg');
  if (!canvas || !hint || !open || !svg) return;
  const title = svg.querySelector('title')?.textContent.trim() || 'Diagram';

  const update = () => {
    const wide = canvas.scrollWidth > canvas.clientWidth + 1;
    // A frame may also be capped in height (the stepper's): that scrolls too.
    const tall = canvas.scrollHeight > canvas.clientHeight + 1;
    const overflowing = wide || tall;
    if (overflowing) {
      canvas.tabIndex = 0;
      canvas.setAttribute('role', 'region');
      canvas.setAttribute('aria-label', `${title} (${wide ? 'scrolls sideways' : 'scrolls'})`);
      hint.textContent = wide ? 'Wider than the page: scroll sideways, or' : 'Scroll inside the frame, or';
    } else {
      canvas.removeAttribute('tabindex');
      canvas.removeAttribute('role');
      canvas.removeAttribute('aria-label');
    }
    hint.hidden = !overflowing;
    open.hidden = !overflowing;
    figure.classList.toggle('rf-diagram-overflowing', overflowing);
  };
  new ResizeObserver(update).observe(canvas);
  update();

  open.addEventListener('click', () => {
    const dialog = document.createElement('dialog');
    dialog.className = 'rf-diagram-dialog';
    const suffix = `-full${String(Date.now() % 100000)}`;
    const headingId = `${figure.dataset['diagram'] ?? 'rf-diagram'}${suffix}-heading`;
    dialog.setAttribute('aria-labelledby', headingId);
    const inner = document.createElement('div');
    inner.className = 'rf-diagram-dialog-inner';
    const header = document.createElement('header');
    const heading = document.createElement('h2');
    heading.id = headingId;
    heading.textContent = title;
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'rf-diagram-open';
    close.textContent = 'Close';
    close.addEventListener('click', () => {
      dialog.close();
    });
    header.append(heading, close);
    const frame = document.createElement('div');
    frame.className = 'rf-diagram-canvas';
    frame.tabIndex = 0;
    frame.setAttribute('role', 'region');
    frame.setAttribute('aria-label', `${title} (full size)`);
    // The copy gets its own element ids (arrow markers, title), so the page has no duplicates.
    const copy = /** @type {SVGSVGElement} */ (svg.cloneNode(true));
    for (const el of copy.querySelectorAll('[id]')) el.id += suffix;
    for (const el of [copy, ...copy.querySelectorAll('*')]) {
      for (const attr of Array.from(el.attributes)) {
        if (/url\(#/.test(attr.value))
          el.setAttribute(attr.name, attr.value.replace(/url\(#([^)]+)\)/g, `url(#$1${suffix})`));
        else if (attr.name === 'href' && attr.value.startsWith('#'))
          el.setAttribute(attr.name, attr.value + suffix);
        else if (attr.name === 'aria-labelledby' || attr.name === 'aria-describedby') {
          el.setAttribute(
            attr.name,
            attr.value
              .split(/\s+/)
              .map((id) => id + suffix)
              .join(' '),
          );
        }
      }
    }
    // Inherit the figure's classes (trace marks, the stepper's current node are on the SVG's own elements).
    const wrap = document.createElement('div');
    wrap.className = figure.className;
    wrap.append(frame);
    frame.append(copy);
    inner.append(header, wrap);
    dialog.append(inner);
    dialog.addEventListener('click', (event) => {
      if (event.target === dialog) dialog.close();
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      open.focus();
    });
    document.body.append(dialog);
    dialog.showModal();
    close.focus();
  });
}

// Every diagram is in the HTML when the page loads (widgets mark them, they never add them); a
// ResizeObserver per frame follows a frame that is shown or resized later.
const all = () => {
  for (const figure of document.querySelectorAll(FIGURE)) setUp(/** @type {HTMLElement} */ (figure));
};

/** The frame's styles (beside this file, so the site works under any base path), then the frames. */
const styles = new URL('./diagram-frame.css', import.meta.url).href;
if (
  [...document.querySelectorAll('link[rel="stylesheet"]')].some(
    (l) => /** @type {HTMLLinkElement} */ (l).href === styles,
  )
) {
  all();
} else {
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = styles;
  // Buttons stay hidden until their styles are in; without them (an error) the frames still scroll.
  link.addEventListener('load', all, { once: true });
  document.head.append(link);
}
