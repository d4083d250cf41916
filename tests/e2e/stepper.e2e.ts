/**
 * The stepper (src/components/Stepper.astro) in Chromium: at every step of the built-in
 * scenario on the start-here page, the marked diagram node, the prose and the marked source line
 * agree with the model's trace computed here in Node; the keyboard alone drives it and the
 * aria-live region follows; the permalink and "Copy link" round-trip; without JavaScript the
 * whole trace is listed.
 */
import { AxeBuilder } from '@axe-core/playwright';
import { getBuiltinScenario, MIRRORED_FUNCTIONS, runScenario, toJSONValue } from '@realmfault/model';
import type { TraceEvent, Variant } from '@realmfault/model';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { groupSteps } from '../../src/stepper/locate';
import { stepperProse } from '../../src/stepper/prose';
import type { JsonEvent } from '../../src/stepper/types';
import { baseURL, openPage, useBrowser } from './browser.js';

const { browser } = useBrowser();

const PAGE = '/start-here/';
const SCENARIO = 'private-first-touch';
const VARIANT: Variant = 'v14';
const ROOT = `#stepper-${SCENARIO}-${VARIANT}`;

const MIRRORED = new Set(MIRRORED_FUNCTIONS.map((f) => f.name));

/**
 * What each step should show, from the model: the prose of the step's first event, and the
 * function (or RMI command) running at it — the event's own function for calls, returns,
 * decisions and warnings, the command for an RMI call and for the RTT changes it causes, else the
 * innermost function still open.
 */
function expected(variant: Variant): { prose: string; node: string | null }[] {
  const trace = runScenario(getBuiltinScenario(SCENARIO), { variant }).trace;
  const steps = groupSteps(toJSONValue(trace) as JsonEvent[]);
  const nodeAt: (string | null)[] = [];
  const open: string[] = [];
  let rmi: { cmd: string; depth: number } | null = null;
  trace.forEach((e: TraceEvent) => {
    if (rmi !== null && e.depth <= rmi.depth) rmi = null;
    const top = open[open.length - 1] ?? null;
    switch (e.type) {
      case 'step':
        open.length = 0;
        nodeAt.push(null);
        break;
      case 'fn_enter':
        open.push(e.fn);
        nodeAt.push(e.fn);
        break;
      case 'fn_return':
        nodeAt.push(e.fn);
        if (open.lastIndexOf(e.fn) >= 0) open.length = open.lastIndexOf(e.fn);
        break;
      case 'decision':
      case 'warn_on':
        nodeAt.push(MIRRORED.has(e.fn) ? e.fn : top);
        break;
      case 'rmi_call':
        rmi = { cmd: e.cmd, depth: e.depth };
        nodeAt.push(e.cmd);
        break;
      default:
        nodeAt.push(rmi?.cmd ?? top);
    }
  });
  return steps.map((first) => {
    const e = trace[first];
    if (e === undefined) throw new Error('step outside the trace');
    return { prose: stepperProse(e), node: nodeAt[first] ?? null };
  });
}

async function shown(
  page: Page,
): Promise<{ status: string; prose: string; node: string | null; live: string }> {
  return page.evaluate((sel) => {
    const root = document.querySelector(sel);
    if (root === null) throw new Error(`${sel} missing`);
    const current = root.querySelectorAll('.rf-current');
    if (current.length > 1) throw new Error('more than one node marked current');
    return {
      status: root.querySelector('.rf-stepper-status')?.textContent ?? '',
      prose: root.querySelector('.rf-stepper-prose')?.textContent ?? '',
      node: current[0]?.getAttribute('data-fn') ?? null,
      live: root.querySelector('[aria-live="polite"]')?.textContent ?? '',
    };
  }, ROOT);
}

async function mounted(page: Page): Promise<void> {
  await page.locator(ROOT).scrollIntoViewIfNeeded();
  await page.waitForSelector(`${ROOT}[data-mounted="true"]`);
}

describe('Stepper on the start-here page', () => {
  const want = expected(VARIANT);

  it('shows, at every step, the node and prose of the model trace', async () => {
    const { page, problems } = await openPage(browser());
    await page.goto(`${baseURL()}${PAGE}`);
    await mounted(page);
    await page.locator(`${ROOT} button[data-act="first"]`).focus();
    for (let i = 0; i < want.length; i++) {
      const w = want[i];
      const s = await shown(page);
      expect(s.status, `step ${String(i + 1)}`).toBe(`Step ${String(i + 1)} of ${String(want.length)}`);
      expect(s.prose, `step ${String(i + 1)}`).toBe(w?.prose);
      expect(s.node, `step ${String(i + 1)}: ${w?.prose ?? ''}`).toBe(w?.node);
      if (w?.node != null) {
        await expect(
          page.locator(`${ROOT} [data-fn="${w.node}"]`).getAttribute('aria-current'),
        ).resolves.toBe('step');
      }
      await page.keyboard.press('ArrowRight');
    }
    // The marked source line of a call into the RMM issues that command.
    await page.keyboard.press('Home');
    const dataMap = want.findIndex((w) => w.prose.includes('RMI_RTT_DATA_MAP'));
    for (let i = 0; i < dataMap; i++) await page.keyboard.press('ArrowRight');
    await expect(page.locator(`${ROOT} .rf-src-current`).textContent()).resolves.toContain(
      'RMI_RTT_DATA_MAP(',
    );
    expect(problems).toEqual([]);
  });

  it('is driven by the keyboard alone, with the live region following', async () => {
    const { page, problems } = await openPage(browser());
    await page.goto(`${baseURL()}${PAGE}`);
    await page.evaluate(() => document.querySelector('h2#the-story-of-one-fault')?.scrollIntoView());
    // Tab from the top of the page until focus is inside the stepper.
    let inside = false;
    for (let i = 0; i < 300 && !inside; i++) {
      await page.keyboard.press('Tab');
      inside = await page.evaluate((sel) => document.activeElement?.closest(sel) !== null, ROOT);
    }
    expect(inside).toBe(true);
    await page.waitForSelector(`${ROOT}[data-mounted="true"]`);
    await page.keyboard.press('ArrowRight');
    let s = await shown(page);
    expect(s.status).toBe(`Step 2 of ${String(want.length)}`);
    expect(s.live).toBe(`Step 2 of ${String(want.length)}: ${want[1]?.prose ?? ''}`);
    await page.keyboard.press('End');
    s = await shown(page);
    expect(s.status).toBe(`Step ${String(want.length)} of ${String(want.length)}`);
    expect(s.live).toContain(want[want.length - 1]?.prose ?? '-');
    await page.keyboard.press('Home');
    expect((await shown(page)).status).toBe(`Step 1 of ${String(want.length)}`);
    // The buttons, reached with Tab and pressed with Enter and Space.
    const tabTo = async (act: string): Promise<void> => {
      for (let i = 0; i < 30; i++) {
        const at = await page.evaluate(
          () => (document.activeElement as HTMLElement | null)?.dataset['act'] ?? null,
        );
        if (at === act) return;
        await page.keyboard.press('Tab');
      }
      throw new Error(`no button ${act} reached with Tab`);
    };
    await page.locator(`${ROOT} button[data-act="first"]`).focus();
    await tabTo('next');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Space');
    expect((await shown(page)).status).toBe(`Step 3 of ${String(want.length)}`);
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    s = await shown(page);
    expect(s.status).toBe(`Step 2 of ${String(want.length)}`);
    expect(s.live).toBe(`Step 2 of ${String(want.length)}: ${want[1]?.prose ?? ''}`);
    // At the first step "Previous" stays focusable but does nothing.
    await page.keyboard.press('Home');
    await page.locator(`${ROOT} button[data-act="prev"]`).focus();
    await page.keyboard.press('Enter');
    expect((await shown(page)).status).toBe(`Step 1 of ${String(want.length)}`);
    await expect(page.locator(`${ROOT} button[data-act="prev"]`).getAttribute('aria-disabled')).resolves.toBe(
      'true',
    );
    await expect(page.evaluate(() => document.activeElement?.getAttribute('data-act'))).resolves.toBe('prev');
    expect(problems).toEqual([]);
  });

  it('opens at the step a permalink names, and "Copy link" gives that link', async () => {
    const k = Math.min(want.length, 17);
    const { page, problems } = await openPage(browser());
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL() });
    await page.goto(`${baseURL()}${PAGE}${ROOT}=${String(k)}`);
    await page.waitForSelector(`${ROOT}[data-mounted="true"]`);
    let s = await shown(page);
    expect(s.status).toBe(`Step ${String(k)} of ${String(want.length)}`);
    expect(s.prose).toBe(want[k - 1]?.prose);
    expect(s.node).toBe(want[k - 1]?.node);
    // Move, copy, and open the copied link in a fresh page.
    await page.locator(`${ROOT} button[data-act="next"]`).focus();
    await page.keyboard.press('Enter');
    expect(page.url()).toBe(`${baseURL()}${PAGE}${ROOT}=${String(k + 1)}`);
    await page.locator(`${ROOT} button[data-act="copy"]`).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator(`${ROOT} .rf-stepper-copied`).textContent()).toBe('Link copied');
    await expect(page.locator(`${ROOT} .rf-stepper-copied`).getAttribute('role')).resolves.toBe('status');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(`${baseURL()}${PAGE}${ROOT}=${String(k + 1)}`);
    const other = await openPage(browser());
    await other.page.goto(copied);
    await other.page.waitForSelector(`${ROOT}[data-mounted="true"]`);
    s = await shown(other.page);
    expect(s.status).toBe(`Step ${String(k + 1)} of ${String(want.length)}`);
    expect(s.prose).toBe(want[k]?.prose);
    expect([...problems, ...other.problems]).toEqual([]);
  });

  it.each(['light', 'dark'] as const)('has no axe violation once mounted (%s theme)', async (scheme) => {
    const { page, problems } = await openPage(browser(), scheme);
    await page.addInitScript((t) => {
      localStorage.setItem('starlight-theme', t);
    }, scheme);
    // A step inside realm_create_rtt_levels: source, diagram mark and RTT changes all shown.
    const k = want.findIndex((w) => w.prose.includes('RMI_RTT_CREATE')) + 2;
    await page.goto(`${baseURL()}${PAGE}${ROOT}=${String(k)}`);
    await page.waitForSelector(`${ROOT}[data-mounted="true"]`);
    const { violations } = await new AxeBuilder({ page })
      .include(ROOT)
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
      .analyze();
    expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual(
      [],
    );
    expect(problems).toEqual([]);
  });

  it('lists every step with its prose when JavaScript is off', async () => {
    const context = await browser().newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${baseURL()}${PAGE}`);
    const items = page.locator(`${ROOT} .rf-stepper-list > ol > li`);
    await expect(items.count()).resolves.toBe(want.length);
    for (const i of [0, Math.floor(want.length / 2), want.length - 1]) {
      await expect(items.nth(i).locator('code').first().textContent()).resolves.toBe(want[i]?.prose);
    }
    await expect(page.locator(`${ROOT} .rf-stepper-controls`).isVisible()).resolves.toBe(false);
    await expect(page.locator(`${ROOT} .rf-rtt-tree`).isVisible()).resolves.toBe(true);
    await context.close();
  });
});
