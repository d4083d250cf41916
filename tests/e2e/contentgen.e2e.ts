/**
 * Generated content (issue 6) in a real Chromium: every scenario page is reachable from the
 * Scenarios table and from the sidebar and shows both variants' outcomes as the simulator
 * computes them in Node; the "Checked against" block is on every sitemap page; a reference table
 * has as many rows as the model's table.
 */
import {
  BUILTIN_SCENARIO_NAMES,
  DFSC_TABLE,
  getBuiltinScenario,
  LEDGER,
  runScenario,
  VARIANTS,
} from '@realmfault/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERSION_IDS, VERSIONS } from '../../src/content/versions';
import { baseURL, openPage, sitemapPaths, useBrowser, type WatchedPage } from './browser.js';

const { browser } = useBrowser();
let watched: WatchedPage;
beforeAll(async () => {
  watched = await openPage(browser());
});
afterAll(async () => {
  await watched.page.context().close();
});

const go = async (path: string): Promise<void> => {
  const res = await watched.page.goto(`${baseURL()}${path}`, { waitUntil: 'domcontentloaded' });
  expect(res?.status(), path).toBe(200);
};

/** What a step cell should show, computed from the model in Node. */
function expected(name: string): Record<string, { outcome: string; exits: string; errno: string }[]> {
  const sc = getBuiltinScenario(name);
  return Object.fromEntries(
    VARIANTS.map((variant) => [
      variant,
      runScenario(sc, { variant, trace: false }).steps.map((s) => ({
        outcome: s.outcome,
        exits: s.exits.map((e) => e.reason).join(' '),
        errno: s.errno ?? '',
      })),
    ]),
  );
}

/** The data-outcome/-exits/-errno of the step cells of `variant` under `root`, in order. */
async function shown(
  root: string,
  variant: string,
): Promise<{ outcome: string; exits: string; errno: string }[]> {
  return watched.page.$$eval(
    `${root} [data-variant="${variant}"][data-outcome], ${root} [data-variant="${variant}"] [data-outcome]`,
    (els) =>
      els.map((e) => ({
        outcome: e.getAttribute('data-outcome') ?? '',
        exits: e.getAttribute('data-exits') ?? '',
        errno: e.getAttribute('data-errno') ?? '',
      })),
  );
}

describe('the Scenarios table', () => {
  it('lists every built-in scenario with both variants’ outcomes as the model computes them', async () => {
    await go('/scenarios/');
    const names = await watched.page.$$eval('[data-rf-table="scenarios"] tbody tr', (rows) =>
      rows.map((r) => r.getAttribute('data-scenario')),
    );
    expect(names).toEqual([...BUILTIN_SCENARIO_NAMES]);
    for (const name of BUILTIN_SCENARIO_NAMES) {
      const exp = expected(name);
      for (const v of VARIANTS) {
        expect(await shown(`tr[data-scenario="${name}"]`, v), `${name} ${v}`).toEqual(exp[v]);
      }
    }
  });

  it.each(BUILTIN_SCENARIO_NAMES)('links to %s, whose page shows the same outcomes', async (name) => {
    await go('/scenarios/');
    await Promise.all([
      watched.page.waitForURL(`**/scenarios/${name}/`),
      watched.page.click(`tr[data-scenario="${name}"] th a`),
    ]);
    expect(await watched.page.textContent('h1')).toBe(`Scenario: ${name}`);
    const exp = expected(name);
    for (const v of VARIANTS) {
      expect(await shown(`[data-rf-table="scenario-outcomes"]`, v), v).toEqual(exp[v]);
    }
    // The comparison, both diagrams and the JSON are there.
    expect(await watched.page.$$('.rf-compare')).not.toHaveLength(0);
    expect(await watched.page.textContent('#scenario-json ~ .expressive-code')).toContain(
      `"name": "${name}"`,
    );
    expect(await watched.page.textContent('[data-rf-sources]')).not.toBe('');
  });
});

describe('the sidebar', () => {
  it('lists every scenario page under Scenarios, and a link there opens its page', async () => {
    await go('/scenarios/');
    const hrefs = await watched.page.$$eval('nav[aria-label="Main"] a[href^="/scenarios/"]', (as) =>
      as.map((a) => a.getAttribute('href')),
    );
    expect(hrefs).toEqual(['/scenarios/', ...BUILTIN_SCENARIO_NAMES.map((n) => `/scenarios/${n}/`)]);
    const last = BUILTIN_SCENARIO_NAMES[BUILTIN_SCENARIO_NAMES.length - 1] ?? '';
    await Promise.all([
      watched.page.waitForURL(`**/scenarios/${last}/`),
      watched.page.click(`nav[aria-label="Main"] a[href="/scenarios/${last}/"]`),
    ]);
    expect(
      await watched.page.getAttribute(`nav[aria-label="Main"] a[href="/scenarios/${last}/"]`, 'aria-current'),
    ).toBe('page');
  });
});

describe('the Checked against block', () => {
  it.each(sitemapPaths())('%s shows it, naming known versions, with a link to the details', async (path) => {
    await go(path);
    const block = watched.page.locator('aside.rf-versions');
    expect(await block.count()).toBe(1);
    expect(await block.textContent()).toMatch(/^Checked against .*KVM CCA v14/);
    expect(await block.locator('a[href="/reference/versions-and-limits/"]').count()).toBe(1);
    // Each version links to the tree, commit or message it names.
    for (const a of await block.locator('a[data-version-id]').all()) {
      const id = (await a.getAttribute('data-version-id')) as (typeof VERSION_IDS)[number];
      expect(VERSION_IDS).toContain(id);
      expect(await a.getAttribute('href')).toBe(VERSIONS[id].href);
    }
  });
});

describe('the verification ledger', () => {
  it('has one row per LEDGER entry on the Versions & limits page, each with its code linked', async () => {
    await go('/reference/versions-and-limits/');
    const keys = await watched.page.$$eval('[data-rf-table="ledger"] tbody tr[data-key]', (rows) =>
      rows.map((r) => r.getAttribute('data-key')),
    );
    expect([...keys].sort()).toEqual(LEDGER.map((r) => r.name).sort());
    const row = watched.page.locator('[data-rf-table="ledger"] tr[data-key="realm_map_ipa"]');
    expect(await row.locator('a.rf-cite').count()).toBeGreaterThanOrEqual(2);
  });
});

describe('reference tables', () => {
  it('the DFSC table has one row per row of the model’s DFSC_TABLE', async () => {
    await go('/reference/esr/');
    const rows = await watched.page.$$('[data-rf-table="dfsc"] tbody tr');
    expect(rows).toHaveLength(DFSC_TABLE.length);
    expect(await watched.page.getAttribute('[data-rf-table="dfsc"]', 'data-rf-rows')).toBe(
      String(DFSC_TABLE.length),
    );
  });
});
