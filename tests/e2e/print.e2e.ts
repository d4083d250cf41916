/**
 * The print edition (issue 16) in Chromium with print media emulated, at the width and height of
 * an A4 sheet's printable area: every print page (the whole site, `print/`, and each section,
 * `print/<section>/`) loads cleanly, holds every page of its sections in sidebar order, shows no
 * widget chrome, draws every diagram whole within the page, shows each snippet's build-time
 * output and each stepper's static trace, prints where each citation leads, has unique ids and
 * in-page links that resolve. Then `npm run pdf`'s function prints one small section to a PDF.
 *
 * What a print page must hold is worked out here independently of src/pages/print: the sections
 * are the folders of src/content/docs that have an index page, their pages are the sitemap's
 * pages under each folder, and the order is the one the page's own sidebar shows.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pdfPageCount, printPagesIn, printPdfs } from '../../scripts/pdf.mjs';
import { baseURL, openPage, sitemapPaths, useBrowser } from './browser.js';

const { browser } = useBrowser();
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
interface AxeResult {
  violations: { nodes: { target: string[] }[] }[];
}

/** A4 less the margins scripts/pdf.mjs prints with (14 mm each side; 15 mm top, 18 mm bottom), in CSS px. */
const MM = 96 / 25.4;
const PRINT_WIDTH = Math.floor((210 - 28) * MM);
const PRINT_HEIGHT = Math.floor((297 - 33) * MM);

const DOCS = 'src/content/docs';
const SECTIONS = readdirSync(DOCS, { withFileTypes: true })
  .filter((d) => d.isDirectory() && ['index.md', 'index.mdx'].some((f) => existsSync(join(DOCS, d.name, f))))
  .map((d) => d.name)
  .sort();

const SITEMAP = sitemapPaths();

/** The built HTML of a site path. */
const built = (path: string): string => readFileSync(`dist${path}index.html`, 'utf8');

/** Sitemap pages of these sections (a page of the sitemap that is a redirect is no page). */
const pagesOf = (sections: readonly string[]): string[] =>
  SITEMAP.filter((p) => sections.some((s) => p.startsWith(`/${s}/`))).filter(
    (p) => !/<meta http-equiv="refresh"/i.test(built(p)),
  );

/** How many elements with this class the built pages have. */
const countIn = (pages: readonly string[], pattern: RegExp): number =>
  pages.reduce((n, p) => n + (built(p).match(pattern) ?? []).length, 0);

const PRINT_PAGES = [
  { name: 'the whole site', path: '/print/', sections: SECTIONS },
  ...SECTIONS.map((s) => ({ name: s, path: `/print/${s}/`, sections: [s] })),
];

describe('the print edition', () => {
  it('has a print page for every section and the whole site, outside the sitemap, linked from every page', () => {
    expect(SECTIONS.length).toBeGreaterThan(5);
    expect(printPagesIn('dist')).toEqual(['site', ...SECTIONS]);
    expect(SITEMAP.filter((p) => p.startsWith('/print/'))).toEqual([]);
    // Each page's footer links the print page of its section; pages outside sections the whole site's.
    for (const path of SITEMAP) {
      const section = SECTIONS.find((s) => path.startsWith(`/${s}/`));
      const href = section ? `/print/${section}/` : '/print/';
      expect(built(path), path).toMatch(new RegExp(`<p class="rf-print-link[^"]*"><a href="${href}"[ >]`));
    }
  });

  it.each(PRINT_PAGES)(
    '$name ($path) prints every page of it, and only its content',
    async ({ path, sections }) => {
      const { page, problems } = await openPage(browser());
      await page.setViewportSize({ width: PRINT_WIDTH, height: PRINT_HEIGHT });
      // Print media from the start: laying the whole site's page out twice takes long.
      await page.emulateMedia({ media: 'print' });
      const response = await page.goto(`${baseURL()}${path}`, { waitUntil: 'networkidle', timeout: 120_000 });
      expect(response?.status()).toBe(200);
      expect(problems).toEqual([]);

      // Every page of the sections, once each, in the order of the page's own sidebar.
      const expected = pagesOf(sections);
      expect(expected.length).toBeGreaterThan(0);
      const sidebarOrder = await page.$$eval('nav[aria-label="Main"] a[href]', (as) =>
        as.map((a) => new URL((a as HTMLAnchorElement).href).pathname),
      );
      const articles = await page.$$eval('article.rf-print-page', (els) =>
        els.map((el) => {
          const heading = el.querySelector('.rf-print-page-title');
          return {
            path: el.getAttribute('data-rf-print-page') ?? '',
            title: heading?.textContent.trim() ?? '',
            labelledBy: el.getAttribute('aria-labelledby'),
            headingId: heading?.id ?? '',
          };
        }),
      );
      expect(articles.map((a) => a.path).sort()).toEqual([...expected].sort());
      expect(articles.map((a) => a.path)).toEqual(sidebarOrder.filter((p) => expected.includes(p)));
      for (const a of articles) {
        expect(a.title, a.path).not.toBe('');
        expect(a.labelledBy, a.path).toBe(a.headingId);
      }
      // The contents list names every page.
      expect(await page.locator('.rf-print-contents a[href^="#"]').count()).toBe(
        articles.length + (sections.length > 1 ? sections.length : 0),
      );

      // No widget chrome on paper: no control, editor or tab list is visible anywhere on the page.
      const chrome = await page.$$eval(
        'button, input, select, textarea, [role="tablist"], .cm-editor, site-search, starlight-theme-select',
        (els) =>
          els
            .filter((e) => (e as HTMLElement).offsetParent !== null || e.getClientRects().length > 0)
            .map((e) => `${e.tagName.toLowerCase()}.${(e as HTMLElement).className}`),
      );
      expect(chrome).toEqual([]);

      // Diagrams whole: within the printable width and height, and not split across sheets.
      const diagrams = await page.$$eval(
        '.rf-diagram',
        (figures, [width, height]) =>
          figures.map((f) => {
            const svg = f.querySelector('svg');
            const box = svg?.getBoundingClientRect();
            const canvas = f.querySelector('.rf-diagram-canvas');
            return {
              // Not cut off by its frame either.
              clipped:
                canvas !== null &&
                (canvas.scrollWidth > canvas.clientWidth + 1 ||
                  canvas.scrollHeight > canvas.clientHeight + 1),
              id: svg?.id || f.id || '(no id)',
              breakInside: getComputedStyle(f).breakInside,
              fits:
                box !== undefined && box.width > 0 && box.width <= width + 0.5 && box.height <= height + 0.5,
              inside:
                box !== undefined &&
                box.left >= -0.5 &&
                box.right <= document.documentElement.clientWidth + 0.5,
            };
          }),
        [PRINT_WIDTH, PRINT_HEIGHT] as const,
      );
      expect(diagrams.length).toBe(countIn(expected, /<figure class="rf-diagram[" ]/g));
      expect(diagrams.filter((d) => d.breakInside !== 'avoid' || !d.fits || !d.inside || d.clipped)).toEqual(
        [],
      );

      // Snippets with their build-time output; steppers as their static trace.
      const snippets = await page.$$eval('.rf-snippet', (els) =>
        els.map((el) => {
          const out = el.querySelector<HTMLElement>('.rf-snippet-output');
          return {
            id: el.getAttribute('data-snippet-id'),
            noRun: el.hasAttribute('data-no-run'),
            code: (el.querySelector('.expressive-code')?.textContent ?? '').trim() !== '',
            output: out !== null && out.getClientRects().length > 0 ? out.textContent.trim() : '',
          };
        }),
      );
      expect(snippets.length).toBe(countIn(expected, /<div class="rf-snippet(?: [^"]*)?"/g));
      expect(snippets.filter((s) => !s.code || (!s.noRun && s.output === ''))).toEqual([]);
      const steppers = await page.$$eval('[data-rf-stepper="page"]', (els) =>
        els.map((el) => ({
          id: el.id,
          trace: el.querySelector('.rf-stepper-list ol')?.getClientRects().length ?? 0,
          steps: el.querySelectorAll('.rf-stepper-list ol > li').length,
        })),
      );
      expect(steppers.length).toBe(countIn(expected, /data-rf-stepper="page"/g));
      expect(steppers.filter((s) => s.trace === 0 || s.steps === 0)).toEqual([]);

      // Citations and source links print where they lead.
      const cites = await page.$$eval('.sl-markdown-content a[href^="http"]', (as) =>
        as.map((a) => ({
          href: a.getAttribute('href') ?? '',
          after: getComputedStyle(a, '::after').content,
          cite: a.classList.contains('rf-cite'),
        })),
      );
      expect(cites.filter((c) => c.cite).length).toBe(countIn(expected, /<a [^>]*class="rf-cite"/g));
      expect(cites.filter((c) => c.after !== `" <${c.href}>"`)).toEqual([]);
      // …but not every link: the site's own links and the contents list do not.
      const ownLinks = await page.$$eval('.rf-print-contents a, .rf-print-address a', (as) =>
        as.map((a) => getComputedStyle(a, '::after').content),
      );
      expect(ownLinks.filter((c) => c !== 'none' && c !== 'normal')).toEqual([]);

      // Unique ids; every in-page link resolves; a link to a page of this print page stays inside it.
      const ids = await page.$$eval('[id]', (els) => els.map((e) => e.id));
      const seen = new Set<string>();
      expect(ids.filter((id) => (seen.has(id) ? true : (seen.add(id), false)))).toEqual([]);
      const links = await page.$$eval('main a[href]', (as) =>
        as.map((a) => ({
          raw: a.getAttribute('href') ?? '',
          url: new URL((a as HTMLAnchorElement).href),
          // A page's own content, less the line giving its address online.
          content: a.closest('article.rf-print-page') !== null && a.closest('.rf-print-address') === null,
        })),
      );
      const here = new URL(`${baseURL()}${path}`);
      const inPage = links.filter((l) => l.raw.startsWith('#'));
      expect(inPage.length).toBeGreaterThan(articles.length);
      expect(inPage.filter((l) => !seen.has(decodeURIComponent(l.raw.slice(1))))).toEqual([]);
      const origin = here.origin;
      const basePath = new URL(baseURL()).pathname.replace(/\/$/, '');
      const leaking = links.filter(
        (l) =>
          l.content &&
          l.url.origin === origin &&
          !l.raw.startsWith('#') &&
          expected.includes(l.url.pathname.slice(basePath.length)) &&
          !/^#[a-z]+=/i.test(l.url.hash),
      );
      expect(leaking.map((l) => l.raw)).toEqual([]);

      // On screen, nothing scrolls that the keyboard cannot reach (axe's rule for it): the print
      // edition runs none of the scripts that make a wide diagram's frame or a code block focusable. (The whole site's
      // page holds the same pages as the sections, and laying it out again takes long.)
      if (sections.length === 1) {
        await page.emulateMedia({ media: 'screen' });
        await page.evaluate(AXE_SOURCE);
        const scrolling = await page.evaluate(async () => {
          const axe = (window as unknown as { axe: { run: (c: Document, o: unknown) => Promise<AxeResult> } })
            .axe;
          const result = await axe.run(document, { runOnly: ['scrollable-region-focusable'] });
          return result.violations.flatMap((v) => v.nodes.map((n) => n.target.join(' ')));
        });
        expect(scrolling).toEqual([]);
      }
      expect(problems).toEqual([]);
      await page.context().close();
    },
    180_000,
  );
});

describe('npm run pdf', () => {
  it('prints one section to a PDF with pages, and names what it wrote', async () => {
    const out = mkdtempSync(join(tmpdir(), 'realmfault-pdf-'));
    try {
      const lines: string[] = [];
      const written = await printPdfs({ out, pages: ['start-here'], log: (l) => lines.push(l) });
      expect(written.map((w) => w.name)).toEqual(['start-here']);
      const [pdf] = written;
      if (!pdf) throw new Error('no PDF written');
      const bytes = readFileSync(pdf.file);
      expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(bytes.length).toBe(pdf.bytes);
      expect(pdf.pages).toBeGreaterThan(1);
      expect(pdfPageCount(bytes)).toBe(pdf.pages);
      expect(lines).toEqual([expect.stringContaining(`${pdf.file}: `)]);
      expect(lines[0]).toContain(`${pdf.pages} pages`);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);

  it('says what is wrong for an unknown section or a missing build', async () => {
    await expect(printPdfs({ pages: ['no-such-section'] })).rejects.toThrow(
      /no print page for no-such-section; expected one of site, /,
    );
    expect(() => printPagesIn('no-such-dist')).toThrow(/no built site: run `npm run build` first/);
    expect(() => pdfPageCount(new TextEncoder().encode('<html>'))).toThrow(/not a PDF/);
  });
});
