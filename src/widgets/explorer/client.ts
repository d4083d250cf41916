/**
 * The Fault explorer in the browser. This module carries no model code: it reads and writes the
 * form, keeps the selection in the URL (the permalink) and, on the first change (or after the
 * load event when the URL names a selection), starts ./worker — the model, the scenario builder
 * and the renderer — as a Web Worker. Each run has a step budget (run.ts) and a wall-clock limit
 * (the worker is stopped); a polite live region announces each result.
 */
import {
  inapplicable,
  selectionFromQuery,
  selectionToQuery,
  type ChoiceSpace,
  type Selection,
} from './choices';
import { selectionIpa } from './scenario';

import type { ExploreQuery, ExploreReply } from './worker';
import { WorkerChannel } from '../worker-rpc';
import { elementFinder } from '../dom';

/** Seconds a run may take in the worker: the explorer's scenarios take milliseconds. */
const LIMIT_MS = 15_000;
const channel = new WorkerChannel<ExploreQuery, ExploreReply>(
  () => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'realmfault-explorer' }),
  { limitMs: LIMIT_MS },
);

const required = elementFinder('fault explorer');

function init(root: HTMLElement): void {
  const space = JSON.parse(
    required(root, 'script.rf-fx-space', HTMLScriptElement).textContent,
  ) as ChoiceSpace;
  const form = required(root, 'form', HTMLFormElement);
  const out = required(root, '.rf-fx-out', HTMLElement);
  const status = required(root, '.rf-fx-status', HTMLElement);
  const ipaText = required(root, '.rf-fx-ipa', HTMLElement);
  const linkRow = required(root, '.rf-fx-link', HTMLElement);
  const link = required(root, 'input[name="permalink"]', HTMLInputElement);
  const copy = required(root, 'button.rf-fx-copy', HTMLButtonElement);
  const copyStatus = required(root, '.rf-fx-copy-status', HTMLElement);
  const urlProblems = required(root, '.rf-fx-url-problems', HTMLElement);
  const uid = root.id;
  const els = form.elements;

  const radio = (name: string): string =>
    form.querySelector<HTMLInputElement>(`input[name="${name}"]:checked`)?.value ?? '';
  const checkbox = (name: string): boolean =>
    form.querySelector<HTMLInputElement>(`input[name="${name}"]`)?.checked ?? false;
  const select = (name: string): string => (els.namedItem(name) as HTMLSelectElement | null)?.value ?? '';

  function readForm(): Selection {
    return {
      half: radio('half') as Selection['half'],
      page: select('page') as Selection['page'],
      access: radio('access') as Selection['access'],
      isv: checkbox('isv'),
      attribute: radio('attribute') as Selection['attribute'],
      backing: select('backing'),
      guestMemfd: checkbox('guestMemfd'),
      before: radio('before') as Selection['before'],
      variant: radio('variant') as Selection['variant'],
      toggles: Object.fromEntries(space.toggles.map((t) => [t.name, checkbox(`toggle-${t.name}`)])),
    };
  }

  function writeForm(sel: Selection): void {
    const setRadio = (name: string, value: string): void => {
      const el = form.querySelector<HTMLInputElement>(`input[name="${name}"][value="${CSS.escape(value)}"]`);
      if (el) el.checked = true;
    };
    const setCheck = (name: string, on: boolean): void => {
      const el = form.querySelector<HTMLInputElement>(`input[name="${name}"]`);
      if (el) el.checked = on;
    };
    const setSelect = (name: string, value: string): void => {
      const el = els.namedItem(name) as HTMLSelectElement | null;
      if (el) el.value = value;
    };
    setRadio('half', sel.half);
    setSelect('page', sel.page);
    setRadio('access', sel.access);
    setCheck('isv', sel.isv);
    setRadio('attribute', sel.attribute);
    setSelect('backing', sel.backing);
    setCheck('guestMemfd', sel.guestMemfd);
    setRadio('before', sel.before);
    setRadio('variant', sel.variant);
    for (const t of space.toggles) setCheck(`toggle-${t.name}`, sel.toggles[t.name] ?? t.default);
  }

  /** Reflect the selection outside the result: applicability, the IPA, the permalink. */
  function sync(sel: Selection): void {
    const na = inapplicable(sel);
    for (const el of form.querySelectorAll<HTMLInputElement>('input[name="attribute"]'))
      el.disabled = na.attribute;
    const vmmWrite = form.querySelector<HTMLInputElement>('input[name="before"][value="vmm-write"]');
    if (vmmWrite) vmmWrite.disabled = na.vmmWrite;
    ipaText.textContent = `0x${selectionIpa(sel).toString(16)}`;
    link.value = `${location.origin}${location.pathname}?${selectionToQuery(sel, space)}`;
  }

  let seq = 0;

  /** Replace the result with a message (a model error, or a run stopped by the time limit). */
  function showError(message: string): void {
    const p = document.createElement('p');
    p.className = 'rf-fx-error';
    p.textContent = message;
    out.replaceChildren(p);
    root.setAttribute('data-error', 'true');
    status.textContent = message;
  }

  async function run(sel: Selection): Promise<void> {
    const mine = ++seq;
    root.setAttribute('aria-busy', 'true');
    const r = await channel.request({ selection: sel, uid });
    if (mine !== seq) return; // a newer change superseded this run
    root.removeAttribute('aria-busy');
    if (r.ok) {
      out.innerHTML = r.html;
      root.removeAttribute('data-error');
      status.textContent = r.announcement;
    } else {
      showError(r.message);
    }
    root.dataset['runs'] = String(Number(root.dataset['runs'] ?? '0') + 1);
  }

  const start = (sel: Selection): void => {
    run(sel).catch((e: unknown) => {
      root.removeAttribute('aria-busy');
      showError(`The simulator could not run: ${e instanceof Error ? e.message : String(e)}`);
    });
  };

  form.addEventListener('change', () => {
    const sel = readForm();
    sync(sel);
    history.replaceState(
      history.state,
      '',
      `${location.pathname}?${selectionToQuery(sel, space)}${location.hash}`,
    );
    urlProblems.textContent = '';
    start(sel);
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
  });

  copy.addEventListener('click', () => {
    navigator.clipboard.writeText(link.value).then(
      () => {
        copyStatus.textContent = 'Link copied.';
      },
      () => {
        link.focus();
        link.select();
        copyStatus.textContent =
          'This page may not write to the clipboard: the link is selected, copy it with Ctrl+C.';
      },
    );
  });

  const reading = selectionFromQuery(location.search, space);
  if (reading.present) writeForm(reading.selection);
  sync(readForm());
  linkRow.hidden = false;
  if (reading.problems.length) {
    urlProblems.textContent = `This link's selection was partly not understood: ${reading.problems.join(' ')}`;
  }
  if (reading.present) {
    status.textContent = 'Running the selection from the link…';
    const go = (): void => {
      start(readForm());
    };
    if (document.readyState === 'complete') go();
    else window.addEventListener('load', go, { once: true });
  }
  root.dataset['ready'] = 'true';
}

for (const root of document.querySelectorAll<HTMLElement>('[data-rf-widget="fault-explorer"]')) init(root);
