/**
 * The stepper's client: one step of a trace at a time, with the diagram node of the running
 * function, the model source line, the event's prose and the state folded up to the step, all in
 * sync. Loaded with import() when a stepper becomes visible or focused (src/components/Stepper.astro),
 * and by the playground, which mounts it on a trace computed in the browser (`mountStepper`).
 *
 * Keyboard: ←/→/Home/End anywhere inside the widget (outside form fields), and the buttons.
 * Buttons at a bound are aria-disabled (not disabled) so focus never falls off the widget.
 */
import { esc, foldState, stateHtml } from './state';
import type { SourceSlice, StepperData } from './types';
import { provideModule } from '../lazy-module';

export interface MountOptions {
  /** Keep the step in the URL hash (`#<root id>=<step>`) and restore it from there. */
  readonly permalink?: boolean;
  /** What "Copy link" copies; default: the page URL with this stepper's hash. */
  readonly linkFor?: (step: number) => string;
}

export interface StepperHandle {
  /** Show step `i` (0-based, clamped). */
  go(i: number): void;
  readonly count: number;
  /** Remove listeners (the playground remounts on every run). */
  destroy(): void;
}

const q = (root: ParentNode, sel: string): HTMLElement => {
  const el = root.querySelector<HTMLElement>(sel);
  if (el === null) throw new Error(`stepper: ${sel} missing from the widget markup`);
  return el;
};

function sourceHtml(slice: SourceSlice): string {
  const rows = slice.lines
    .map((text, i) => {
      const n = slice.start + i;
      return `<span class="rf-src-line" data-line="${String(n)}"><span class="rf-src-ln" aria-hidden="true">${String(n)}</span>${esc(text)}</span>`;
    })
    .join('');
  return rows;
}

/** The hash this stepper uses, and the step it names (1-based in the URL), if any. */
export function hashStep(rootId: string, hash: string): number | null {
  const m = new RegExp(`^#${rootId.replace(/[^\w-]/g, '')}=(\\d+)$`).exec(hash);
  return m?.[1] === undefined ? null : Number(m[1]) - 1;
}

/** Mount a stepper on `root` (markup of Stepper.astro / Playground.astro) with `data`. */
export function mountStepper(
  root: HTMLElement,
  data: StepperData,
  options: MountOptions = {},
): StepperHandle {
  const count = data.steps.length;
  const status = q(root, '.rf-stepper-status');
  const live = q(root, '.rf-stepper-live');
  const prose = q(root, '.rf-stepper-prose');
  const more = q(root, '.rf-stepper-more');
  const srcTitle = q(root, '.rf-stepper-src-title');
  const srcPre = q(root, '.rf-stepper-src');
  const srcCode = q(srcPre, 'code');
  const state = q(root, '.rf-stepper-state');
  const copied = q(root, '.rf-stepper-copied');
  const buttons = [...root.querySelectorAll<HTMLButtonElement>('button[data-act]')];
  let shownFn: string | null | undefined;
  let current = 0;

  for (const el of root.querySelectorAll<HTMLElement>('.rf-stepper-ui')) el.hidden = false;
  const list = root.querySelector<HTMLElement>('.rf-stepper-list');
  if (list !== null) list.hidden = true;

  const stepRange = (i: number): [number, number] => [
    data.steps[i] ?? 0,
    (data.steps[i + 1] ?? data.events.length) - 1,
  ];

  const markNode = (node: string | null): void => {
    for (const el of root.querySelectorAll('.rf-current')) {
      el.classList.remove('rf-current');
      el.removeAttribute('aria-current');
    }
    if (node === null) return;
    // A function can appear in several views of the overview (the playground draws them all).
    const all = [...root.querySelectorAll<SVGGElement>(`[data-fn="${CSS.escape(node)}"]`)];
    for (const el of all) {
      el.classList.add('rf-current');
      el.setAttribute('aria-current', 'step');
    }
    const el = all[0];
    if (el === undefined) return;
    // Scroll the diagram box (not the page) so the node is in view.
    const box = el.closest<HTMLElement>('.rf-diagram-canvas');
    if (box !== null) {
      const b = box.getBoundingClientRect();
      const r = el.getBoundingClientRect();
      if (r.left < b.left || r.right > b.right) box.scrollLeft += r.left - b.left - (b.width - r.width) / 2;
      if (r.top < b.top || r.bottom > b.bottom) box.scrollTop += r.top - b.top - (b.height - r.height) / 2;
    }
  };

  const showSource = (fn: string | null, line: number | null): void => {
    const slice = fn === null ? undefined : data.sources[fn];
    if (fn !== shownFn) {
      shownFn = fn;
      if (slice === undefined) {
        srcTitle.textContent = 'No model function is running: this event is at the scenario level.';
        srcCode.innerHTML = '';
        srcPre.hidden = true;
      } else {
        const mirrors =
          slice.cFile === null ? 'a helper of the model' : `mirrors ${slice.name}() in ${slice.cFile}`;
        srcTitle.innerHTML = `Model source: <code>${esc(slice.name)}</code> in <code>${esc(slice.model)}</code> (${esc(mirrors)})`;
        srcCode.innerHTML = sourceHtml(slice);
        srcPre.hidden = false;
      }
    }
    for (const el of srcCode.querySelectorAll('.rf-src-current')) el.classList.remove('rf-src-current');
    if (slice === undefined || line === null) return;
    const el = srcCode.querySelector<HTMLElement>(`[data-line="${String(line)}"]`);
    if (el === null) return;
    el.classList.add('rf-src-current');
    const top = el.offsetTop - srcPre.clientHeight / 2;
    srcPre.scrollTop = Math.max(0, top);
  };

  const link = (i: number): string => {
    if (options.linkFor) return options.linkFor(i);
    const u = new URL(location.href);
    u.hash = `${root.id}=${String(i + 1)}`;
    return u.href;
  };

  const show = (i: number, fromUser: boolean): void => {
    current = Math.max(0, Math.min(count - 1, i));
    const [first, last] = stepRange(current);
    const loc = data.loc[first] ?? { fn: null, line: null, node: null };
    const text = data.prose[first] ?? '';
    status.textContent = `Step ${String(current + 1)} of ${String(count)}`;
    prose.textContent = text;
    live.textContent = `Step ${String(current + 1)} of ${String(count)}: ${text}`;
    const rest = data.prose.slice(first + 1, last + 1);
    more.hidden = rest.length === 0;
    more.innerHTML =
      rest.length === 0
        ? ''
        : `<p>Also in this step:</p><ul>${rest.map((p) => `<li><code>${esc(p)}</code></li>`).join('')}</ul>`;
    markNode(loc.node);
    showSource(loc.fn, loc.line);
    state.innerHTML = stateHtml(foldState(data.events, last), [first, last]);
    for (const b of buttons) {
      const act = b.dataset['act'];
      const atStart = current === 0 && (act === 'first' || act === 'prev');
      const atEnd = current === count - 1 && (act === 'next' || act === 'last');
      if (atStart || atEnd) b.setAttribute('aria-disabled', 'true');
      else b.removeAttribute('aria-disabled');
    }
    root.dataset['step'] = String(current);
    // Only a reader's own navigation rewrites the URL (mounting must not replace an anchor).
    if (fromUser && options.permalink === true) history.replaceState(history.state, '', link(current));
  };
  const go = (i: number): void => {
    show(i, true);
  };

  const onClick = (ev: MouseEvent): void => {
    const b = (ev.target as Element | null)?.closest<HTMLButtonElement>('button[data-act]');
    if (b === null || b === undefined || !root.contains(b)) return;
    if (b.getAttribute('aria-disabled') === 'true') return;
    switch (b.dataset['act']) {
      case 'first':
        go(0);
        break;
      case 'prev':
        go(current - 1);
        break;
      case 'next':
        go(current + 1);
        break;
      case 'last':
        go(count - 1);
        break;
      case 'copy':
        void copyLink();
        break;
      default:
        break;
    }
  };

  const copyLink = async (): Promise<void> => {
    const href = link(current);
    try {
      await navigator.clipboard.writeText(href);
      copied.textContent = 'Link copied';
    } catch {
      copied.textContent = `Copy this link: ${href}`;
    }
  };

  const onKey = (ev: KeyboardEvent): void => {
    const t = ev.target as HTMLElement | null;
    if (t !== null && t.closest('input, textarea, select, [contenteditable="true"]') !== null) return;
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    const to: Record<string, number> = {
      ArrowLeft: current - 1,
      ArrowRight: current + 1,
      Home: 0,
      End: count - 1,
    };
    const target = to[ev.key];
    if (target === undefined) return;
    ev.preventDefault();
    go(target);
  };

  root.addEventListener('click', onClick);
  root.addEventListener('keydown', onKey);
  const fromHash = options.permalink === true ? hashStep(root.id, location.hash) : null;
  show(fromHash ?? 0, false);
  root.dataset['mounted'] = 'true';
  return {
    go,
    count,
    destroy(): void {
      root.removeEventListener('click', onClick);
      root.removeEventListener('keydown', onKey);
    },
  };
}

/** Mount a build-time stepper from the JSON in its markup. */
export function mountFromPage(root: HTMLElement): StepperHandle {
  const json = q(root, 'script.rf-stepper-data').textContent;
  return mountStepper(root, JSON.parse(json) as StepperData, { permalink: true });
}

// Loaded as a standalone module (src/lazy-module.ts): hand the API to loadModule().
provideModule('stepper-client', { mountFromPage, mountStepper });
