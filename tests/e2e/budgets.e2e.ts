/**
 * JavaScript budgets (issue 7): each built page, loaded in Chromium, may run no more JavaScript
 * before the load event than bench/budgets.json allows — a page without widgets no more than a
 * default Starlight content page, a page with a widget (an element carrying the budgets file's
 * widgetMarker attribute) that plus the widget allowance. Bytes, gzipped with node:zlib, not
 * timings: the gate is deterministic.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { baseURL, sitemapPaths, useBrowser } from './browser.js';

interface Budgets {
  widgetMarker: string;
  pageWithoutWidgets: { maxScriptBytesBeforeLoad: number; maxScriptGzipBeforeLoad: number };
  pageWithWidgets: { extraGzipKB: number };
}

const BUDGETS = JSON.parse(readFileSync('bench/budgets.json', 'utf8')) as Budgets;

interface ScriptWeight {
  /** Script responses received before the load event: URL, raw bytes, gzip bytes. */
  files: { url: string; raw: number; gzip: number }[];
  inline: { raw: number; gzip: number };
  raw: number;
  gzip: number;
  hasWidget: boolean;
}

/** The JavaScript `path` runs before its load event, in bytes and gzip bytes. */
async function scriptWeight(browser: Browser, path: string): Promise<ScriptWeight> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const pending: Promise<{ url: string; raw: number; gzip: number } | null>[] = [];
  let loaded = false;
  page.on('load', () => {
    loaded = true;
  });
  page.on('response', (res) => {
    if (loaded || res.request().resourceType() !== 'script') return;
    pending.push(
      res.body().then((body) => ({ url: res.url(), raw: body.length, gzip: gzipSync(body).length })),
    );
  });
  const response = await page.goto(`${baseURL()}${path}`, { waitUntil: 'load' });
  expect(response?.status(), `${path} status`).toBe(200);
  const html = (await response?.text()) ?? '';
  const files = (await Promise.all(pending)).filter((f) => f !== null);
  // Inline <script> elements (not JSON data blocks) run at load too; they are inside the HTML.
  const inlineText = [...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>([\s\S]*?)<\/script>/g)]
    .filter((m) => !/type=["']?application\/(ld\+)?json/.test(m[1] ?? ''))
    .map((m) => m[2] ?? '')
    .join('');
  const inlineBody = Buffer.from(inlineText);
  const inline = { raw: inlineBody.length, gzip: inlineBody.length ? gzipSync(inlineBody).length : 0 };
  const hasWidget = (await page.locator(`[${BUDGETS.widgetMarker}]`).count()) > 0;
  await context.close();
  return {
    files,
    inline,
    raw: inline.raw + files.reduce((a, f) => a + f.raw, 0),
    gzip: inline.gzip + files.reduce((a, f) => a + f.gzip, 0),
    hasWidget,
  };
}

const { browser } = useBrowser();

describe('JavaScript before the load event (bench/budgets.json)', () => {
  it('has positive budgets for pages without widgets and a widget allowance', () => {
    const { maxScriptBytesBeforeLoad, maxScriptGzipBeforeLoad } = BUDGETS.pageWithoutWidgets;
    expect(maxScriptGzipBeforeLoad).toBeGreaterThan(0);
    expect(maxScriptBytesBeforeLoad).toBeGreaterThanOrEqual(maxScriptGzipBeforeLoad);
    expect(BUDGETS.pageWithWidgets.extraGzipKB).toBeGreaterThanOrEqual(0);
    expect(BUDGETS.widgetMarker).toMatch(/^data-[a-z-]+$/);
  });

  it.each(sitemapPaths())('%s stays within its budget', async (path) => {
    const w = await scriptWeight(browser(), path);
    const base = BUDGETS.pageWithoutWidgets;
    const extra = w.hasWidget ? BUDGETS.pageWithWidgets.extraGzipKB * 1024 : 0;
    const detail = [
      `${path} (${w.hasWidget ? 'with widgets' : 'without widgets'}): ${w.raw} B / ${w.gzip} B gzip`,
      `inline ${w.inline.raw} / ${w.inline.gzip}`,
      ...w.files.map((f) => `${new URL(f.url).pathname} ${f.raw} / ${f.gzip}`),
    ].join('; ');
    if (process.env['BUDGETS_VERBOSE'] === '1') console.log(detail);
    // The entry module of every Starlight page must be seen, or nothing is being measured.
    expect(w.files.length, detail).toBeGreaterThan(0);
    expect(w.gzip, detail).toBeLessThanOrEqual(base.maxScriptGzipBeforeLoad + extra);
    if (!w.hasWidget) expect(w.raw, detail).toBeLessThanOrEqual(base.maxScriptBytesBeforeLoad);
  });
});
