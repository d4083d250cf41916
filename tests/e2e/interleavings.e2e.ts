/**
 * The Interleaving explorer (src/components/InterleavingExplorer.astro) in Chromium, against the
 * built site: without JavaScript the page shows the build-time result and every mutation's
 * counterexample; in the page, an exploration with a mutation shows the counterexample the model
 * gives in Node, and its "Open in the playground" link opens the playground with that scenario,
 * whose run reports the same violation; Cancel and the wall-clock limit stop a running
 * exploration (held deterministically: the worker's script is replaced by one that loads and never
 * answers) and the widget says so; the URL hash restores a selection and runs it; the compact
 * widgets render and re-run; no console error.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import { explore, getBuiltinScenario, MUTATIONS, type ExploreOptions } from '@realmfault/model';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { baseURL, openPage, useBrowser } from './browser.js';

const { browser } = useBrowser();
const PATH = '/playground/interleavings/';
const IX = '[data-rf-widget="interleavings"]';
const COMPACT = '[data-rf-widget="interleavings-compact"]';
const PG = '[data-rf-widget="playground"]';
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** What the model's explorer finds in Node: the broken invariants and their messages. */
function expected(scenario: string, opts: ExploreOptions): { invariant: number; message: string }[] {
  return explore(getBuiltinScenario(scenario), opts).counterexamples.map((c) => ({
    invariant: c.invariant,
    message: c.message,
  }));
}

/** The counterexamples a result element shows. */
async function shown(page: Page, within: string): Promise<{ invariant: number; message: string }[]> {
  return page.locator(`${within} .rf-ix-cx`).evaluateAll((els) =>
    els.map((el) => ({
      invariant: Number(el.getAttribute('data-invariant')),
      message: el.querySelector('.rf-ix-message')?.textContent.trim() ?? '',
    })),
  );
}

/** The path of the widget's worker script in dist/_astro (named by its client chunk). */
function workerPath(): string {
  const dir = 'dist/_astro';
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.js')) continue;
    const text = readFileSync(`${dir}/${f}`, 'utf8');
    if (!text.includes('realmfault-interleavings')) continue;
    const m = /worker-[\w-]+\.js/.exec(text);
    if (m) return `/_astro/${m[0]}`;
  }
  throw new Error('no client chunk in dist/_astro names the interleaving worker');
}

async function ready(page: Page, sel = IX): Promise<void> {
  await page.waitForSelector(`${sel}[data-ready="true"]`);
}

async function done(page: Page, sel = IX, runs = 1): Promise<void> {
  await page.waitForFunction(
    ([s, n]) => {
      const el = document.querySelector<HTMLElement>(s);
      return el !== null && Number(el.dataset['runs'] ?? '0') >= n;
    },
    [sel, runs] as const,
  );
}

describe('Interleaving explorer', () => {
  it('shows the build-time result and every mutation’s counterexample without JavaScript', async () => {
    const context = await browser().newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${baseURL()}${PATH}`);
    const def = JSON.parse((await page.locator(IX).getAttribute('data-selection')) ?? '{}') as {
      scenario: string;
      variant: 'v14' | 'post-v14-review';
      mutations: string[];
      bound: number;
    };
    const want = expected(def.scenario, { variant: def.variant, mutations: def.mutations, bound: def.bound });
    expect(want.length).toBeGreaterThan(0);
    expect(await shown(page, `${IX} .rf-ix-out`)).toEqual(want);
    await expect(page.locator(`${IX} .rf-ix-invariants tbody tr`).count()).resolves.toBe(7);
    await expect(page.locator(`${IX} .rf-ix-open`).first().getAttribute('href')).resolves.toMatch(
      /^\/playground\/#v=post-v14-review&s=[\w-]+$/,
    );
    await expect(page.locator(`${IX} .rf-ix-download`).first().getAttribute('href')).resolves.toMatch(
      /^data:application\/json/,
    );
    // The mutation table: every mutation, each with the counterexample the explorer finds on its example.
    for (const m of MUTATIONS) {
      const row = `.rf-ix-mutations [data-mutation="${m.name}"]`;
      const want = expected(m.example.scenario, { variant: m.example.variant, mutations: [m.name] });
      expect(await shown(page, row), m.name).toEqual(want);
    }
    await context.close();
  });

  it('explores a mutation in the page and opens its counterexample in the playground', async () => {
    const { page, problems } = await openPage(browser());
    await page.goto(`${baseURL()}${PATH}`);
    await ready(page);
    await page.locator(`${IX} select[name="scenario"]`).selectOption('invalidation-race');
    await page.locator(`${IX} input[name="variant"][value="post-v14-review"]`).check();
    for (const m of MUTATIONS)
      await page.locator(`${IX} input[name="mutation"][value="${m.name}"]`).uncheck();
    await page.locator(`${IX} input[name="mutation"][value="attributes-skip-unmap"]`).check();
    await expect(page.locator(`${IX} .rf-ix-pending`).isVisible()).resolves.toBe(true);
    expect(new URL(page.url()).hash).toBe(
      '#x=invalidation-race&v=post-v14-review&m=attributes-skip-unmap&b=2',
    );
    await page.locator(`${IX} button.rf-ix-run`).click();
    await done(page);
    await expect(page.locator(IX).getAttribute('data-state')).resolves.toBe('done');
    const want = expected('invalidation-race', {
      variant: 'post-v14-review',
      mutations: ['attributes-skip-unmap'],
    });
    expect(want.map((w) => w.invariant)).toEqual([6]);
    expect(await shown(page, `${IX} .rf-ix-out`)).toEqual(want);
    await expect(page.locator(`${IX} .rf-ix-status`).textContent()).resolves.toContain(
      'Broken: invariant 6 (private mapping of a shared GFN)',
    );
    const { violations } = await new AxeBuilder({ page }).include(IX).withTags(TAGS).analyze();
    expect(violations.map((v) => `${v.id}: ${v.nodes.map((x) => x.target.join(' ')).join(', ')}`)).toEqual(
      [],
    );
    // The playground runs the counterexample and reports the same violation.
    await page.locator(`${IX} .rf-ix-open`).first().click();
    await page.waitForURL(/\/playground\/#v=post-v14-review&s=/);
    await page.waitForFunction(
      (sel) => document.querySelector<HTMLElement>(sel)?.dataset['running'] === 'false',
      PG,
    );
    const status = (await page.locator(`${PG} .rf-pg-status`).textContent()) ?? '';
    expect(status).toContain('Ran invalidation-race-attributes-skip-unmap-invariant-6 under post-v14-review');
    expect(status).toContain(`Invariant violations: ${want[0]?.message ?? '?'}`);
    expect(problems).toEqual([]);
  });

  it('cancels a running exploration, and stops one past the time limit, with a message', async () => {
    const { page, problems } = await openPage(browser());
    // Hold the worker: it loads and never answers, so the exploration runs until it is stopped.
    await page.route(`${baseURL()}${workerPath()}`, (route) =>
      route.fulfill({ contentType: 'text/javascript', body: 'postMessage({ ready: true });' }),
    );
    await page.goto(`${baseURL()}${PATH}`);
    await ready(page);
    await page.locator(`${IX} button.rf-ix-run`).click();
    await page.waitForSelector(`${IX}[data-state="running"] .rf-ix-cancel:not([hidden])`);
    await expect(page.locator(`${IX} .rf-ix-progress`).isVisible()).resolves.toBe(true);
    await expect(page.locator(`${IX} button.rf-ix-run`).isDisabled()).resolves.toBe(true);
    await page.locator(`${IX} button.rf-ix-cancel`).click();
    await done(page);
    await expect(page.locator(IX).getAttribute('data-state')).resolves.toBe('cancelled');
    await expect(page.locator(`${IX} .rf-ix-out .rf-ix-error`).textContent()).resolves.toMatch(/^Cancelled/);
    await expect(page.locator(`${IX} .rf-ix-progress`).isVisible()).resolves.toBe(false);
    // The wall-clock limit (the page's knob, as the playground's): a held run is terminated.
    await page.locator(IX).evaluate((el: HTMLElement) => {
      el.dataset['timeLimitMs'] = '300';
    });
    await page.locator(`${IX} button.rf-ix-run`).click();
    await done(page, IX, 2);
    await expect(page.locator(IX).getAttribute('data-state')).resolves.toBe('timeout');
    await expect(page.locator(`${IX} .rf-ix-out .rf-ix-error`).textContent()).resolves.toMatch(
      /^Stopped: the exploration took longer than 0.3 s, so its worker was terminated/,
    );
    // With the real worker back, the next run starts a fresh one and finishes.
    await page.unrouteAll();
    await page.locator(IX).evaluate((el: HTMLElement) => {
      el.dataset['timeLimitMs'] = '20000';
    });
    await page.locator(`${IX} button.rf-ix-run`).click();
    await done(page, IX, 3);
    await expect(page.locator(IX).getAttribute('data-state')).resolves.toBe('done');
    expect(problems).toEqual([]);
  });

  it('restores a selection from the URL hash and explores it', async () => {
    const { page, problems } = await openPage(browser());
    await page.goto(`${baseURL()}${PATH}#x=invalidation-race&v=v14&m=gmem-abort-no-attribute-check&b=3`);
    await ready(page);
    await expect(page.locator(`${IX} select[name="scenario"]`).inputValue()).resolves.toBe(
      'invalidation-race',
    );
    await expect(page.locator(`${IX} input[name="variant"][value="v14"]`).isChecked()).resolves.toBe(true);
    await expect(
      page.locator(`${IX} input[name="mutation"][value="gmem-abort-no-attribute-check"]`).isChecked(),
    ).resolves.toBe(true);
    await expect(
      page.locator(`${IX} input[name="mutation"][value="notifier-skips-shared-unmap"]`).isChecked(),
    ).resolves.toBe(false);
    await expect(page.locator(`${IX} input[name="bound"]`).inputValue()).resolves.toBe('3');
    await done(page);
    const want = expected('invalidation-race', {
      variant: 'v14',
      mutations: ['gmem-abort-no-attribute-check'],
      bound: 3,
    });
    expect(await shown(page, `${IX} .rf-ix-out`)).toEqual(want);
    await expect(page.locator(`${IX} .rf-ix-what`).textContent()).resolves.toContain('bound 3');
    // A bad bound is refused next to the field; an unknown name in a link is reported.
    await page.locator(`${IX} input[name="bound"]`).fill('99');
    await page.locator(`${IX} button.rf-ix-run`).click();
    await expect(page.locator(`${IX} .rf-ix-bound-error`).textContent()).resolves.toMatch(
      /^The bound must be/,
    );
    await expect(page.locator(`${IX} input[name="bound"]`).getAttribute('aria-invalid')).resolves.toBe(
      'true',
    );
    await page.goto(`${baseURL()}${PATH}#x=no-such-scenario&v=v14&b=2`);
    await ready(page);
    await expect(page.locator(`${IX} .rf-ix-url-problems`).textContent()).resolves.toContain(
      'There is no scenario “no-such-scenario”',
    );
    expect(problems).toEqual([]);
  });

  it.each([
    [
      '/fault-path/invalidation/',
      'shared-fault-vmm-written',
      ['skip-mmu-invalidate-retry', 'mmu-seq-after-lookup', 'notifier-skips-shared-unmap'],
      2,
    ],
    [
      '/conversions/explicit/',
      'invalidation-race',
      ['gmem-abort-no-attribute-check', 'attributes-skip-unmap'],
      0,
    ],
  ] as const)('%s: the compact comparison renders and re-runs', async (path, scenario, mutations, bound) => {
    const { page, problems } = await openPage(browser());
    await page.goto(`${baseURL()}${path}`);
    await ready(page, COMPACT);
    const items = `${COMPACT} .rf-ix-runs > li`;
    const before = async (): Promise<string[]> =>
      page
        .locator(items)
        .evaluateAll((els) =>
          els.map((e) => `${e.getAttribute('data-mutation') ?? ''}:${e.getAttribute('data-broken') ?? ''}`),
        );
    const want = [
      `:${expected(scenario, { variant: 'post-v14-review', bound })
        .map((c) => c.invariant)
        .join(',')}`,
      ...mutations.map(
        (m) =>
          `${m}:${expected(scenario, { variant: 'post-v14-review', mutations: [m], bound })
            .map((c) => c.invariant)
            .join(',')}`,
      ),
    ];
    expect(await before()).toEqual(want);
    const messages = await shown(page, COMPACT);
    // Every mutation row shows the counterexample its mutation leads to.
    for (const m of mutations)
      await expect(
        page.locator(`${COMPACT} li[data-mutation="${m}"] .rf-ix-cx`).count(),
        m,
      ).resolves.toBeGreaterThan(0);
    await page.locator(`${COMPACT} button.rf-ix-run`).click();
    await done(page, COMPACT);
    await expect(page.locator(COMPACT).getAttribute('data-state')).resolves.toBe('done');
    expect(await before()).toEqual(want);
    expect(await shown(page, COMPACT)).toEqual(messages);
    // Each row links to the full explorer with its selection.
    const links = await page
      .locator(`${COMPACT} a.rf-ix-full`)
      .evaluateAll((els) => els.map((a) => a.getAttribute('href')));
    expect(links).toEqual([
      `${PATH}#x=${scenario}&v=post-v14-review&b=${bound}`,
      ...mutations.map((m) => `${PATH}#x=${scenario}&v=post-v14-review&m=${m}&b=${bound}`),
    ]);
    // The unmutated run holds at this bound: each mutation's counterexample is its own.
    expect(want[0]).toBe(':');
    expect(problems).toEqual([]);
  });
});
