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
  pageWithoutWidgets: {
    maxScriptBytesBeforeLoad: number;
    maxScriptGzipBeforeLoad: number;
    maxStyleBytesBeforeLoad: number;
    maxStyleGzipBeforeLoad: number;
  };
  pageWithWidgets: { extraGzipKB: number; extraStyleGzipKB: number };
  pageWithDiagrams: {
    marker: string;
    script: string;
    extraBytes: number;
    extraGzipBytes: number;
    stylesheet: string;
    extraStyleBytes: number;
    extraStyleGzipBytes: number;
  };
  serviceWorkerRegistration: { marker: string; extraBytes: number; extraGzipBytes: number };
}

/**
 * The widgets' stylesheets (imported by their components, not in Starlight's customCss): a
 * selector only that stylesheet defines, and the root classes of the widgets that need it.
 */
const WIDGET_STYLES = [
  { sheet: 'src/styles/snippets.css', rule: '.rf-snippet-controls', roots: ['rf-snippet'] },
  {
    sheet: 'src/styles/stepper.css',
    rule: '.rf-stepper-grid',
    roots: ['rf-stepper', 'rf-rtt', 'rf-playground'],
  },
  { sheet: 'src/styles/widgets.css', rule: '.rf-decoder-stale', roots: ['rf-decoder', 'rf-fx'] },
  { sheet: 'src/styles/interleavings.css', rule: '.rf-ix-counts', roots: ['rf-ix', 'rf-ix-table'] },
  { sheet: 'src/styles/replay.css', rule: '.rf-rp-viewport', roots: ['rf-rp'] },
] as const;

/** Whether the HTML has an element whose class list includes `cls`. */
const hasClass = (html: string, cls: string): boolean =>
  new RegExp(`class="(?:[^"]* )?${cls}(?: [^"]*)?"`).test(html);

const BUDGETS = JSON.parse(readFileSync('bench/budgets.json', 'utf8')) as Budgets;

interface Bytes {
  raw: number;
  gzip: number;
}

interface ScriptWeight {
  /** Script responses received before the load event: URL, raw bytes, gzip bytes. */
  files: { url: string; raw: number; gzip: number }[];
  inline: Bytes;
  /** The offline support's registration script(s) among the inline ones, each gzipped alone. */
  registration: Bytes & { count: number };
  raw: number;
  gzip: number;
  hasWidget: boolean;
  /** The page draws a diagram (BUDGETS.pageWithDiagrams.marker). */
  hasDiagram: boolean;
  /** CSS before the load event: stylesheet responses plus inline <style> elements. */
  style: Bytes & { files: { url: string; raw: number; gzip: number }[]; inline: Bytes; text: string };
  /** The page's HTML as served. */
  html: string;
}

/** Raw and gzip size of some texts, each gzipped on its own (as files are). */
const sizeOf = (texts: readonly string[]): Bytes =>
  texts.reduce(
    (a, t) => {
      const b = Buffer.from(t);
      return { raw: a.raw + b.length, gzip: a.gzip + (b.length ? gzipSync(b).length : 0) };
    },
    { raw: 0, gzip: 0 },
  );

/** The JavaScript `path` runs before its load event, in bytes and gzip bytes. */
async function scriptWeight(browser: Browser, path: string): Promise<ScriptWeight> {
  // No service worker: it would download the whole site behind each measured page.
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  const pending: Promise<{ url: string; raw: number; gzip: number } | null>[] = [];
  const sheets: Promise<{ url: string; raw: number; gzip: number; text: string }>[] = [];
  let loaded = false;
  page.on('load', () => {
    loaded = true;
  });
  page.on('response', (res) => {
    if (!loaded && res.request().resourceType() === 'stylesheet') {
      sheets.push(
        res.body().then((body) => ({
          url: res.url(),
          raw: body.length,
          gzip: gzipSync(body).length,
          text: body.toString('utf8'),
        })),
      );
    }
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
  const inlineScripts = [...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>([\s\S]*?)<\/script>/g)]
    .filter((m) => !/type=["']?application\/(ld\+)?json/.test(m[1] ?? ''))
    .map((m) => m[2] ?? '');
  const inlineText = inlineScripts.join('');
  const registrations = inlineScripts.filter((t) => t.includes(BUDGETS.serviceWorkerRegistration.marker));
  const inlineBody = Buffer.from(inlineText);
  const inline = { raw: inlineBody.length, gzip: inlineBody.length ? gzipSync(inlineBody).length : 0 };
  const hasWidget = (await page.locator(`[${BUDGETS.widgetMarker}]`).count()) > 0;
  const hasDiagram = (await page.locator(BUDGETS.pageWithDiagrams.marker).count()) > 0;
  const styleFiles = await Promise.all(sheets);
  const inlineStyles = [...html.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/g)].map((m) => m[1] ?? '');
  const inlineStyle = sizeOf(inlineStyles);
  await context.close();
  return {
    html,
    style: {
      files: styleFiles.map(({ url, raw, gzip }) => ({ url, raw, gzip })),
      inline: inlineStyle,
      raw: inlineStyle.raw + styleFiles.reduce((a, f) => a + f.raw, 0),
      gzip: inlineStyle.gzip + styleFiles.reduce((a, f) => a + f.gzip, 0),
      text: [...styleFiles.map((f) => f.text), ...inlineStyles].join('\n'),
    },
    files,
    inline,
    registration: { ...sizeOf(registrations), count: registrations.length },
    raw: inline.raw + files.reduce((a, f) => a + f.raw, 0),
    gzip: inline.gzip + files.reduce((a, f) => a + f.gzip, 0),
    hasWidget,
    hasDiagram,
  };
}

const { browser } = useBrowser();

/** Each page is loaded once: the script and style tests read the same measurement. */
const measured = new Map<string, Promise<ScriptWeight>>();
function weightOf(path: string): Promise<ScriptWeight> {
  let w = measured.get(path);
  if (!w) {
    w = scriptWeight(browser(), path);
    measured.set(path, w);
  }
  return w;
}

/** One line for a failure message: the page's total, its inline part and each file. */
function detailOf(
  path: string,
  hasWidget: boolean,
  what: string,
  total: Bytes,
  inline: Bytes,
  files: readonly { url: string; raw: number; gzip: number }[],
): string {
  const line = [
    `${path} (${hasWidget ? 'with widgets' : 'without widgets'}): ${what}${total.raw} B / ${total.gzip} B gzip`,
    `inline ${inline.raw} / ${inline.gzip}`,
    ...files.map((f) => `${new URL(f.url).pathname} ${f.raw} / ${f.gzip}`),
  ].join('; ');
  if (process.env['BUDGETS_VERBOSE'] === '1') console.log(line);
  return line;
}

/**
 * The diagram frame's file (module or stylesheet) among a page's responses: absent from pages
 * without diagrams, within its allowance where loaded. Returns how many times it was loaded and
 * the allowance the page gets (the file's cap on a diagram page, else nothing).
 */
function frameAllowance(
  files: readonly { url: string; raw: number; gzip: number }[],
  file: string,
  hasDiagram: boolean,
  maxRaw: number,
  maxGzip: number,
  detail: string,
): { loaded: number; raw: number; gzip: number } {
  const frame = files.filter((f) => new URL(f.url).pathname === file);
  if (!hasDiagram) expect(frame, detail).toEqual([]);
  for (const f of frame) {
    expect(f.raw, detail).toBeLessThanOrEqual(maxRaw);
    expect(f.gzip, detail).toBeLessThanOrEqual(maxGzip);
  }
  return { loaded: frame.length, raw: hasDiagram ? maxRaw : 0, gzip: hasDiagram ? maxGzip : 0 };
}

describe('JavaScript before the load event (bench/budgets.json)', () => {
  it('has positive budgets for pages without widgets and a widget allowance', () => {
    const { maxScriptBytesBeforeLoad, maxScriptGzipBeforeLoad } = BUDGETS.pageWithoutWidgets;
    expect(maxScriptGzipBeforeLoad).toBeGreaterThan(0);
    expect(maxScriptBytesBeforeLoad).toBeGreaterThanOrEqual(maxScriptGzipBeforeLoad);
    expect(BUDGETS.pageWithWidgets.extraGzipKB).toBeGreaterThanOrEqual(0);
    expect(BUDGETS.widgetMarker).toMatch(/^data-[a-z-]+$/);
    expect(BUDGETS.serviceWorkerRegistration.extraGzipBytes).toBeGreaterThan(0);
    expect(BUDGETS.serviceWorkerRegistration.extraBytes).toBeGreaterThanOrEqual(
      BUDGETS.serviceWorkerRegistration.extraGzipBytes,
    );
  });

  it.each(sitemapPaths())('%s stays within its budget', async (path) => {
    const w = await weightOf(path);
    const base = BUDGETS.pageWithoutWidgets;
    const diagrams = BUDGETS.pageWithDiagrams;
    const extra = w.hasWidget ? BUDGETS.pageWithWidgets.extraGzipKB * 1024 : 0;
    const detail = detailOf(path, w.hasWidget, '', w, w.inline, w.files);
    // The entry module of every Starlight page must be seen, or nothing is being measured.
    expect(w.files.length, detail).toBeGreaterThan(0);
    // The diagram frame's module: loaded by exactly the pages that draw a diagram, and within
    // its allowance, which is then all such a page may add.
    const frame = frameAllowance(
      w.files,
      diagrams.script,
      w.hasDiagram,
      diagrams.extraBytes,
      diagrams.extraGzipBytes,
      detail,
    );
    expect(frame.loaded, detail).toBe(w.hasDiagram ? 1 : 0);
    const { raw: frameRaw, gzip: frameGzip } = frame;
    // Issue 16: every page carries the offline support's registration script once, within its
    // allowance, which is then all it may add.
    const sw = BUDGETS.serviceWorkerRegistration;
    const reg = w.registration;
    const regDetail = `${detail}; service worker registration ${reg.raw} / ${reg.gzip}`;
    expect(reg.count, regDetail).toBe(1);
    expect(reg.raw, regDetail).toBeLessThanOrEqual(sw.extraBytes);
    expect(reg.gzip, regDetail).toBeLessThanOrEqual(sw.extraGzipBytes);
    expect(w.gzip, regDetail).toBeLessThanOrEqual(
      base.maxScriptGzipBeforeLoad + extra + frameGzip + sw.extraGzipBytes,
    );
    if (!w.hasWidget)
      expect(w.raw, regDetail).toBeLessThanOrEqual(base.maxScriptBytesBeforeLoad + frameRaw + sw.extraBytes);
  });
});

describe('CSS before the load event (bench/budgets.json)', () => {
  it('names widget rules that exist in their stylesheets, and positive style budgets', () => {
    for (const w of WIDGET_STYLES) expect(readFileSync(w.sheet, 'utf8'), w.sheet).toContain(`${w.rule} `);
    const b = BUDGETS.pageWithoutWidgets;
    expect(b.maxStyleGzipBeforeLoad).toBeGreaterThan(0);
    expect(b.maxStyleBytesBeforeLoad).toBeGreaterThanOrEqual(b.maxStyleGzipBeforeLoad);
    expect(BUDGETS.pageWithWidgets.extraStyleGzipKB).toBeGreaterThanOrEqual(0);
  });

  it.each(sitemapPaths())(
    '%s stays within its style budget and loads the styles of exactly the widgets it has',
    async (path) => {
      const w = await weightOf(path);
      const s = w.style;
      const base = BUDGETS.pageWithoutWidgets;
      const extra = w.hasWidget ? BUDGETS.pageWithWidgets.extraStyleGzipKB * 1024 : 0;
      const detail = detailOf(path, w.hasWidget, 'CSS ', s, s.inline, s.files);
      // Starlight's own stylesheet must be seen, or nothing is being measured.
      expect(s.files.length, detail).toBeGreaterThan(0);
      // The diagram frame's stylesheet (linked by its module, maybe after the load event): only
      // on pages that draw a diagram, and within its allowance.
      const diagrams = BUDGETS.pageWithDiagrams;
      const frame = frameAllowance(
        s.files,
        diagrams.stylesheet,
        w.hasDiagram,
        diagrams.extraStyleBytes,
        diagrams.extraStyleGzipBytes,
        detail,
      );
      const { raw: frameRaw, gzip: frameGzip } = frame;
      expect(s.gzip, detail).toBeLessThanOrEqual(base.maxStyleGzipBeforeLoad + extra + frameGzip);
      if (!w.hasWidget) expect(s.raw, detail).toBeLessThanOrEqual(base.maxStyleBytesBeforeLoad + frameRaw);
      for (const ws of WIDGET_STYLES) {
        const present = ws.roots.filter((r) => hasClass(w.html, r));
        const has = present.length > 0;
        expect(
          s.text.includes(ws.rule),
          `${path}: ${has ? present.join(', ') : `no ${ws.roots.join(' / ')}`} on the page, so ${ws.rule} (${ws.sheet}) ${has ? 'must' : 'must not'} load`,
        ).toBe(has);
      }
    },
  );
});
