/**
 * The Replay widget in the browser (src/components/LogReplay.astro). This module carries no model
 * code: it reads the form (the text box, a chosen or dropped file, the IPA width and the variant),
 * keeps short logs in the URL hash (link.ts) and, on Run, starts ./worker — the model's replay and
 * the renderer — as a Web Worker. The worker reads the log in slices and posts its progress; it
 * keeps the result, and this module asks it for what is on screen: a window of rows of the
 * virtualised line list (only the visible rows plus a margin are in the DOM), the detail of the
 * selected line, more episodes. Cancel and the wall-clock limit terminate the worker, and the
 * result goes with it. Nothing is sent anywhere: the log stays in the browser.
 */
import { elementFinder } from '../dom';
import { decodeReplayLink, DEFAULT_SETTINGS, encodeReplayLink, MAX_LINK_BYTES, utf8Bytes } from './link';
import {
  VARIANT_CHOICES,
  type LinkTargets,
  type Progress,
  type Query,
  type ReplayInput,
  type ReplaySettings,
  type Reply,
  type VariantChoice,
  type WorkerMessage,
} from './protocol';

/** Milliseconds the worker may take to load the model (a run's own limit starts after that). */
const LOAD_LIMIT_MS = 30_000;
/** Milliseconds a question about a kept result (rows, detail, episodes) may take. */
const QUERY_LIMIT_MS = 15_000;
/** Rows rendered above and below the visible ones. */
const MARGIN_ROWS = 20;
/** The line list's scroll height is capped here; longer lists scroll proportionally. */
const MAX_SCROLL_PX = 8_000_000;
/** Episodes asked for by "Show more". */
const EPISODE_PAGE = 25;

/** Why a request ended without a reply. */
class Stopped extends Error {
  constructor(
    readonly reason: 'cancelled' | 'timeout' | 'crash',
    message: string,
  ) {
    super(message);
  }
}

interface Pending {
  readonly resolve: (r: Reply) => void;
  readonly reject: (e: Stopped) => void;
  readonly onProgress: ((p: Progress) => void) | undefined;
  readonly limitMs: number;
  readonly timeoutMessage: string;
  readonly message: Query & { readonly id: number };
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** One worker, started on first Run; it keeps the last result until it is terminated. */
class ReplayWorker {
  #worker: Worker | null = null;
  #ready = false;
  #next = 0;
  readonly #pending = new Map<number, Pending>();
  #loadTimer: ReturnType<typeof setTimeout> | undefined;
  /** Called when the worker (and the result it kept) is gone. */
  onLost: (() => void) | null = null;

  #get(): Worker {
    if (this.#worker) return this.#worker;
    const w = new Worker(new URL('./worker.ts', import.meta.url), {
      type: 'module',
      name: 'realmfault-replay',
    });
    this.#ready = false;
    w.onmessage = (e: MessageEvent<WorkerMessage>) => {
      const data = e.data;
      if ('ready' in data) {
        this.#ready = true;
        clearTimeout(this.#loadTimer);
        for (const p of this.#pending.values()) this.#send(w, p);
        return;
      }
      const p = this.#pending.get(data.id);
      if (!p) return;
      if ('progress' in data) {
        p.onProgress?.(data.progress);
        return;
      }
      clearTimeout(p.timer);
      this.#pending.delete(data.id);
      p.resolve(data.reply);
    };
    w.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      this.#stop(new Stopped('crash', `The replay's worker failed (${e.message || 'no details'}).`));
    };
    this.#loadTimer = setTimeout(() => {
      this.#stop(
        new Stopped('crash', `The replay's worker did not load within ${String(LOAD_LIMIT_MS / 1000)} s.`),
      );
    }, LOAD_LIMIT_MS);
    this.#worker = w;
    return w;
  }

  #send(w: Worker, p: Pending): void {
    p.timer = setTimeout(() => {
      this.#stop(new Stopped('timeout', p.timeoutMessage));
    }, p.limitMs);
    w.postMessage(p.message);
  }

  #stop(error: Stopped): void {
    clearTimeout(this.#loadTimer);
    const had = this.#worker !== null;
    this.#worker?.terminate();
    this.#worker = null;
    this.#ready = false;
    const waiting = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of waiting) {
      clearTimeout(p.timer);
      p.reject(error);
    }
    if (had) this.onLost?.();
  }

  get alive(): boolean {
    return this.#worker !== null;
  }

  cancel(): void {
    this.#stop(
      new Stopped(
        'cancelled',
        'Cancelled: the replay was stopped and its worker terminated; nothing was kept.',
      ),
    );
  }

  request(
    query: Query,
    limitMs: number,
    timeoutMessage: string,
    onProgress?: (p: Progress) => void,
  ): Promise<Reply> {
    const w = this.#get();
    const id = ++this.#next;
    return new Promise<Reply>((resolve, reject) => {
      const p: Pending = {
        resolve,
        reject,
        onProgress,
        limitMs,
        timeoutMessage,
        message: { ...query, id },
        timer: undefined,
      };
      this.#pending.set(id, p);
      if (this.#ready) this.#send(w, p);
    });
  }
}

const required = elementFinder('log replay');

const kib = (bytes: number): string =>
  bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
const num = (x: number): string => x.toLocaleString('en-GB');

/**
 * The virtualised line list: a listbox whose scroll height stands for every line, with only the
 * rows in view (and MARGIN_ROWS either side) in the DOM, fetched from the worker as the reader
 * scrolls. Rows have one fixed height (--rf-rp-row, from the font size).
 */
class LineList {
  readonly #viewport: HTMLElement;
  readonly #sizer: HTMLElement;
  readonly #win: HTMLElement;
  readonly #total: number;
  readonly #fetch: (from: number, count: number) => Promise<string | null>;
  readonly #onSelect: (index: number) => void;
  #rowPx = 28;
  #height = 0;
  /** The rows in the DOM: [from, to). */
  #from = 0;
  #to = 0;
  #fetching = false;
  #again = false;
  #frame = 0;
  /** Removes the window listener when the list is replaced. */
  readonly #abort = new AbortController();
  selected = -1;

  constructor(
    viewport: HTMLElement,
    total: number,
    fetch: (from: number, count: number) => Promise<string | null>,
    onSelect: (index: number) => void,
  ) {
    this.#viewport = viewport;
    this.#sizer = required(viewport, '.rf-rp-sizer', HTMLElement);
    this.#win = required(viewport, '.rf-rp-window', HTMLElement);
    this.#total = total;
    this.#fetch = fetch;
    this.#onSelect = onSelect;
    this.#layout();
    viewport.addEventListener('scroll', () => {
      this.#schedule();
    });
    viewport.addEventListener('keydown', (e) => {
      this.#key(e);
    });
    viewport.addEventListener('click', (e) => {
      const row = (e.target as Element | null)?.closest<HTMLElement>('.rf-rp-row');
      if (!row) return;
      this.select(Number(row.dataset['index']), false);
      viewport.focus({ preventScroll: true });
    });
    window.addEventListener(
      'resize',
      () => {
        this.#layout();
        this.#schedule();
      },
      { signal: this.#abort.signal },
    );
    this.#update();
  }

  #layout(): void {
    const font = parseFloat(getComputedStyle(this.#viewport).fontSize) || 16;
    this.#rowPx = Math.round(font * 1.75);
    this.#viewport.style.setProperty('--rf-rp-row', `${String(this.#rowPx)}px`);
    this.#height = Math.min(this.#total * this.#rowPx, MAX_SCROLL_PX);
    // A short log: the list is as tall as its rows (plus the border), not the default height.
    this.#viewport.style.height = '';
    if (this.#height < this.#viewport.clientHeight)
      this.#viewport.style.height = `${String(this.#height + this.#viewport.offsetHeight - this.#viewport.clientHeight)}px`;
    this.#sizer.style.height = `${String(this.#height)}px`;
  }

  /** Stop following the window (the list's elements are being replaced). */
  dispose(): void {
    this.#abort.abort();
    cancelAnimationFrame(this.#frame);
  }

  /** How many rows fit in the viewport. */
  get #visible(): number {
    return Math.max(1, Math.floor(this.#viewport.clientHeight / this.#rowPx));
  }

  /** The fractional index of the row at the top of the viewport. */
  #firstExact(): number {
    const maxTop = this.#height - this.#viewport.clientHeight;
    const rows = Math.max(0, this.#total - this.#viewport.clientHeight / this.#rowPx);
    if (maxTop <= 0) return 0;
    return (Math.min(this.#viewport.scrollTop, maxTop) / maxTop) * rows;
  }

  /** Scroll so that the row at fractional index `first` is at the top. */
  #scrollToFirst(first: number): void {
    const maxTop = this.#height - this.#viewport.clientHeight;
    const rows = Math.max(0, this.#total - this.#viewport.clientHeight / this.#rowPx);
    this.#viewport.scrollTop = rows <= 0 ? 0 : (first / rows) * maxTop;
  }

  #schedule(): void {
    if (this.#frame !== 0) return;
    this.#frame = requestAnimationFrame(() => {
      this.#frame = 0;
      this.#update();
    });
  }

  #position(): void {
    const top = this.#viewport.scrollTop + (this.#from - this.#firstExact()) * this.#rowPx;
    this.#win.style.transform = `translateY(${String(Math.max(0, top))}px)`;
  }

  #update(): void {
    const first = Math.floor(this.#firstExact());
    const last = Math.min(this.#total, first + this.#visible + 1);
    if (first >= this.#from && last <= this.#to) {
      this.#position();
      return;
    }
    if (this.#fetching) {
      this.#again = true;
      return;
    }
    const from = Math.max(0, first - MARGIN_ROWS);
    const to = Math.min(this.#total, last + MARGIN_ROWS);
    this.#fetching = true;
    this.#viewport.setAttribute('aria-busy', 'true');
    void this.#fetch(from, to - from).then((html) => {
      this.#fetching = false;
      this.#viewport.removeAttribute('aria-busy');
      if (html === null) return;
      this.#win.innerHTML = html;
      this.#from = from;
      this.#to = to;
      this.#mark();
      this.#position();
      if (this.#again) {
        this.#again = false;
        this.#update();
      }
    });
  }

  /** Mark the selected row (if it is in the DOM) and point aria-activedescendant at it. */
  #mark(): void {
    let active: HTMLElement | null = null;
    for (const row of this.#win.querySelectorAll<HTMLElement>('.rf-rp-row')) {
      const on = Number(row.dataset['index']) === this.selected;
      row.setAttribute('aria-selected', String(on));
      if (on) active = row;
    }
    if (active) this.#viewport.setAttribute('aria-activedescendant', active.id);
    else this.#viewport.removeAttribute('aria-activedescendant');
  }

  /** Select the line at `index` (0-based), scroll it into view if asked, and show its detail. */
  select(index: number, scroll = true): void {
    if (this.#total === 0) return;
    const i = Math.max(0, Math.min(this.#total - 1, index));
    this.selected = i;
    if (scroll) {
      const first = this.#firstExact();
      const visible = this.#viewport.clientHeight / this.#rowPx;
      if (i < first) this.#scrollToFirst(i);
      else if (i + 1 > first + visible) this.#scrollToFirst(i + 1 - visible);
    }
    this.#mark();
    this.#update();
    this.#onSelect(i);
  }

  #key(e: KeyboardEvent): void {
    const page = Math.max(1, this.#visible - 1);
    const from = this.selected < 0 ? Math.floor(this.#firstExact()) - 1 : this.selected;
    let to: number;
    switch (e.key) {
      case 'ArrowDown':
        to = from + 1;
        break;
      case 'ArrowUp':
        to = this.selected < 0 ? from + 1 : from - 1;
        break;
      case 'PageDown':
        to = from + page;
        break;
      case 'PageUp':
        to = from - page;
        break;
      case 'Home':
        to = 0;
        break;
      case 'End':
        to = this.#total - 1;
        break;
      default:
        return;
    }
    e.preventDefault();
    this.select(to);
  }
}

function init(root: HTMLElement): void {
  const uid = root.id;
  const form = required(root, 'form.rf-rp-form', HTMLFormElement);
  const textarea = required(root, 'textarea[name="log"]', HTMLTextAreaElement);
  const fileInput = required(root, 'input[type="file"]', HTMLInputElement);
  const source = required(root, '.rf-rp-source', HTMLElement);
  const clearFile = required(root, 'button.rf-rp-clear-file', HTMLButtonElement);
  const seedButton = required(root, 'button.rf-rp-seed', HTMLButtonElement);
  const bits = required(root, 'input[name="bits"]', HTMLInputElement);
  const bitsError = required(root, '.rf-rp-bits-error', HTMLElement);
  const runButton = required(root, 'button.rf-rp-run', HTMLButtonElement);
  const cancel = required(root, 'button.rf-rp-cancel', HTMLButtonElement);
  const progressRow = required(root, '.rf-rp-progress', HTMLElement);
  const progressBar = required(root, '.rf-rp-progress progress', HTMLProgressElement);
  const progressText = required(root, '.rf-rp-progress-text', HTMLElement);
  const permalink = required(root, '.rf-rp-permalink', HTMLElement);
  const urlProblems = required(root, '.rf-rp-url-problems', HTMLElement);
  const intro = required(root, '.rf-rp-shown', HTMLElement);
  const out = required(root, '.rf-rp-out', HTMLElement);
  const status = required(root, '.rf-rp-status', HTMLElement);
  const seed = (
    JSON.parse(required(root, 'script.rf-rp-seed-log', HTMLScriptElement).text) as { log: string }
  ).log;
  const targets = JSON.parse(root.dataset['targets'] ?? '{}') as LinkTargets;
  const maxBytes = Number(root.dataset['maxBytes'] ?? String(32 * 1024 * 1024));
  const worker = new ReplayWorker();
  let list: LineList | null = null;
  let detailSeq = 0;

  /** Replace the line list (null: no result on screen). */
  const setList = (l: LineList | null): void => {
    list?.dispose();
    list = l;
  };

  const resultLost = (): void => {
    if (list === null) return;
    setList(null);
    const note = out.querySelector('.rf-rp-lost');
    if (note === null) {
      const p = document.createElement('p');
      p.className = 'rf-rp-error rf-rp-lost';
      p.textContent =
        'The worker holding this result was stopped, so its lines can no longer be shown. Run the replay again.';
      out.prepend(p);
    }
  };
  worker.onLost = resultLost;

  // ---- the input: text box, file, drop --------------------------------------------------
  const chosenFile = (): File | null => fileInput.files?.[0] ?? null;
  const describeSource = (): void => {
    const f = chosenFile();
    if (f) {
      source.textContent = `Run reads the file ${f.name} (${kib(f.size)}), not the text box.`;
      clearFile.hidden = false;
    } else {
      const chars = textarea.value.length;
      source.textContent =
        chars === 0
          ? 'Run reads the text box, which is empty.'
          : `Run reads the text box (${num(chars)} characters).`;
      clearFile.hidden = true;
    }
  };
  const dropFile = (): void => {
    fileInput.value = '';
    describeSource();
  };
  fileInput.addEventListener('change', () => {
    textarea.removeAttribute('aria-invalid');
    describeSource();
  });
  clearFile.addEventListener('click', () => {
    dropFile();
    textarea.focus();
  });
  textarea.addEventListener('input', () => {
    textarea.removeAttribute('aria-invalid');
    if (chosenFile()) fileInput.value = '';
    describeSource();
  });
  const dropZone = required(root, '.rf-rp-drop', HTMLElement);
  const hasFiles = (e: DragEvent): boolean => e.dataTransfer?.types.includes('Files') === true;
  dropZone.addEventListener('dragover', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    dropZone.dataset['drag'] = 'true';
  });
  dropZone.addEventListener('dragleave', () => {
    delete dropZone.dataset['drag'];
  });
  dropZone.addEventListener('drop', (e) => {
    delete dropZone.dataset['drag'];
    const files = e.dataTransfer?.files;
    if (!files || files.length === 0) return;
    e.preventDefault();
    fileInput.files = files;
    describeSource();
    status.textContent = `Dropped the file ${files[0]?.name ?? ''}: press Run to read it.`;
  });

  // ---- settings ----------------------------------------------------------------------------
  const readSettings = (): ReplaySettings | null => {
    const text = bits.value.trim();
    const b = Number(text);
    if (!/^\d+$/.test(text) || b < 32 || b > 52) {
      bitsError.textContent = 'The IPA width must be a whole number of bits from 32 to 52.';
      bitsError.hidden = false;
      bits.setAttribute('aria-invalid', 'true');
      return null;
    }
    bitsError.hidden = true;
    bits.removeAttribute('aria-invalid');
    const v = form.querySelector<HTMLInputElement>('input[name="variant"]:checked')?.value ?? '';
    const variant = (VARIANT_CHOICES as readonly string[]).includes(v)
      ? (v as VariantChoice)
      : DEFAULT_SETTINGS.variant;
    return { ipaBits: b, variant };
  };
  const writeSettings = (b: string | null, v: VariantChoice | null): void => {
    bits.value = b ?? String(DEFAULT_SETTINGS.ipaBits);
    const variant = v ?? DEFAULT_SETTINGS.variant;
    for (const el of form.querySelectorAll<HTMLInputElement>('input[name="variant"]'))
      el.checked = el.value === variant;
  };
  bits.addEventListener('input', () => {
    if (bits.hasAttribute('aria-invalid')) readSettings();
  });

  // ---- output ------------------------------------------------------------------------------
  const showError = (message: string, state = 'error'): void => {
    setList(null);
    const p = document.createElement('p');
    p.className = 'rf-rp-error';
    p.textContent = message;
    out.replaceChildren(p);
    intro.hidden = true;
    root.dataset['state'] = state;
    status.textContent = message;
  };
  const ask = (query: Query): Promise<Reply | null> =>
    worker.alive
      ? worker
          .request(
            query,
            QUERY_LIMIT_MS,
            `The replay's worker did not answer within ${String(QUERY_LIMIT_MS / 1000)} s, so it was terminated.`,
          )
          .catch((e: unknown) => {
            if (e instanceof Stopped && e.reason !== 'cancelled') status.textContent = e.message;
            return null;
          })
      : Promise.resolve(null);

  const detailOut = (): HTMLElement | null => out.querySelector<HTMLElement>('.rf-rp-detail-out');
  const showDetail = (index: number): void => {
    const seq = ++detailSeq;
    void ask({ kind: 'detail', index }).then((reply) => {
      const target = detailOut();
      if (seq !== detailSeq || target === null || reply === null) return;
      if (reply.ok && reply.kind === 'detail') target.innerHTML = reply.html;
      else if (!reply.ok) target.textContent = reply.message;
      root.dataset['detail'] = String(index + 1);
    });
  };

  const mount = (total: number): void => {
    const viewport = out.querySelector<HTMLElement>('.rf-rp-viewport');
    if (viewport === null) return;
    setList(
      new LineList(
        viewport,
        total,
        async (from, count) => {
          const reply = await ask({ kind: 'rows', from, count });
          return reply?.ok === true && reply.kind === 'rows' ? reply.html : null;
        },
        showDetail,
      ),
    );
  };

  const moreEpisodes = async (from: number, count: number): Promise<HTMLElement | null> => {
    const reply = await ask({ kind: 'episodes', from, count });
    const box = out.querySelector<HTMLElement>('.rf-rp-episodes');
    if (reply === null || !reply.ok || reply.kind !== 'episodes' || box === null) return null;
    out.querySelector('.rf-rp-more')?.remove();
    const t = document.createElement('template');
    t.innerHTML = reply.html;
    const more = t.content.querySelector('.rf-rp-more');
    more?.remove();
    const first = t.content.querySelector<HTMLElement>('.rf-rp-episode');
    box.append(t.content);
    if (more) box.after(more);
    return first;
  };

  const focusEpisode = (el: HTMLElement): void => {
    const head = el.querySelector<HTMLElement>('.rf-rp-ep-head') ?? el;
    head.tabIndex = -1;
    head.focus();
  };

  out.addEventListener('click', (e) => {
    const t = e.target as Element | null;
    const goto = t?.closest<HTMLElement>('.rf-rp-goto');
    if (goto && list) {
      const viewport = out.querySelector<HTMLElement>('.rf-rp-viewport');
      list.select(Number(goto.dataset['line']) - 1);
      viewport?.scrollIntoView({ block: 'nearest' });
      viewport?.focus({ preventScroll: true });
      return;
    }
    const more = t?.closest<HTMLButtonElement>('.rf-rp-more-button');
    if (more) {
      more.disabled = true;
      void moreEpisodes(Number(more.dataset['from']), EPISODE_PAGE).then((first) => {
        if (first) focusEpisode(first);
        else more.disabled = false;
      });
      return;
    }
    const ep = t?.closest<HTMLElement>('.rf-rp-goto-ep');
    if (ep) {
      const id = Number(ep.dataset['episode']);
      const find = (): HTMLElement | null =>
        out.querySelector<HTMLElement>(`.rf-rp-episode[data-episode="${String(id)}"]`);
      const found = find();
      if (found) {
        focusEpisode(found);
        return;
      }
      const shown = out.querySelectorAll('.rf-rp-episode').length;
      void moreEpisodes(shown, id - shown).then(() => {
        const el = find();
        if (el) focusEpisode(el);
      });
    }
  });

  // ---- running ---------------------------------------------------------------------------
  const finish = (): void => {
    root.removeAttribute('aria-busy');
    progressRow.hidden = true;
    cancel.hidden = true;
    runButton.disabled = false;
    seedButton.disabled = false;
  };

  /** Offer (and write into the address) a permalink for a short text, or say why there is none. */
  const offerLink = async (text: string | null, size: number, settings: ReplaySettings): Promise<void> => {
    const hash = text === null ? null : await encodeReplayLink(text, settings);
    if (hash === null) {
      permalink.textContent = `No permalink for this log: it is ${kib(size)}, and a link carries logs of up to ${String(MAX_LINK_BYTES / 1024)} KiB, since the whole log goes into the address (compressed). Share the file instead.`;
      if (/(^#|&)log=/.test(location.hash))
        history.replaceState(history.state, '', `${location.pathname}${location.search}`);
      return;
    }
    history.replaceState(history.state, '', `${location.pathname}${location.search}${hash}`);
    const a = document.createElement('a');
    a.href = hash;
    a.className = 'rf-rp-link';
    a.textContent = 'link to this log';
    permalink.replaceChildren(
      'This page’s address now holds the log and the settings (compressed; nothing is stored anywhere else): ',
      a,
      '.',
    );
  };

  /** One press of Run, to its end: the result, the link and the messages are all in place. */
  const attempt = async (): Promise<void> => {
    urlProblems.textContent = urlProblems.dataset['keep'] === 'true' ? urlProblems.textContent : '';
    delete urlProblems.dataset['keep'];
    const settings = readSettings();
    if (settings === null) {
      root.dataset['state'] = 'invalid';
      bits.focus();
      return;
    }
    const file = chosenFile();
    let input: ReplayInput;
    let size: number;
    if (file) {
      input = { kind: 'file', file, name: file.name };
      size = file.size;
    } else {
      const text = textarea.value;
      if (text.trim() === '') {
        textarea.setAttribute('aria-invalid', 'true');
        showError(
          "The log is empty: paste log lines into the text box, choose or drop a file, or load the seed's log.",
          'empty',
        );
        return;
      }
      input = { kind: 'text', text };
      size = utf8Bytes(text);
    }
    if (size > maxBytes) {
      showError(
        `The log is ${kib(size)}; the replay reads at most ${kib(maxBytes)}. Cut it to the lines around the faults you want to read.`,
        'input',
      );
      return;
    }
    root.setAttribute('aria-busy', 'true');
    root.dataset['state'] = 'running';
    progressRow.hidden = false;
    progressBar.removeAttribute('value');
    progressText.textContent = 'Loading the model…';
    cancel.hidden = false;
    runButton.disabled = true;
    seedButton.disabled = true;
    status.textContent = 'Reading the log…';
    const limitMs = Number(root.dataset['timeLimitMs'] ?? '60000');
    // A new run replaces the kept result (the worker forgets it as the run starts).
    setList(null);
    try {
      const reply = await worker.request(
        { kind: 'run', input, settings, uid, targets },
        limitMs,
        `Stopped: reading the log took longer than ${String(limitMs / 1000)} s, so its worker was terminated and nothing was kept. Cut the log to the lines around the faults and run it again.`,
        (p) => {
          progressBar.max = Math.max(1, p.total);
          progressBar.value = p.bytes;
          progressText.textContent =
            p.phase === 'reading'
              ? `${kib(p.bytes)} of ${kib(p.total)} read, ${num(p.lines)} lines`
              : `${num(p.lines)} lines read; grouping the fault episodes and running the model’s predictions…`;
          root.dataset['progressLines'] = String(p.lines);
        },
      );
      finish();
      if (!reply.ok) {
        showError(reply.message, reply.kind === 'input' ? 'input' : 'error');
        return;
      }
      if (reply.kind !== 'run') return;
      intro.hidden = true;
      out.innerHTML = reply.html;
      root.dataset['state'] = 'done';
      root.dataset['lines'] = String(reply.lines);
      root.dataset['ms'] = String(Math.round(reply.ms));
      status.textContent = reply.announcement;
      mount(reply.lines);
      const text =
        input.kind === 'text' ? input.text : size <= MAX_LINK_BYTES && file ? await file.text() : null;
      await offerLink(text, size, settings);
    } catch (e) {
      finish();
      const reason = e instanceof Stopped ? e.reason : 'error';
      showError(e instanceof Error ? e.message : String(e), reason);
    }
  };
  /** Run, then count the run (refused ones too) in data-runs, which the tests wait for. */
  const run = async (): Promise<void> => {
    // Enter in a field while a run is going: the run in progress goes on.
    if (root.dataset['state'] === 'running') return;
    try {
      await attempt();
    } finally {
      root.dataset['runs'] = String(Number(root.dataset['runs'] ?? '0') + 1);
    }
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void run();
  });
  cancel.addEventListener('click', () => {
    worker.cancel();
  });
  seedButton.addEventListener('click', () => {
    dropFile();
    textarea.value = seed;
    textarea.removeAttribute('aria-invalid');
    describeSource();
    void run();
  });

  // ---- the permalink -----------------------------------------------------------------------
  const restore = async (): Promise<void> => {
    let link;
    try {
      link = await decodeReplayLink(location.hash);
    } catch (e) {
      showError(e instanceof Error ? e.message : String(e), 'link');
      return;
    }
    if (link === null) return;
    dropFile();
    textarea.value = link.text;
    writeSettings(link.bits, link.variant);
    describeSource();
    urlProblems.textContent = link.problems.join(' ');
    urlProblems.dataset['keep'] = 'true';
    await run();
  };
  window.addEventListener('hashchange', () => {
    void restore();
  });

  describeSource();
  runButton.disabled = false;
  seedButton.disabled = false;
  root.dataset['ready'] = 'true';
  void restore();
}

for (const root of document.querySelectorAll<HTMLElement>('[data-rf-widget="replay"]')) init(root);
