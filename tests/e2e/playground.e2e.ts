/**
 * The playground (src/components/Playground.astro) in Chromium: a built-in scenario picked from
 * the menu runs in the worker and the stepper walks the same trace the model gives in Node; an
 * invalid edit shows the parser's field-path error inline and runs nothing; a run past the work
 * budget or the time limit ends with a clear message and the page keeps working; the URL hash
 * permalink round-trips.
 */
import {
  BUILTIN_SCENARIOS,
  getBuiltinScenario,
  parseScenarioJson,
  runScenario,
  toJSONValue,
} from '@realmfault/model';
import type { Variant } from '@realmfault/model';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { groupSteps } from '../../src/stepper/locate';
import { stepperProse } from '../../src/stepper/prose';
import { encodeLink } from '../../src/playground/permalink';
import type { JsonEvent } from '../../src/stepper/types';
import { baseURL, openPage, useBrowser } from './browser.js';

const { browser } = useBrowser();
const PG = '[data-rf-widget="playground"]';
const STEPPER = `${PG} [data-rf-widget="stepper"]`;

/** The prose of each stepper step, from the model run here in Node. */
function expectedProse(name: string, variant: Variant): string[] {
  const trace = runScenario(getBuiltinScenario(name), { variant }).trace;
  return groupSteps(toJSONValue(trace) as JsonEvent[]).map((i) => {
    const e = trace[i];
    if (e === undefined) throw new Error('step outside the trace');
    return stepperProse(e);
  });
}

async function open(hash = ''): Promise<{ page: Page; problems: string[] }> {
  const watched = await openPage(browser());
  await watched.page.goto(`${baseURL()}/playground/${hash}`);
  return watched;
}

async function mountedPlayground(page: Page): Promise<void> {
  await page.locator(`${PG} .rf-pg-builtin`).focus();
  await page.waitForSelector(`${PG}[data-mounted="true"]`);
}

const statusText = (page: Page): Promise<string> =>
  page
    .locator(`${PG} .rf-pg-status`)
    .textContent()
    .then((t) => t ?? '');

async function waitIdle(page: Page): Promise<void> {
  await page.waitForFunction(
    (sel) => document.querySelector<HTMLElement>(sel)?.dataset['running'] === 'false',
    PG,
  );
}

describe('Playground', () => {
  it('runs a built-in scenario from the menu and steps through the trace the model gives', async () => {
    const name = 'thp-unaligned';
    const variant: Variant = 'post-v14-review';
    const want = expectedProse(name, variant);
    const { page, problems } = await open();
    await mountedPlayground(page);
    await page.locator(`${PG} .rf-pg-builtin`).selectOption(name);
    const raw = BUILTIN_SCENARIOS.find((s) => s['name'] === name);
    expect(JSON.parse(await page.locator(`${PG} textarea`).inputValue())).toEqual(raw);
    await page.locator(`${PG} .rf-pg-variant`).selectOption(variant);
    await page.locator(`${PG} .rf-pg-run`).focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${STEPPER}[data-mounted="true"]`);
    await waitIdle(page);
    expect(await statusText(page)).toContain(`Ran ${name} under ${variant}`);
    await page.locator(`${STEPPER} button[data-act="next"]`).focus();
    await page.keyboard.press('Home');
    for (let i = 0; i < want.length; i++) {
      await expect(page.locator(`${STEPPER} .rf-stepper-status`).textContent()).resolves.toBe(
        `Step ${String(i + 1)} of ${String(want.length)}`,
      );
      await expect(page.locator(`${STEPPER} .rf-stepper-prose`).textContent()).resolves.toBe(want[i]);
      await page.keyboard.press('ArrowRight');
    }
    // The path taken is marked on the overview, and the RTT tree shows the 2 MiB block mapped.
    await expect(
      page.locator(`${STEPPER} .node.rf-taken[data-fn="realm_map_non_secure"]`).count(),
    ).resolves.toBe(1);
    await expect(page.locator(`${STEPPER} .rf-rtt-tree [data-level="2"]`).count()).resolves.toBeGreaterThan(
      0,
    );
    expect(problems).toEqual([]);
  });

  it('shows an invalid edit inline with the field path and runs nothing', async () => {
    const { page, problems } = await open();
    await mountedPlayground(page);
    const doc = JSON.parse(await page.locator(`${PG} textarea`).inputValue()) as {
      steps: Record<string, unknown>[];
    };
    const step = doc.steps[0];
    if (step === undefined) throw new Error('the first built-in scenario has no steps');
    step['ipa'] = 'not an address';
    const text = JSON.stringify(doc, null, 2);
    let message = '';
    try {
      parseScenarioJson(text);
    } catch (e) {
      message = e instanceof Error ? e.message : String(e);
    }
    expect(message).toMatch(/^steps\[0\]\.ipa: expected /);
    await page.locator(`${PG} textarea`).fill(text);
    await page.locator(`${PG} .rf-pg-run`).click();
    await waitIdle(page);
    await expect(page.locator(`${PG} .rf-pg-error`).textContent()).resolves.toBe(message);
    await expect(page.locator(`${PG} .rf-pg-error`).isVisible()).resolves.toBe(true);
    await expect(page.locator(`${PG} textarea`).getAttribute('aria-invalid')).resolves.toBe('true');
    const describedBy = (await page.locator(`${PG} textarea`).getAttribute('aria-describedby')) ?? '';
    const errorId = (await page.locator(`${PG} .rf-pg-error`).getAttribute('id')) ?? '-';
    expect(describedBy.split(' ')).toContain(errorId);
    expect(await statusText(page)).toMatch(/^Not run/);
    await expect(page.locator(`${STEPPER}[data-mounted="true"]`).count()).resolves.toBe(0);
    // Editing clears the error.
    await page.locator(`${PG} textarea`).press('End');
    await page.keyboard.type(' ');
    await expect(page.locator(`${PG} textarea`).getAttribute('aria-invalid')).resolves.toBeNull();
    expect(problems).toEqual([]);
  });

  it('stops a run past the work budget or the time limit with a message, and stays usable', async () => {
    const { page, problems } = await open();
    await mountedPlayground(page);
    const budget = Number(await page.locator(PG).getAttribute('data-budget'));
    expect(budget).toBeGreaterThan(0);
    // Writes to fresh pages until the budget runs out: each first touch maps a page, and a stride
    // of 2 MiB makes every one also create the RTTs below its own level-2 entry.
    const base = BUILTIN_SCENARIOS[0] ?? {};
    const steps = Array.from({ length: 1000 }, (_, i) => ({
      guest: 'write',
      ipa: `0x${(0x40000000 + i * 0x200000).toString(16)}`,
      value: '0x1',
      size: 8,
      isv: false,
    }));
    const long = JSON.stringify({ ...base, name: 'many-first-touches', steps });
    expect(() => runScenario(parseScenarioJson(long), { budget })).toThrow(/step budget exceeded/);
    await page.locator(`${PG} textarea`).fill(long);
    // The default time limit must fit the page's own budget run: the check is that the budget,
    // not the clock, stops it; a loaded test machine gets more time here only.
    expect(Number(await page.locator(PG).getAttribute('data-time-limit-ms'))).toBe(2000);
    await page.locator(PG).evaluate((el: HTMLElement) => {
      el.dataset['timeLimitMs'] = '30000';
    });
    await page.locator(`${PG} .rf-pg-run`).click();
    await waitIdle(page);
    expect(await statusText(page)).toContain(`work budget of ${String(budget)} units`);
    // The time limit: lower it so the same kind of run cannot finish in time.
    await page.locator(PG).evaluate((el: HTMLElement) => {
      el.dataset['timeLimitMs'] = '5';
    });
    await page.locator(`${PG} .rf-pg-run`).click();
    await waitIdle(page);
    expect(await statusText(page)).toMatch(
      /^Stopped: the run took longer than 0.005 s, so its worker was terminated/,
    );
    // The page still answers, and a fresh worker runs the next scenario.
    await expect(page.evaluate(() => 1 + 1)).resolves.toBe(2);
    await page.locator(PG).evaluate((el: HTMLElement) => {
      el.dataset['timeLimitMs'] = '2000';
    });
    await page.locator(`${PG} .rf-pg-builtin`).selectOption('private-first-touch');
    await page.locator(`${PG} .rf-pg-run`).click();
    await waitIdle(page);
    expect(await statusText(page)).toContain('Ran private-first-touch');
    expect(problems).toEqual([]);
  });

  it.each(['light', 'dark'] as const)(
    'has no axe violation after a run and an invalid edit (%s theme)',
    async (scheme) => {
      const { page, problems } = await openPage(browser(), scheme);
      await page.addInitScript((t) => {
        localStorage.setItem('starlight-theme', t);
      }, scheme);
      await page.goto(`${baseURL()}/playground/`);
      await mountedPlayground(page);
      await page.locator(`${PG} .rf-pg-run`).click();
      await page.waitForSelector(`${STEPPER}[data-mounted="true"]`);
      await waitIdle(page);
      await page.locator(`${PG} textarea`).fill('{"name": 1}');
      await page.locator(`${PG} .rf-pg-run`).click();
      await waitIdle(page);
      await expect(page.locator(`${PG} .rf-pg-error`).isVisible()).resolves.toBe(true);
      const { violations } = await new AxeBuilder({ page })
        .include(PG)
        .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
        .analyze();
      expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual(
        [],
      );
      expect(problems).toEqual([]);
    },
    120_000,
  );

  it('keeps the scenario and variant in the URL hash and restores them', async () => {
    const name = 'mmio-valid-syndrome';
    const want = expectedProse(name, 'post-v14-review');
    const first = await open();
    await mountedPlayground(first.page);
    await first.page.locator(`${PG} .rf-pg-builtin`).selectOption(name);
    await first.page.locator(`${PG} .rf-pg-variant`).selectOption('post-v14-review');
    const text = await first.page.locator(`${PG} textarea`).inputValue();
    await first.page.locator(`${PG} .rf-pg-run`).click();
    await waitIdle(first.page);
    await first.page.waitForFunction(() => /[#&]s=/.test(location.hash));
    const url = first.page.url();
    expect(url).toMatch(/#v=post-v14-review&s=[\w-]+$/);
    const second = await open(new URL(url).hash);
    await second.page.waitForSelector(`${STEPPER}[data-mounted="true"]`);
    await expect(second.page.locator(`${PG} textarea`).inputValue()).resolves.toBe(text);
    await expect(second.page.locator(`${PG} .rf-pg-variant`).inputValue()).resolves.toBe('post-v14-review');
    await expect(second.page.locator(`${STEPPER} .rf-stepper-status`).textContent()).resolves.toBe(
      `Step 1 of ${String(want.length)}`,
    );
    expect([...first.problems, ...second.problems]).toEqual([]);
  });

  it('loads a link made before the rename, #v=fixed, as post-v14-review and runs it', async () => {
    const name = 'thp-unaligned';
    const raw = BUILTIN_SCENARIOS.find((s) => s['name'] === name);
    const json = JSON.stringify(raw, null, 2);
    const hash = (await encodeLink({ json, variant: 'post-v14-review' })).replace(
      '#v=post-v14-review&',
      '#v=fixed&',
    );
    expect(hash).toMatch(/^#v=fixed&s=/);
    const want = expectedProse(name, 'post-v14-review');
    const { page, problems } = await open(hash);
    await page.waitForSelector(`${STEPPER}[data-mounted="true"]`);
    await expect(page.locator(`${PG} .rf-pg-variant`).inputValue()).resolves.toBe('post-v14-review');
    expect(await statusText(page)).toContain(`Ran ${name} under post-v14-review`);
    await expect(page.locator(`${STEPPER} .rf-stepper-status`).textContent()).resolves.toBe(
      `Step 1 of ${String(want.length)}`,
    );
    expect(problems).toEqual([]);
  });
});
