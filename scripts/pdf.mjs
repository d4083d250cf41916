// @ts-check
/**
 * `npm run pdf`: the print edition (src/pages/print) as PDF files, one per print page, in pdf/.
 *
 *   npm run pdf                     every print page: the whole site and each section
 *   npm run pdf -- concepts         one section (its folder name); several may be named
 *   npm run pdf -- site             the whole site only
 *
 * Builds nothing: it serves the built site (dist/, from `npm run build`) with scripts/serve.mjs
 * and prints each page with the test Chromium (scripts/chromium.mjs), A4, backgrounds on, page
 * numbers in the footer. Set BASE_PATH (and OUT_DIR) as for the build when the site was built
 * under a base path.
 */
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { launchOptions } from './chromium.mjs';
import { serve } from './serve.mjs';
import { normaliseBase, outDir } from './site-config.mjs';

/** The name that stands for the whole-site print page. */
export const WHOLE_SITE = 'site';

/**
 * The print pages in a built site: `site` (dist/print/index.html) and every section
 * (dist/print/<section>/index.html). Throws with the fix when the site is not built.
 * @param {string} dist
 * @returns {string[]}
 */
export function printPagesIn(dist) {
  const root = join(dist, 'print');
  if (!existsSync(join(dist, 'index.html'))) {
    throw new Error(`${dist}/ has no built site: run \`npm run build\` first.`);
  }
  if (!existsSync(join(root, 'index.html'))) {
    throw new Error(`${dist}/print/index.html is missing: the build has no print edition (src/pages/print).`);
  }
  const sections = readdirSync(root)
    .filter((name) => statSync(join(root, name)).isDirectory() && existsSync(join(root, name, 'index.html')))
    .sort();
  return [WHOLE_SITE, ...sections];
}

/**
 * How many pages a PDF has: its page objects (`/Type /Page`, not `/Pages`).
 * @param {Uint8Array} pdf
 * @returns {number}
 */
export function pdfPageCount(pdf) {
  const text = Buffer.from(pdf).toString('latin1');
  if (!text.startsWith('%PDF-')) throw new Error('not a PDF (no %PDF- header)');
  return (text.match(/\/Type\s*\/Page(?![A-Za-z])/g) ?? []).length;
}

/**
 * Print the chosen print pages of the built site to PDF.
 * @param {{ dist?: string, out?: string, pages?: string[], base?: string, log?: (line: string) => void }} [options]
 *   pages: names from printPagesIn (`site`, section folders); all of them when empty or absent.
 * @returns {Promise<{ name: string, file: string, bytes: number, pages: number }[]>}
 */
export async function printPdfs(options = {}) {
  const dist = options.dist ?? outDir();
  const out = options.out ?? 'pdf';
  const log = options.log ?? (() => {});
  const base = normaliseBase(options.base ?? process.env['BASE_PATH']);
  const available = printPagesIn(dist);
  const wanted = options.pages && options.pages.length > 0 ? options.pages : available;
  const unknown = wanted.filter((p) => !available.includes(p));
  if (unknown.length) {
    throw new Error(`no print page for ${unknown.join(', ')}; expected one of ${available.join(', ')}`);
  }
  mkdirSync(out, { recursive: true });
  // Served under its base path, as it was built, so that its styles and diagrams load.
  const server = await serve(dist, 0, { base });
  const browser = await chromium.launch(launchOptions());
  /** @type {{ name: string, file: string, bytes: number, pages: number }[]} */
  const written = [];
  try {
    const page = await browser.newPage();
    for (const name of wanted) {
      const path = name === WHOLE_SITE ? 'print/' : `print/${name}/`;
      // Print media from the start: laying the whole site's page out twice takes long.
      await page.emulateMedia({ media: 'print' });
      const response = await page.goto(`${server.url}/${path}`, {
        waitUntil: 'load',
        timeout: 300_000,
      });
      if (!response || response.status() !== 200) {
        throw new Error(`${base}${path}: HTTP ${response?.status() ?? 'no response'}`);
      }
      await page.evaluate(() => document.fonts.ready);
      const title = await page.title();
      const pdf = await page.pdf({
        format: 'A4',
        printBackground: true,
        margin: { top: '15mm', bottom: '18mm', left: '14mm', right: '14mm' },
        displayHeaderFooter: true,
        headerTemplate: '<span></span>',
        footerTemplate:
          '<div style="width:100%;font-size:8px;padding:0 14mm;display:flex;justify-content:space-between">' +
          '<span class="title"></span><span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>',
      });
      const file = join(out, name === WHOLE_SITE ? 'realmfault.pdf' : `realmfault-${name}.pdf`);
      writeFileSync(file, pdf);
      const entry = { name, file, bytes: pdf.length, pages: pdfPageCount(pdf) };
      written.push(entry);
      log(`${file}: ${(entry.bytes / 1024).toFixed(0)} KiB, ${entry.pages} pages (${title})`);
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return written;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const written = await printPdfs({
      pages: process.argv.slice(2),
      log: (line) => {
        console.log(line);
      },
    });
    const total = written.reduce((a, w) => a + w.bytes, 0);
    console.log(
      `pdf: ${written.length} file(s) in ${resolve('pdf')}, ${(total / 1024 / 1024).toFixed(1)} MiB in all`,
    );
  } catch (e) {
    console.error(`pdf: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
