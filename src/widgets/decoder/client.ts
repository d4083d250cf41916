/**
 * The Decoder widget in the browser. This module is small and has no model code: on the reader's
 * first edit it starts ./worker (the model's decoders) as a Web Worker, then re-decodes on every
 * edit. Bad input is explained next to the field it concerns (aria-invalid, aria-describedby);
 * the table keeps the last valid decode, marked as such, so it never goes blank. A polite live
 * region announces each new result or error.
 */
import type { DecodeOutcome } from './decode';
import type { DecodeQuery } from './worker';
import { WorkerChannel } from '../worker-rpc';
import { elementFinder } from '../dom';

/** One worker for every decoder on the page; a decode answers in well under this limit. */
const channel = new WorkerChannel<DecodeQuery, DecodeOutcome>(
  () => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'realmfault-decoder' }),
  { limitMs: 10_000 },
);

const required = elementFinder('decoder widget');

function init(root: HTMLElement): void {
  const form = required(root, 'form', HTMLFormElement);
  const kindSelect = root.querySelector<HTMLSelectElement>('select[name="kind"]');
  const value = required(root, 'input[name="value"]', HTMLInputElement);
  const bits = required(root, 'input[name="ipaBits"]', HTMLInputElement);
  const bitsField = required(root, '.rf-decoder-bits', HTMLElement);
  const out = required(root, '.rf-decoder-out', HTMLElement);
  const stale = required(root, '.rf-decoder-stale', HTMLElement);
  const status = required(root, '.rf-decoder-status', HTMLElement);
  const fixedKind = root.dataset['kind'] ?? 'esr';
  const bitsKinds = (bitsField.dataset['kinds'] ?? '').split(' ');
  let lastHeading = out.querySelector('caption')?.textContent ?? '';
  let seq = 0;

  const inputs: Record<'kind' | 'value' | 'ipaBits', HTMLElement | null> = {
    kind: kindSelect,
    value,
    ipaBits: bits,
  };

  function setError(el: HTMLElement | null, message: string): void {
    if (!el) return;
    const errorId = `${el.id}-error`;
    const error = document.getElementById(errorId);
    if (error) error.textContent = message;
    const described = (el.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .filter((s) => s && s !== errorId);
    if (message) {
      el.setAttribute('aria-invalid', 'true');
      described.push(errorId);
    } else {
      el.removeAttribute('aria-invalid');
    }
    if (described.length) el.setAttribute('aria-describedby', described.join(' '));
    else el.removeAttribute('aria-describedby');
  }

  function syncBitsField(kind: string): void {
    const wanted = bitsKinds.includes(kind);
    bitsField.hidden = !wanted;
    bits.placeholder = bits.dataset[kind === 'ipa' ? 'placeholderIpa' : 'placeholderPte'] ?? '';
  }

  async function update(): Promise<void> {
    const mine = ++seq;
    const kind = kindSelect?.value ?? fixedKind;
    syncBitsField(kind);
    const r = await channel.request({
      kind,
      value: value.value,
      ipaBits: bitsKinds.includes(kind) ? bits.value : '',
    });
    if (mine !== seq) return; // a newer edit superseded this one
    for (const el of Object.values(inputs)) setError(el, '');
    if (r.ok) {
      out.innerHTML = r.html;
      lastHeading = r.view.heading;
      stale.hidden = true;
      root.removeAttribute('data-invalid');
      status.textContent = `Decoded ${r.view.heading}: ${r.view.rows.length} fields${r.view.notes.length ? `, ${r.view.notes.length} notes` : ''}.`;
    } else {
      setError(inputs[r.input], r.message);
      stale.textContent = `The table below still shows the last valid value, ${lastHeading}.`;
      stale.hidden = false;
      root.setAttribute('data-invalid', r.input);
      status.textContent = r.message;
    }
  }

  const run = (): void => {
    update().catch((e: unknown) => {
      status.textContent = `The decoder could not run: ${e instanceof Error ? e.message : String(e)}`;
    });
  };
  form.addEventListener('input', run);
  form.addEventListener('change', run);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    run();
  });
  root.dataset['ready'] = 'true';
}

for (const root of document.querySelectorAll<HTMLElement>('[data-rf-widget="decoder"]')) init(root);
