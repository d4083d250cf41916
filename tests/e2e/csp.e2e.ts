/**
 * The Content-Security-Policy (issue 7; `security.csp` in astro.config.mjs): every built page
 * carries it as a <meta http-equiv>, it is in force (eval, new Function and injected inline
 * scripts are blocked and reported), and the site works under it — theme switch and search —
 * with no violation reported on any page.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { baseURL, openPage, sitemapPaths, useBrowser } from './browser.js';

const { browser } = useBrowser();

declare global {
  interface Window {
    __cspViolations?: string[];
  }
}

/** Record every securitypolicyviolation from the very start of each document. */
async function watchViolations(page: Page): Promise<void> {
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations?.push(`${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'}`);
    });
  });
}

const violations = (page: Page): Promise<string[]> =>
  page.evaluate(() => [...(window.__cspViolations ?? [])]);

/** The policy's directives, from the page's meta element: name → sources. */
async function policyOf(page: Page): Promise<Map<string, string[]>> {
  const metas = await page
    .locator('meta[http-equiv="content-security-policy" i]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('content') ?? ''));
  expect(metas, 'exactly one CSP meta element').toHaveLength(1);
  const map = new Map<string, string[]>();
  for (const part of (metas[0] ?? '').split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) map.set(name.toLowerCase(), sources);
  }
  return map;
}

describe('Content-Security-Policy', () => {
  it.each(sitemapPaths())('%s carries the policy and reports no violation', async (path) => {
    const { page, problems } = await openPage(browser());
    await watchViolations(page);
    await page.goto(`${baseURL()}${path}`, { waitUntil: 'networkidle' });
    const policy = await policyOf(page);
    const scriptSrc = policy.get('script-src') ?? [];
    expect(scriptSrc).toContain("'self'");
    expect(scriptSrc).not.toContain("'unsafe-eval'");
    expect(scriptSrc).not.toContain("'unsafe-inline'");
    expect(policy.get('worker-src')).toEqual(["'self'", 'blob:']);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('default-src')).toEqual(["'self'"]);
    expect(await violations(page)).toEqual([]);
    // Chromium also logs each violation as a console error, which openPage records.
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('is in force: eval, new Function, string timers and injected inline scripts are blocked and reported', async () => {
    const { page } = await openPage(browser());
    await watchViolations(page);
    // A same-origin script, as the site's own would be: allowed to run, but not to eval.
    // (Code evaluated through the DevTools protocol is exempt from CSP, so the attempts must
    // come from a script the page itself loads.)
    await page.route('**/__csp-probe.js', (route) =>
      route.fulfill({
        contentType: 'text/javascript',
        body: `
          const attempt = (f) => { try { f(); return 'ran'; } catch (e) { return e instanceof Error ? e.name : 'threw'; } };
          window.__probe = {
            eval: attempt(() => eval('1')),
            newFunction: attempt(() => new Function('return 1')),
            setTimeoutString: attempt(() => setTimeout('document.title = "injected"', 0)),
          };`,
      }),
    );
    await page.goto(`${baseURL()}/concepts/`, { waitUntil: 'networkidle' });
    await page.evaluate(async () => {
      const probe = document.createElement('script');
      probe.src = '/__csp-probe.js';
      const loaded = new Promise((ok) => {
        probe.addEventListener('load', ok);
      });
      document.body.append(probe);
      await loaded;
      const inline = document.createElement('script');
      inline.textContent = 'document.documentElement.dataset.injected = "yes"';
      document.body.append(inline);
    });
    await page.waitForTimeout(200);
    const outcome = await page.evaluate(
      () => (window as unknown as { __probe?: Record<string, string> }).__probe,
    );
    expect(outcome).toEqual({ eval: 'EvalError', newFunction: 'EvalError', setTimeoutString: 'ran' });
    // setTimeout with a string returns normally but its code never runs.
    await expect(page.title()).resolves.not.toBe('injected');
    await expect(page.evaluate(() => document.documentElement.dataset['injected'])).resolves.toBeUndefined();
    const seen = await violations(page);
    expect(seen.filter((v) => v === 'script-src blocked eval')).toHaveLength(3);
    expect(seen).toContain('script-src-elem blocked inline');
    await page.context().close();
  });

  it('lets the site work: theme switch and search, with no violation', async () => {
    const { page, problems } = await openPage(browser(), 'light');
    await watchViolations(page);
    await page.goto(`${baseURL()}/concepts/`, { waitUntil: 'networkidle' });
    const theme = () => page.evaluate(() => document.documentElement.dataset['theme']);
    await page.locator('starlight-theme-select select').first().selectOption('dark');
    await expect(theme()).resolves.toBe('dark');
    await page.reload({ waitUntil: 'networkidle' });
    // The theme is restored by Starlight's inline script, which only runs if its hash is allowed.
    await expect(theme()).resolves.toBe('dark');

    // Search: Pagefind compiles WebAssembly and loads its index under the policy.
    await page.locator('site-search button[data-open-modal]').click();
    await page.locator('#starlight__search input').first().fill('realm');
    await page.locator('#starlight__search .pagefind-ui__result-link').first().waitFor();
    expect(await page.locator('#starlight__search .pagefind-ui__result').count()).toBeGreaterThan(0);
    expect(await violations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
