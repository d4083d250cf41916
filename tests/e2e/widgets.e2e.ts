/**
 * The Decoder and Fault explorer widgets in Chromium, against the built site: they show what the
 * model computes in Node, follow the reader's input, explain bad input next to its field, work
 * with the keyboard alone, keep the explorer's selection in a link that reproduces it, stay
 * accessible after they change, and log no console error.
 */
import { AxeBuilder } from '@axe-core/playwright';
import {
  bitRange,
  citationsToLabels,
  decode,
  DecodeError,
  formatDecoded,
  VARIANT_INFO,
  type Decoded,
} from '@realmfault/model';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  defaultSelection,
  HALVES,
  PAGES,
  ACCESSES,
  ATTRIBUTES,
  BEFORE,
  selectionToQuery,
  type Selection,
} from '../../src/widgets/explorer/choices.js';
import { RMM_VIEW_LABELS } from '../../src/widgets/decoder/view.js';
import { groupRounds } from '../../src/widgets/explorer/path.js';
import { announce } from '../../src/widgets/explorer/render.js';
import { explore, type ExplorerView } from '../../src/widgets/explorer/run.js';
import { MODEL_SPACE } from '../../src/widgets/explorer/space.js';
import { baseURL, openPage, useBrowser } from './browser.js';

const { browser } = useBrowser();
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** The model's decode as the widget's table rows: name, bits, value, meaning. */
function modelRows(d: Decoded): string[][] {
  return d.fields.map((f) => [f.name, bitRange(f), `0x${f.raw.toString(16)}`, citationsToLabels(f.meaning)]);
}

async function tableRows(root: Locator): Promise<string[][]> {
  return root
    .locator('.rf-decoder-table tbody tr')
    .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent.trim())));
}

async function caption(root: Locator): Promise<string> {
  return ((await root.locator('.rf-decoder-table caption').textContent()) ?? '').trim();
}

/** The message decode() throws for bad input. */
function decodeMessage(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof DecodeError) return e.message;
    throw e;
  }
  throw new Error('expected a DecodeError');
}

/** Replace an input's text from the keyboard: focus, select all, type. */
async function retype(page: Page, input: Locator, text: string): Promise<void> {
  await input.focus();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(text);
}

/** Replace an input's text at once, as a paste does (one input event, no intermediate values). */
async function paste(input: Locator, text: string): Promise<void> {
  await input.fill(text);
}

async function axe(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).include('[data-rf-widget]').withTags(TAGS).analyze();
  return violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('Decoder', () => {
  it("shows the seed's ESR decoded with the fields the model computes", async () => {
    const { page, problems } = await openPage(browser());
    await page.goto(`${baseURL()}/concepts/esr-reporting/`, { waitUntil: 'load' });
    const root = page.locator('[data-rf-widget="decoder"]').first();
    const d = decode('esr', '0x92000007');
    await expect(caption(root)).resolves.toBe(formatDecoded(d).split('\n')[0]);
    await expect(tableRows(root)).resolves.toEqual(modelRows(d));
    await expect(root.locator('.rf-decoder-notes li').allTextContents()).resolves.toEqual(
      d.notes.map(citationsToLabels),
    );
    const view = d.kind === 'esr' && 'rmmView' in d ? (d.rmmView as keyof typeof RMM_VIEW_LABELS) : null;
    expect(view).not.toBeNull();
    if (view)
      await expect(root.locator('.rf-decoder-path').textContent()).resolves.toContain(
        citationsToLabels(RMM_VIEW_LABELS[view]),
      );
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('decodes as the reader types, and explains bad input next to the field without blanking the table', async () => {
    const { page, problems } = await openPage(browser());
    await page.goto(`${baseURL()}/concepts/esr-reporting/`, { waitUntil: 'load' });
    const root = page.locator('[data-rf-widget="decoder"]').first();
    const input = root.locator('input[name="value"]');
    const status = root.locator('.rf-decoder-status');
    await expect(status.getAttribute('aria-live')).resolves.toBe('polite');

    await retype(page, input, '0x9200004f');
    const good = decode('esr', '0x9200004f');
    await page.waitForFunction(([sel, text]) => document.querySelector(sel)?.textContent.trim() === text, [
      '[data-rf-widget="decoder"] .rf-decoder-table caption',
      formatDecoded(good).split('\n')[0] ?? '',
    ] as const);
    await expect(tableRows(root)).resolves.toEqual(modelRows(good));
    await expect(status.textContent()).resolves.toContain('ESR_EL2 0x9200004f');

    // Not a number.
    await paste(input, 'zz');
    await expect.poll(() => input.getAttribute('aria-invalid')).toBe('true');
    const errorId = `${(await input.getAttribute('id')) ?? ''}-error`;
    await expect(input.getAttribute('aria-describedby')).resolves.toContain(errorId);
    const notHex = decodeMessage(() => decode('esr', 'zz'));
    await expect(page.locator(`[id="${errorId}"]`).textContent()).resolves.toBe(notHex);
    await expect(page.locator(`[id="${errorId}"]`).isVisible()).resolves.toBe(true);
    await expect(status.textContent()).resolves.toBe(notHex);
    // The table still shows the last valid value, and says so.
    await expect(tableRows(root)).resolves.toEqual(modelRows(good));
    await expect(root.locator('.rf-decoder-stale').textContent()).resolves.toContain('ESR_EL2 0x9200004f');
    await expect(root.locator('.rf-decoder-stale').isVisible()).resolves.toBe(true);
    await expect(axe(page)).resolves.toEqual([]);

    // Wider than 64 bits.
    const wide = `0x1${'0'.repeat(16)}`;
    await paste(input, wide);
    await page.waitForFunction(([id, text]) => document.getElementById(id)?.textContent === text, [
      errorId,
      decodeMessage(() => decode('esr', wide)),
    ] as const);
    await expect(tableRows(root)).resolves.toEqual(modelRows(good));

    // Corrected: the message and the invalid state go.
    await paste(input, '0x90000005');
    await page.waitForFunction((id) => document.getElementById(id)?.textContent === '', errorId);
    await expect(input.getAttribute('aria-invalid')).resolves.toBeNull();
    await expect(input.getAttribute('aria-describedby')).resolves.toBeNull();
    await expect(tableRows(root)).resolves.toEqual(modelRows(decode('esr', '0x90000005')));
    await expect(root.locator('.rf-decoder-stale').isVisible()).resolves.toBe(false);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('explains a bad IPA width on the width field and decodes with a good one', async () => {
    const { page, problems } = await openPage(browser());
    await page.goto(`${baseURL()}/concepts/ipa-space/`, { waitUntil: 'load' });
    const root = page.locator('[data-rf-widget="decoder"]').first();
    await expect(tableRows(root)).resolves.toEqual(
      modelRows(decode('ipa', '0x10046880000', { ipaBits: 41 })),
    );
    const bits = root.locator('input[name="ipaBits"]');
    await retype(page, bits, '99');
    await expect.poll(() => bits.getAttribute('aria-invalid')).toBe('true');
    await expect(root.locator('input[name="value"]').getAttribute('aria-invalid')).resolves.toBeNull();
    await expect(
      page.locator(`[id="${(await bits.getAttribute('id')) ?? ''}-error"]`).textContent(),
    ).resolves.toContain('expected an integer 32…52');
    await expect(tableRows(root)).resolves.not.toEqual([]);
    await retype(page, bits, '48');
    const d = decode('ipa', '0x10046880000', { ipaBits: 48 });
    await page.waitForFunction(
      (text) => document.querySelector('[data-rf-widget="decoder"] caption')?.textContent.trim() === text,
      formatDecoded(d).split('\n')[0] ?? '',
    );
    await expect(tableRows(root)).resolves.toEqual(modelRows(d));
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('is operated with the keyboard alone: kind, value and width', async () => {
    const { page, problems } = await openPage(browser());
    await page.goto(`${baseURL()}/reference/decoders/`, { waitUntil: 'load' });
    const root = page.locator('[data-rf-widget="decoder"]').first();
    const kind = root.locator('select[name="kind"]');
    await kind.focus();
    // The kinds are listed in the model's order: esr, pte, …; one step down is pte.
    await page.keyboard.press('ArrowDown');
    await expect(kind.inputValue()).resolves.toBe('pte');
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.getAttribute('name'))).resolves.toBe('value');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('0x00e8010046880707');
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.getAttribute('name'))).resolves.toBe('ipaBits');
    await page.keyboard.type('41');
    const d = decode('pte', '0x00e8010046880707', { ipaBits: 41 });
    await page.waitForFunction(
      (n) =>
        document.querySelectorAll('[data-rf-widget="decoder"] .rf-decoder-notes')[0]?.children.length === n,
      d.notes.length,
    );
    await expect(caption(root)).resolves.toBe(formatDecoded(d).split('\n')[0]);
    await expect(tableRows(root)).resolves.toEqual(modelRows(d));
    await expect(root.locator('.rf-decoder-notes li').allTextContents()).resolves.toEqual(
      d.notes.map(citationsToLabels),
    );
    // Focus is visible on the control that has it.
    const outline = await page.evaluate(() => {
      const el = document.activeElement;
      return el ? getComputedStyle(el).outlineStyle : 'none';
    });
    expect(outline).not.toBe('none');
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

// ---------------------------------------------------------------------------------------------

const EXPLORER = '/playground/fault-explorer/';

function expected(sel: Selection): ExplorerView {
  const r = explore(sel);
  if (!r.ok) throw new Error(r.message);
  return r.view;
}

/** Wait until the explorer has finished `n` runs in the page. */
async function waitRuns(page: Page, n: number): Promise<void> {
  await page.waitForFunction(
    (k) =>
      Number(
        document.querySelector<HTMLElement>('[data-rf-widget="fault-explorer"]')?.dataset['runs'] ?? '0',
      ) >= k,
    n,
  );
}

/** Check the page's result against the model's, computed in Node. */
async function expectResult(page: Page, view: ExplorerView): Promise<void> {
  const root = page.locator('[data-rf-widget="fault-explorer"]');
  const heads = await root.locator('.rf-fx-pathhead').allTextContents();
  expect(heads).toHaveLength(view.runs.length);
  view.runs.forEach((r, i) => {
    expect(heads[i]).toContain(VARIANT_INFO[r.variant].label);
  });
  // Each column: the trace lines the model's run gives, identical rounds shown once.
  const d = view.divergence;
  for (const [i, run] of view.runs.entries()) {
    const shown = await root
      .locator('.rf-fx-path')
      .nth(i)
      .locator('.rf-fx-lines > li > code')
      .allTextContents();
    const want = run.lines.flatMap((lines, s) =>
      groupRounds(lines, d !== null && d.step === s && lines[d.line] ? d.line : null).flatMap((g) =>
        g.lines.map((l) => l.text),
      ),
    );
    expect(shown).toEqual(want);
  }
  // Outcomes in the summary table.
  const outcomeCells = await root
    .locator('.rf-fx-summary tr')
    .filter({ has: page.locator('th', { hasText: /^Outcome/ }) })
    .first()
    .locator('td')
    .allTextContents();
  expect(outcomeCells.map((t) => t.trim())).toEqual(
    view.runs.map((r) => r.cells[r.cells.length - 1]?.outcome),
  );
  // The first difference, marked in both columns.
  const marks = root.locator('.rf-fx-div > code');
  if (d === null) {
    await expect(marks.count()).resolves.toBe(0);
  } else {
    await expect(marks.allTextContents()).resolves.toEqual(
      [d.a?.text, d.b?.text].filter((t) => t !== undefined),
    );
    await expect(root.locator('.rf-fx-first').textContent()).resolves.toContain(`step ${d.step}`);
  }
  await expect(root.locator('.rf-fx-status').textContent()).resolves.toBe(announce(view));
}

async function checkedValue(page: Page, name: string): Promise<string | null> {
  return page
    .locator(`[data-rf-widget="fault-explorer"] input[name="${name}"]:checked`)
    .getAttribute('value');
}

describe('Fault explorer', () => {
  it('shows the default selection, both variants, and loads the model only on the first change', async () => {
    const { page, problems } = await openPage(browser());
    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    await page.goto(`${baseURL()}${EXPLORER}`, { waitUntil: 'networkidle' });
    const view = expected(defaultSelection(MODEL_SPACE));
    expect(view.divergence).not.toBeNull();
    await expect(page.locator('[data-rf-widget="fault-explorer"]').getAttribute('data-ready')).resolves.toBe(
      'true',
    );
    // The build-time result is the model's; the status stays silent until the reader acts.
    const root = page.locator('[data-rf-widget="fault-explorer"]');
    await expect(root.locator('.rf-fx-div > code').allTextContents()).resolves.toEqual([
      view.divergence?.a?.text,
      view.divergence?.b?.text,
    ]);
    // The model (in the widget's worker) is not loaded before the reader's first change; it is after.
    const workers = (): string[] => requested.filter((u) => /\/_astro\/worker-[\w-]+\.js$/.test(u));
    expect(workers()).toEqual([]);
    await page.locator('[data-rf-widget="fault-explorer"] input[name="isv"]').check();
    await waitRuns(page, 1);
    expect(workers()).toHaveLength(1);
    await expectResult(page, expected({ ...defaultSelection(MODEL_SPACE), isv: true }));
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('runs a combination chosen with the keyboard, with both variants side by side and their first difference', async () => {
    const { page, problems } = await openPage(browser());
    await page.goto(`${baseURL()}${EXPLORER}`, { waitUntil: 'load' });
    // A read (not the default write) of the untouched MAP_PRIVATE page through its shared alias.
    const write = page.locator('[data-rf-widget="fault-explorer"] input[name="access"][value="write"]');
    await write.focus();
    await page.keyboard.press('ArrowLeft');
    await expect(checkedValue(page, 'access')).resolves.toBe('read');
    await waitRuns(page, 1);
    const sel: Selection = { ...defaultSelection(MODEL_SPACE), access: 'read' };
    const view = expected(sel);
    expect(view.divergence).not.toBeNull();
    await expectResult(page, view);

    // A toggle, with the space bar: forceSharedWrite (the seed's local change).
    const toggle = page.locator('[data-rf-widget="fault-explorer"] input[name="toggle-forceSharedWrite"]');
    await toggle.focus();
    await page.keyboard.press('Space');
    await waitRuns(page, 2);
    const sel2: Selection = { ...sel, toggles: { ...sel.toggles, forceSharedWrite: true } };
    await expectResult(page, expected(sel2));

    // The permalink holds the selection; the page's address does too.
    const link = await page.locator('[data-rf-widget="fault-explorer"] input[name="permalink"]').inputValue();
    expect(link).toBe(`${baseURL()}${EXPLORER}?${selectionToQuery(sel2, MODEL_SPACE)}`);
    expect(page.url()).toBe(link);
    await expect(axe(page)).resolves.toEqual([]);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('restores a selection from its link, runs it after load, and copies the link', async () => {
    const sel: Selection = {
      ...defaultSelection(MODEL_SPACE),
      half: 'protected',
      attribute: 'private',
      backing: 'thp',
      before: 'guest-read',
      isv: true,
    };
    const { page, problems } = await openPage(browser());
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    const url = `${baseURL()}${EXPLORER}?${selectionToQuery(sel, MODEL_SPACE)}`;
    await page.goto(url, { waitUntil: 'load' });
    await waitRuns(page, 1);
    for (const [name, value] of [
      ['half', sel.half],
      ['access', sel.access],
      ['attribute', sel.attribute],
      ['before', sel.before],
      ['variant', sel.variant],
    ] as const) {
      await expect(checkedValue(page, name)).resolves.toBe(value);
    }
    await expect(
      page.locator('[data-rf-widget="fault-explorer"] select[name="backing"]').inputValue(),
    ).resolves.toBe('thp');
    await expect(
      page.locator('[data-rf-widget="fault-explorer"] input[name="isv"]').isChecked(),
    ).resolves.toBe(true);
    await expectResult(page, expected(sel));
    const out = await page.locator('.rf-fx-out').innerHTML();

    // Copy link, from the keyboard.
    await page.locator('button.rf-fx-copy').focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      () => document.querySelector('.rf-fx-copy-status')?.textContent === 'Link copied.',
    );
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(url);

    // The copied link gives the same result in a fresh page.
    const again = await openPage(browser());
    await again.page.goto(url, { waitUntil: 'load' });
    await waitRuns(again.page, 1);
    await expect(again.page.locator('.rf-fx-out').innerHTML()).resolves.toBe(out);
    expect(again.problems).toEqual([]);
    await again.page.context().close();
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('says which parts of a link it did not understand', async () => {
    const { page, problems } = await openPage(browser());
    await page.goto(`${baseURL()}${EXPLORER}?ram=tmpfs&access=read`, { waitUntil: 'load' });
    await waitRuns(page, 1);
    await expect(page.locator('.rf-fx-url-problems').textContent()).resolves.toContain(
      'ram=tmpfs is not one of',
    );
    await expectResult(page, expected({ ...defaultSelection(MODEL_SPACE), access: 'read' }));
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('says when the variants agree, and greys out choices that do not apply to MMIO', async () => {
    // A combination where v14 and post-v14 take the same path, found with the model.
    let agree: Selection | null = null;
    search: for (const half of HALVES)
      for (const pageChoice of PAGES)
        for (const access of ACCESSES)
          for (const attribute of ATTRIBUTES)
            for (const before of BEFORE) {
              const sel: Selection = {
                ...defaultSelection(MODEL_SPACE),
                half,
                page: pageChoice,
                access,
                attribute,
                before,
              };
              if (expected(sel).divergence === null) {
                agree = sel;
                break search;
              }
            }
    expect(agree).not.toBeNull();
    if (!agree) return;
    const { page, problems } = await openPage(browser());
    await page.goto(`${baseURL()}${EXPLORER}?${selectionToQuery(agree, MODEL_SPACE)}`, { waitUntil: 'load' });
    await waitRuns(page, 1);
    await expect(page.locator('.rf-fx-first').textContent()).resolves.toContain(
      'v14 and post-v14 take the same path',
    );
    await expectResult(page, expected(agree));

    // MMIO: no memslot, so no attribute and no VMM write.
    const select = page.locator('[data-rf-widget="fault-explorer"] select[name="page"]');
    await select.selectOption('mmio');
    await waitRuns(page, 2);
    for (const el of await page.locator('input[name="attribute"]').all()) {
      await expect(el.isDisabled()).resolves.toBe(true);
    }
    await expect(page.locator('input[name="before"][value="vmm-write"]').isDisabled()).resolves.toBe(true);
    await expect(page.locator('.rf-fx-ipa').textContent()).resolves.toBe(
      agree.half === 'shared' ? '0x10009000000' : '0x9000000',
    );
    await expectResult(page, expected({ ...agree, page: 'mmio' }));
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('reaches every control with Tab', async () => {
    const { page, problems } = await openPage(browser());
    await page.goto(`${baseURL()}${EXPLORER}`, { waitUntil: 'load' });
    const names = await page.locator('[data-rf-widget="fault-explorer"] form').evaluate((f) => [
      ...new Set(
        // Controls, and the links to the sources the toggle descriptions cite.
        [...f.querySelectorAll('input, select, button, a[href]')].map(
          (e) => e.getAttribute('name') ?? e.className,
        ),
      ),
    ]);
    await page.locator('[data-rf-widget="fault-explorer"] input[name="half"]:checked').focus();
    const reached = new Set<string>();
    for (let i = 0; i < 60; i++) {
      const name = await page.evaluate(() => {
        const el = document.activeElement;
        if (!el?.closest('[data-rf-widget="fault-explorer"] form')) return null;
        return el.getAttribute('name') ?? el.className;
      });
      if (name === null) break;
      reached.add(name);
      await page.keyboard.press('Tab');
    }
    expect([...reached].sort()).toEqual([...names].sort());
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('also runs on the fault-path section page', async () => {
    const { page, problems } = await openPage(browser());
    await page.goto(`${baseURL()}/fault-path/`, { waitUntil: 'load' });
    await page.locator('[data-rf-widget="fault-explorer"] input[name="variant"][value="v14"]').check();
    await waitRuns(page, 1);
    await expectResult(page, expected({ ...defaultSelection(MODEL_SPACE), variant: 'v14' }));
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
