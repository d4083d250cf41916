/**
 * The Interleaving explorer in the browser (src/components/InterleavingExplorer.astro), full and
 * compact. This module carries no model code: it reads the form, keeps the selection in the URL
 * hash and, on Explore (or on load, when the hash names a selection other than the one the build
 * rendered), starts ./worker — the model's explorer and the renderer — as a Web Worker. The worker
 * posts the counts as it goes; Cancel and the wall-clock limit terminate it (a fresh one starts
 * for the next run).
 */
import {
  sameSelection,
  selectionFromHash,
  selectionToHash,
  VARIANT_CHOICES,
  type ChoiceSpace,
  type Selection,
  type VariantChoice,
} from './choices';
import type { LinkTargets, Progress, Reply, Request, WorkerMessage } from './protocol';
import { elementFinder } from '../dom';

type Query = Request extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

/** Milliseconds the worker may take to load the model (the run's own limit starts after that). */
const LOAD_LIMIT_MS = 30_000;

/** Why a run ended without a reply. */
class Stopped extends Error {
  constructor(
    readonly reason: 'cancelled' | 'timeout' | 'crash',
    message: string,
  ) {
    super(message);
  }
}

interface Current {
  readonly id: number;
  readonly resolve: (r: Reply) => void;
  readonly reject: (e: Stopped) => void;
  readonly onProgress: (p: Progress) => void;
  readonly limitMs: number;
  readonly message: Request;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** One worker, one exploration at a time; terminated on cancel, on timeout and on a crash. */
class ExplorerWorker {
  #worker: Worker | null = null;
  #ready = false;
  #next = 0;
  #current: Current | null = null;
  #loadTimer: ReturnType<typeof setTimeout> | undefined;

  #get(): Worker {
    if (this.#worker) return this.#worker;
    const w = new Worker(new URL('./worker.ts', import.meta.url), {
      type: 'module',
      name: 'realmfault-interleavings',
    });
    this.#ready = false;
    w.onmessage = (e: MessageEvent<WorkerMessage>) => {
      const data = e.data;
      if ('ready' in data) {
        this.#ready = true;
        clearTimeout(this.#loadTimer);
        if (this.#current) this.#send(w, this.#current);
        return;
      }
      const cur = this.#current;
      if (!cur || cur.id !== data.id) return;
      if ('progress' in data) cur.onProgress(data.progress);
      else {
        clearTimeout(cur.timer);
        this.#current = null;
        cur.resolve(data.reply);
      }
    };
    w.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      this.#stop(new Stopped('crash', `The explorer's worker failed (${e.message || 'no details'}).`));
    };
    this.#loadTimer = setTimeout(() => {
      this.#stop(
        new Stopped('crash', `The explorer's worker did not load within ${String(LOAD_LIMIT_MS / 1000)} s.`),
      );
    }, LOAD_LIMIT_MS);
    this.#worker = w;
    return w;
  }

  #send(w: Worker, cur: Current): void {
    // The limit counts from the moment the model has loaded.
    cur.timer = setTimeout(() => {
      this.#stop(
        new Stopped(
          'timeout',
          `Stopped: the exploration took longer than ${String(cur.limitMs / 1000)} s, so its worker was terminated. Lower the bound, or run it with npx realmfault explore.`,
        ),
      );
    }, cur.limitMs);
    w.postMessage(cur.message);
  }

  #stop(error: Stopped): void {
    clearTimeout(this.#loadTimer);
    this.#worker?.terminate();
    this.#worker = null;
    this.#ready = false;
    const cur = this.#current;
    this.#current = null;
    if (cur) {
      clearTimeout(cur.timer);
      cur.reject(error);
    }
  }

  get busy(): boolean {
    return this.#current !== null;
  }

  cancel(): void {
    this.#stop(new Stopped('cancelled', 'Cancelled: the exploration was stopped and its worker terminated.'));
  }

  run(query: Query, limitMs: number, onProgress: (p: Progress) => void): Promise<Reply> {
    if (this.#current) this.cancel();
    const w = this.#get();
    const id = ++this.#next;
    return new Promise<Reply>((resolve, reject) => {
      const cur: Current = {
        id,
        resolve,
        reject,
        onProgress,
        limitMs,
        message: { ...query, id },
        timer: undefined,
      };
      this.#current = cur;
      if (this.#ready) this.#send(w, cur);
    });
  }
}

const required = elementFinder('interleaving explorer');
const worker = new ExplorerWorker();

/** The run controls and output every form of the widget has. */
function runner(root: HTMLElement) {
  const out = required(root, '.rf-ix-out', HTMLElement);
  const status = required(root, '.rf-ix-status', HTMLElement);
  const runButton = required(root, 'button.rf-ix-run', HTMLButtonElement);
  const cancel = required(root, 'button.rf-ix-cancel', HTMLButtonElement);
  const progressRow = required(root, '.rf-ix-progress', HTMLElement);
  const progressText = required(root, '.rf-ix-progress-text', HTMLElement);
  const targets = JSON.parse(root.dataset['targets'] ?? '{}') as LinkTargets;

  const showError = (message: string): void => {
    const p = document.createElement('p');
    p.className = 'rf-ix-error';
    p.textContent = message;
    out.replaceChildren(p);
    root.dataset['state'] = 'error';
    status.textContent = message;
  };
  const finish = (): void => {
    root.removeAttribute('aria-busy');
    progressRow.hidden = true;
    cancel.hidden = true;
    runButton.disabled = false;
    root.dataset['runs'] = String(Number(root.dataset['runs'] ?? '0') + 1);
  };

  cancel.addEventListener('click', () => {
    worker.cancel();
  });

  const run = (query: Query): void => {
    root.setAttribute('aria-busy', 'true');
    root.dataset['state'] = 'running';
    progressRow.hidden = false;
    progressText.textContent = 'Loading the model…';
    cancel.hidden = false;
    runButton.disabled = true;
    status.textContent = 'Exploring…';
    const limitMs = Number(root.dataset['timeLimitMs'] ?? '20000');
    worker
      .run(query, limitMs, (p) => {
        const which = p.runs > 1 ? `exploration ${String(p.run)} of ${String(p.runs)}: ` : '';
        progressText.textContent = `${which}${String(p.states)} states, ${String(p.actions)} actions, ${String(p.steps)} steps so far`;
      })
      .then(
        (reply) => {
          finish();
          if (reply.ok) {
            out.innerHTML = reply.html;
            root.dataset['state'] = 'done';
            status.textContent = reply.announcement;
          } else showError(reply.message);
        },
        (e: unknown) => {
          finish();
          showError(e instanceof Error ? e.message : String(e));
          if (e instanceof Stopped) root.dataset['state'] = e.reason;
        },
      );
  };
  return { run, runButton, targets, out };
}

function initFull(root: HTMLElement): void {
  const space = JSON.parse(required(root, 'script.rf-ix-space', HTMLScriptElement).text) as ChoiceSpace;
  const form = required(root, 'form', HTMLFormElement);
  const scenario = required(root, 'select[name="scenario"]', HTMLSelectElement);
  const bound = required(root, 'input[name="bound"]', HTMLInputElement);
  const boundError = required(root, '.rf-ix-bound-error', HTMLElement);
  const pending = required(root, '.rf-ix-pending', HTMLElement);
  const urlProblems = required(root, '.rf-ix-url-problems', HTMLElement);
  const { run, runButton, targets } = runner(root);
  const defaults = JSON.parse(root.dataset['selection'] ?? '{}') as Selection;
  /** The selection whose result is shown. */
  let shown: Selection = defaults;

  const read = (): Selection | string => {
    const v = form.querySelector<HTMLInputElement>('input[name="variant"]:checked')?.value ?? '';
    const text = bound.value.trim();
    const b = Number(text);
    if (!/^\d+$/.test(text) || b > space.maxBound)
      return `The bound must be a whole number from 0 to ${String(space.maxBound)}.`;
    return {
      scenario: scenario.value,
      variant: (VARIANT_CHOICES as readonly string[]).includes(v) ? (v as VariantChoice) : 'post-v14-review',
      mutations: space.mutations.filter(
        (m) =>
          form.querySelector<HTMLInputElement>(`input[name="mutation"][value="${CSS.escape(m)}"]`)?.checked,
      ),
      bound: b,
    };
  };
  const write = (sel: Selection): void => {
    scenario.value = sel.scenario;
    for (const el of form.querySelectorAll<HTMLInputElement>('input[name="variant"]'))
      el.checked = el.value === sel.variant;
    for (const el of form.querySelectorAll<HTMLInputElement>('input[name="mutation"]'))
      el.checked = sel.mutations.includes(el.value);
    bound.value = String(sel.bound);
  };
  const sync = (): Selection | null => {
    const sel = read();
    if (typeof sel === 'string') {
      boundError.textContent = sel;
      boundError.hidden = false;
      bound.setAttribute('aria-invalid', 'true');
      return null;
    }
    boundError.hidden = true;
    bound.removeAttribute('aria-invalid');
    pending.hidden = sameSelection(sel, shown);
    history.replaceState(history.state, '', `${location.pathname}${location.search}${selectionToHash(sel)}`);
    return sel;
  };
  const explore = (): void => {
    const sel = sync();
    if (sel === null) {
      bound.focus();
      return;
    }
    shown = sel;
    pending.hidden = true;
    run({ kind: 'full', selection: sel, uid: root.id, targets });
  };

  form.addEventListener('change', () => {
    urlProblems.textContent = '';
    sync();
  });
  form.addEventListener('input', () => sync());
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    explore();
  });

  const restore = (): void => {
    const reading = selectionFromHash(location.hash, space, defaults);
    if (!reading.present) return;
    write(reading.selection);
    urlProblems.textContent = reading.problems.length
      ? `This link's selection was partly not understood: ${reading.problems.join(' ')}`
      : '';
    if (!sameSelection(reading.selection, shown)) explore();
  };
  window.addEventListener('hashchange', restore);
  runButton.disabled = false;
  restore();
  root.dataset['ready'] = 'true';
}

function initCompact(root: HTMLElement): void {
  const { run, runButton, targets } = runner(root);
  const selection = JSON.parse(root.dataset['selection'] ?? '{}') as Selection;
  const mutations = JSON.parse(root.dataset['mutations'] ?? '[]') as string[];
  runButton.addEventListener('click', () => {
    run({ kind: 'compact', selection, mutations, uid: root.id, targets });
  });
  runButton.disabled = false;
  root.dataset['ready'] = 'true';
}

for (const root of document.querySelectorAll<HTMLElement>('[data-rf-widget="interleavings"]')) initFull(root);
for (const root of document.querySelectorAll<HTMLElement>('[data-rf-widget="interleavings-compact"]'))
  initCompact(root);
