/**
 * The snippet controller (issue 5): the only snippet code a page loads before interaction. For
 * every `.rf-snippet` (markup: SNIPPETS-CONTRACT.md) it fills the empty controls with Edit, Run,
 * Reset and Copy link once the snippet comes near the viewport or gets focus. CodeMirror
 * (./editor) loads on the first Edit; the worker (../worker.ts) starts on the first Run, or
 * ahead of it when the pointer or focus reaches Run.
 *
 * Output is written with textContent into the snippet's own result area only.
 */
import {
  decodePermalinkCode,
  parsePermalink,
  PermalinkError,
  permalinkHash,
  type ParsedPermalink,
} from './permalink';
import { runInWorker, warm, type Outcome } from './runner';
import type { SnippetEditor } from './editor';
import editorUrl from './editor?worker&url';
import { loadModule } from '../../lazy-module';

const CAPTION_EDITED = 'Output of your edited code, run in your browser';
const CAPTION_ORIGINAL = 'Output of the original code, run in your browser';

interface Snippet {
  readonly root: HTMLElement;
  readonly id: string;
  readonly title: string;
  readonly original: string;
  readonly controls: HTMLElement;
  readonly result: HTMLElement;
  /** Expressive Code's block: hidden (not removed) while the editor shows, for Reset. */
  readonly block: HTMLElement | null;
  /** The result area's build-time children, to restore on Reset. */
  readonly initialResult: readonly Node[];
  readonly status: HTMLElement;
  readonly runButton: HTMLButtonElement;
  editor: SnippetEditor | null;
  editorHost: HTMLElement | null;
  /** An editor being loaded (the first Edit), so a second press waits for the same one. */
  opening: Promise<SnippetEditor> | null;
  running: boolean;
  linkField: HTMLElement | null;
}

const snippets = new Map<string, Snippet>();

function readSource(root: HTMLElement): { id: string; code: string } | null {
  const el = root.querySelector<HTMLScriptElement>('script.rf-snippet-source');
  try {
    const data = JSON.parse(el?.textContent ?? '') as { id?: unknown; code?: unknown };
    if (typeof data.id === 'string' && typeof data.code === 'string') return { id: data.id, code: data.code };
  } catch {
    // reported below
  }
  return null;
}

function button(text: string, title: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'rf-snippet-button';
  b.dataset['action'] = text.toLowerCase().replace(/\s+/g, '-');
  b.append(text);
  const hidden = document.createElement('span');
  hidden.className = 'sr-only';
  hidden.textContent = ` (snippet: ${title})`;
  b.append(hidden);
  b.addEventListener('click', onClick);
  return b;
}

/** Show a message in the snippet's live status line (announced politely). */
function say(s: Snippet, text: string, tone: 'info' | 'error' = 'info'): void {
  s.status.textContent = text;
  s.status.dataset['tone'] = tone;
}

/** Build the controls of one snippet (once). */
function hydrate(root: HTMLElement): Snippet | null {
  if (root.dataset['rfHydrated']) return snippets.get(root.dataset['snippetId'] ?? '') ?? null;
  root.dataset['rfHydrated'] = 'true';
  const controls = root.querySelector<HTMLElement>(':scope > .rf-snippet-controls');
  const result = root.querySelector<HTMLElement>(':scope > .rf-snippet-result');
  const source = readSource(root);
  if (!controls || !result || !source) return null;
  const block = root.querySelector<HTMLElement>(':scope > .expressive-code');
  const title =
    block?.querySelector('figcaption .title')?.textContent.trim() || root.dataset['snippetId'] || source.id;
  const status = document.createElement('p');
  status.className = 'rf-snippet-status';
  status.setAttribute('role', 'status');
  status.id = `${source.id}-status`;
  const s: Snippet = {
    root,
    id: source.id,
    title,
    original: source.code,
    controls,
    result,
    block,
    initialResult: [...result.childNodes].map((n) => n.cloneNode(true)),
    status,
    runButton: button('Run', title, () => void run(s)),
    editor: null,
    editorHost: null,
    opening: null,
    running: false,
    linkField: null,
  };
  s.runButton.addEventListener('pointerenter', warm);
  s.runButton.addEventListener('focus', warm);
  controls.setAttribute('role', 'group');
  controls.setAttribute('aria-label', `Snippet controls: ${title}`);
  controls.append(
    button('Edit', title, () => void edit(s)),
    s.runButton,
    button('Reset', title, () => {
      reset(s);
    }),
    button('Copy link', title, () => void copyLink(s)),
  );
  result.prepend(status);
  snippets.set(s.id, s);
  return s;
}

/** Open the editor (loading CodeMirror the first time) and focus it. */
async function openEditor(s: Snippet, code: string): Promise<SnippetEditor> {
  if (s.editor) return s.editor;
  s.opening ??= (async () => {
    const { createEditor } = await loadModule<typeof import('./editor')>(editorUrl, 'snippet-editor');
    const host = document.createElement('div');
    host.className = 'rf-snippet-editor';
    host.id = `${s.id}-editor`;
    const help = document.createElement('p');
    help.className = 'rf-snippet-help';
    help.id = `${host.id}-help`;
    help.textContent = 'Editing. Tab indents; to leave the editor press Escape, then Tab.';
    const shadowHost = document.createElement('div');
    host.append(help, shadowHost);
    if (s.block) s.block.after(host);
    else s.controls.before(host);
    const editor = createEditor(
      shadowHost,
      code,
      `Code of the snippet "${s.title}", editable. Press Escape, then Tab, to leave the editor.`,
    );
    if (s.block) s.block.hidden = true;
    s.editor = editor;
    s.editorHost = host;
    return editor;
  })();
  try {
    return await s.opening;
  } finally {
    s.opening = null;
  }
}

async function edit(s: Snippet): Promise<void> {
  try {
    const editor = await openEditor(s, s.original);
    editor.focus();
  } catch (e) {
    say(s, `The editor could not be loaded: ${e instanceof Error ? e.message : String(e)}`, 'error');
  }
}

function currentCode(s: Snippet): string {
  return s.editor ? s.editor.getCode() : s.original;
}

/** Mark the problem line in the visible code: the editor's, or Expressive Code's block. */
function markLine(s: Snippet, line: number | null): void {
  s.editor?.markLine(line);
  for (const el of s.root.querySelectorAll('.rf-problem-line')) el.classList.remove('rf-problem-line');
  if (!s.editor && line !== null) {
    s.block?.querySelectorAll('.ec-line')[line - 1]?.classList.add('rf-problem-line');
  }
}

/** Replace the output area's content with a run's outcome (text only). */
function show(s: Snippet, outcome: Outcome, edited: boolean): void {
  const caption = s.result.querySelector('.rf-snippet-caption');
  if (caption) caption.textContent = edited ? CAPTION_EDITED : CAPTION_ORIGINAL;
  const pre = s.result.querySelector<HTMLElement>('.rf-snippet-output');
  const code = pre?.querySelector('code') ?? pre;
  if (pre) pre.hidden = false;
  const output = outcome.kind === 'result' ? outcome.result.output : '';
  const problem = outcome.kind === 'result' ? outcome.result.problemText : outcome.text;
  if (code) {
    code.textContent = output;
    if (problem !== null) {
      const span = document.createElement('span');
      span.className = 'rf-snippet-problem';
      span.textContent = problem;
      code.append(output ? '\n' : '', span);
    }
  }
  // The build-time trace belongs to the original run; show this run's first trace instead.
  s.result.querySelector('.rf-snippet-trace')?.remove();
  const trace = outcome.kind === 'result' ? outcome.result.traces[0] : undefined;
  if (trace?.lines) {
    const details = document.createElement('details');
    details.className = 'rf-snippet-trace';
    const summary = document.createElement('summary');
    const n = trace.lines.length;
    summary.textContent = `Trace: ${trace.scenario} under ${trace.variant} (${n} event${n === 1 ? '' : 's'})`;
    const ol = document.createElement('ol');
    trace.lines.forEach((text, i) => {
      const li = document.createElement('li');
      li.dataset['depth'] = String(trace.depths?.[i] ?? 0);
      li.textContent = text;
      ol.append(li);
    });
    details.append(summary, ol);
    s.result.append(details);
  }
  const line = outcome.kind === 'result' ? outcome.result.line : null;
  markLine(s, line);
  const what = edited ? 'your edited code' : 'the original code';
  say(
    s,
    problem === null
      ? `Ran ${what}: ${output ? `${output.split('\n').length} lines of output` : 'no output'}.`
      : `Ran ${what}: ${problem.replace(/^✗ /, 'stopped: ')}`,
    problem === null ? 'info' : 'error',
  );
}

async function run(s: Snippet): Promise<void> {
  if (s.running) return;
  s.running = true;
  s.runButton.setAttribute('aria-disabled', 'true');
  s.result.setAttribute('aria-busy', 'true');
  s.root.dataset['running'] = 'true';
  const code = currentCode(s);
  say(s, 'Running…');
  try {
    const outcome = await runInWorker(code);
    show(s, outcome, code !== s.original);
  } finally {
    s.running = false;
    s.runButton.removeAttribute('aria-disabled');
    s.result.removeAttribute('aria-busy');
    delete s.root.dataset['running'];
  }
}

function reset(s: Snippet): void {
  s.editor?.destroy();
  s.editor = null;
  s.editorHost?.remove();
  s.editorHost = null;
  s.linkField?.remove();
  s.linkField = null;
  if (s.block) s.block.hidden = false;
  s.result.replaceChildren(s.status, ...s.initialResult.map((n) => n.cloneNode(true)));
  markLine(s, null);
  say(s, 'Reset: the original code and its output are back.');
}

async function copyLink(s: Snippet): Promise<void> {
  let url: string;
  try {
    url = `${location.origin}${location.pathname}${location.search}${await permalinkHash(s.id, currentCode(s))}`;
  } catch (e) {
    say(s, `No link made: ${e instanceof Error ? e.message : String(e)}.`, 'error');
    return;
  }
  s.linkField?.remove();
  s.linkField = null;
  try {
    await navigator.clipboard.writeText(url);
    say(s, 'Link to this code copied to the clipboard.');
  } catch {
    // Clipboard refused (permissions, insecure context): show the link to copy by hand.
    const label = document.createElement('label');
    label.className = 'rf-snippet-link';
    label.append('Link to this code (the clipboard was not available; copy it from here): ');
    const input = document.createElement('input');
    input.type = 'text';
    input.readOnly = true;
    input.value = url;
    label.append(input);
    s.controls.after(label);
    s.linkField = label;
    input.focus();
    input.select();
    say(s, 'The clipboard was not available: the link is in the field below Copy link.');
  }
}

/** Restore the code a snippet link carries (not run: the reader presses Run). */
async function restore(link: ParsedPermalink): Promise<void> {
  const root = document.querySelector<HTMLElement>(`.rf-snippet[data-snippet-id="${link.id}"]`);
  const s = root ? hydrate(root) : null;
  if (!s) {
    const first = document.querySelector<HTMLElement>('.rf-snippet');
    const fs = first ? hydrate(first) : null;
    if (fs) say(fs, `The link names the snippet "${link.id}", which is not on this page.`, 'error');
    return;
  }
  s.root.scrollIntoView({ block: 'start' });
  if (link.data === null) return;
  let code: string;
  try {
    code = await decodePermalinkCode(link.data);
  } catch (e) {
    const why = e instanceof PermalinkError ? e.message : String(e);
    say(s, `This link's code could not be restored: ${why}. The original code is shown.`, 'error');
    return;
  }
  try {
    if (s.editor)
      s.editor.view.dispatch({ changes: { from: 0, to: s.editor.view.state.doc.length, insert: code } });
    else await openEditor(s, code);
    say(s, 'Restored from link: the edited code is in the editor. Press Run to run it.');
    s.root.dataset['restored'] = 'true';
  } catch (e) {
    say(s, `The editor could not be loaded: ${e instanceof Error ? e.message : String(e)}`, 'error');
  }
}

async function restoreFromHash(): Promise<void> {
  let link: ParsedPermalink | null;
  try {
    link = parsePermalink(location.hash);
  } catch (e) {
    const id = /^#snippet=([a-z0-9-]+)/.exec(location.hash)?.[1];
    const root =
      (id && document.querySelector<HTMLElement>(`.rf-snippet[data-snippet-id="${id}"]`)) ||
      document.querySelector<HTMLElement>('.rf-snippet');
    const s = root ? hydrate(root) : null;
    if (s)
      say(
        s,
        `This snippet link could not be read: ${(e as Error).message}. The original code is shown.`,
        'error',
      );
    return;
  }
  if (link) await restore(link);
}

/** Hydrate every snippet when it nears the viewport or receives focus; restore a linked one. */
export function start(): void {
  const roots = [...document.querySelectorAll<HTMLElement>('.rf-snippet')];
  const observer = new IntersectionObserver(
    (entries) => {
      for (const e of entries) {
        if (!e.isIntersecting) continue;
        observer.unobserve(e.target);
        hydrate(e.target as HTMLElement);
      }
    },
    { rootMargin: '400px 0px' },
  );
  for (const root of roots) {
    observer.observe(root);
    root.addEventListener(
      'focusin',
      () => {
        hydrate(root);
      },
      { once: true },
    );
  }
  void restoreFromHash();
  window.addEventListener('hashchange', () => void restoreFromHash());
}
