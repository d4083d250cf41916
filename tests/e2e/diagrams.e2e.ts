/**
 * Build-time diagrams in the built site, in Chromium: every ```mermaid fence is inline SVG with
 * an accessible name and a text version, no Mermaid code ships as JavaScript, the theme switch
 * recolours diagrams without a reload, and diagram text keeps WCAG AA contrast in both themes.
 * (axe runs on every sitemap page, diagram pages included, in a11y.e2e.ts.)
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { baseURL, openPage, useBrowser } from './browser.js';

const { browser } = useBrowser();

function walk(dir: string, keep: (path: string) => boolean): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path, keep) : keep(path) ? [path] : [];
  });
}

/**
 * The info-string language of each top-level fenced block of a Markdown text. A fence shown as
 * an example inside a longer fence (```` ````md ```` … ```` ``` ````, as the Writing pages page
 * does) is content of the outer block, not a fence of its own.
 */
function topLevelFences(text: string): string[] {
  const langs: string[] = [];
  let open: { char: string; length: number } | null = null;
  for (const line of text.split('\n')) {
    const m = /^\s{0,3}(`{3,}|~{3,})\s*([^\s`]*)/.exec(line);
    if (!m) continue;
    const [, marker = '', lang = ''] = m;
    const char = marker.charAt(0);
    if (open === null) {
      open = { char, length: marker.length };
      langs.push(lang);
    } else if (char === open.char && marker.length >= open.length && lang === '') {
      open = null;
    }
  }
  return langs;
}

/** Content pages with ```mermaid fences: URL path → number of fences. */
function pagesWithFences(): Map<string, number> {
  const root = 'src/content/docs';
  const pages = new Map<string, number>();
  for (const file of walk(root, (p) => /\.mdx?$/.test(p))) {
    const fences = topLevelFences(readFileSync(file, 'utf8')).filter((lang) => lang === 'mermaid').length;
    if (!fences) continue;
    const slug = relative(root, file)
      .replace(/\.mdx?$/, '')
      .replace(/(^|\/)index$/, '');
    pages.set(`/${slug}${slug ? '/' : ''}`, fences);
  }
  return pages;
}

const FENCE_PAGES = pagesWithFences();
/** Pages where diagrams appear (fences or components). */
const DIAGRAM_PAGES = walk('dist', (p) => p.endsWith('.html'))
  .filter((p) => readFileSync(p, 'utf8').includes('class="rf-diagram '))
  .map((p) => `/${relative('dist', p).replace(/index\.html$/, '')}`);

/** Names (from the accessibility tree) and text versions of every diagram on the page. */
async function diagramsOn(page: Page): Promise<{ fromFence: boolean; name: string; items: number }[]> {
  const figures = page.locator('figure.rf-diagram');
  const out: { fromFence: boolean; name: string; items: number }[] = [];
  for (let i = 0; i < (await figures.count()); i++) {
    const figure = figures.nth(i);
    const svg = figure.locator('svg[role="img"]');
    await expect(svg.count()).resolves.toBe(1);
    const title = (await svg.locator('title').first().textContent()) ?? '';
    // The accessible name as Chromium computes it, not just the attribute.
    await expect(figure.getByRole('img', { name: title, exact: true }).count()).resolves.toBe(1);
    out.push({
      fromFence: (await figure.getAttribute('data-scenario')) === null,
      name: title,
      items: await figure.locator('details.rf-diagram-text li').count(),
    });
  }
  return out;
}

describe('diagrams in the built site', () => {
  it('the site has pages with ```mermaid fences and diagram pages to check', () => {
    expect(FENCE_PAGES.size).toBeGreaterThan(0);
    expect(DIAGRAM_PAGES).toContain('/fault-path/');
  });

  it('no page contains an unrendered mermaid fence', () => {
    for (const file of walk('dist', (p) => p.endsWith('.html'))) {
      const html = readFileSync(file, 'utf8');
      // A fence that escaped the diagram plugin reaches Expressive Code as a mermaid code block.
      // (The literal text ```mermaid is fine: the Writing pages page shows one as an example.)
      expect(html, file).not.toMatch(/language-mermaid|data-language="mermaid"/);
    }
  });

  it.each([...FENCE_PAGES])(
    '%s: each of its %i fences is inline SVG with an accessible name and a text version',
    async (path, fences) => {
      const { page, problems } = await openPage(browser());
      await page.goto(`${baseURL()}${path}`, { waitUntil: 'networkidle' });
      const diagrams = await diagramsOn(page);
      expect(diagrams.filter((d) => d.fromFence)).toHaveLength(fences);
      for (const d of diagrams) {
        expect(d.name.trim().length).toBeGreaterThan(0);
        expect(d.items).toBeGreaterThan(0);
      }
      expect(problems).toEqual([]);
      await page.context().close();
    },
  );

  it('no JavaScript in dist contains Mermaid or its layout engine', () => {
    const scripts = walk('dist', (p) => /\.m?js$/.test(p));
    expect(scripts.length).toBeGreaterThan(0);
    for (const file of scripts) {
      const js = readFileSync(file, 'utf8');
      expect(js, file).not.toMatch(/mermaid|elkjs|org\.eclipse\.elk|sequenceDiagram|flowchart-v2/i);
    }
    // Nor inline scripts in any page.
    for (const file of walk('dist', (p) => p.endsWith('.html'))) {
      const inline = [...readFileSync(file, 'utf8').matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map(
        (m) => m[1],
      );
      for (const js of inline) expect(js, file).not.toMatch(/mermaid|elkjs/i);
    }
  });
});

describe('theme switch', () => {
  it('recolours a diagram without reloading the page', async () => {
    const { page, problems } = await openPage(browser(), 'light');
    await page.goto(`${baseURL()}/fault-path/`, { waitUntil: 'networkidle' });
    await page.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });
    const colours = () =>
      page.evaluate(() => {
        const node = document.querySelector('figure.rf-diagram g.node');
        const rect = node?.querySelector('rect');
        const text = node?.querySelector('text');
        const edge = document.querySelector('figure.rf-diagram polyline.edge');
        if (!rect || !text || !edge) throw new Error('no diagram node or edge on /fault-path/');
        return {
          fill: getComputedStyle(rect).fill,
          text: getComputedStyle(text).fill,
          stroke: getComputedStyle(edge).stroke,
        };
      });
    const light = await colours();
    await page.locator('starlight-theme-select select').first().selectOption('dark');
    await expect(page.evaluate(() => document.documentElement.dataset['theme'])).resolves.toBe('dark');
    const dark = await colours();
    expect(dark.fill).not.toBe(light.fill);
    expect(dark.text).not.toBe(light.text);
    expect(dark.stroke).not.toBe(light.stroke);
    await expect(
      page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded),
    ).resolves.toBe(true);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

describe.each(['light', 'dark'] as const)('diagram text contrast (%s theme)', (scheme) => {
  it.each(DIAGRAM_PAGES)(
    '%s: every text in every diagram is at least 4.5:1 against what is behind it',
    async (path) => {
      const { page } = await openPage(browser(), scheme);
      await page.addInitScript((t) => {
        localStorage.setItem('starlight-theme', t);
      }, scheme);
      await page.goto(`${baseURL()}${path}`, { waitUntil: 'networkidle' });
      await expect(page.evaluate(() => document.documentElement.dataset['theme'])).resolves.toBe(scheme);
      const failures = await page.evaluate(() => {
        const parse = (c: string): number[] => {
          const m = /rgba?\(([^)]+)\)/.exec(c) ?? /color\(srgb ([^)]+)\)/.exec(c);
          if (!m?.[1]) throw new Error(`unparsed colour ${c}`);
          const parts = m[1]
            .split(/[ ,/]+/)
            .filter(Boolean)
            .map(Number);
          return c.startsWith('color(') ? parts.slice(0, 3).map((x) => x * 255) : parts.slice(0, 3);
        };
        const lum = (c: string): number => {
          const [r = 0, g = 0, b = 0] = parse(c).map((v) => {
            const s = v / 255;
            return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
          });
          return 0.2126 * r + 0.7152 * g + 0.0722 * b;
        };
        const page = getComputedStyle(document.body).backgroundColor;
        /** The filled shape drawn before the text, in its group, under the text's centre; else the page. */
        const behind = (text: SVGGraphicsElement): string => {
          const t = text.getBBox();
          const [cx, cy] = [t.x + t.width / 2, t.y + t.height / 2];
          for (let el = text.previousElementSibling; el; el = el.previousElementSibling) {
            if (!(el instanceof SVGGraphicsElement)) continue;
            if (!['rect', 'polygon', 'circle', 'ellipse', 'path'].includes(el.tagName)) continue;
            const b = el.getBBox();
            if (cx < b.x || cx > b.x + b.width || cy < b.y || cy > b.y + b.height) continue;
            const fill = getComputedStyle(el).fill;
            if (fill !== 'none' && !fill.startsWith('rgba(0, 0, 0, 0)')) return fill;
          }
          return page;
        };
        const out: string[] = [];
        for (const text of document.querySelectorAll<SVGTextElement>('figure.rf-diagram svg text')) {
          const fg = getComputedStyle(text).fill;
          const bg = behind(text);
          const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x) as [number, number];
          const ratio = (a + 0.05) / (b + 0.05);
          if (ratio < 4.5) out.push(`"${text.textContent}": ${fg} on ${bg} = ${ratio.toFixed(2)}`);
        }
        return out;
      });
      expect(failures).toEqual([]);
      await page.context().close();
    },
  );
});

describe.each(['light', 'dark'] as const)('the diagram frame (%s theme)', (scheme) => {
  it('at 390 px a wide diagram scrolls in a focusable region and opens full size in a dialog; Escape closes it and focus returns', async () => {
    const { page, problems } = await openPage(browser(), scheme);
    await page.setViewportSize({ width: 390, height: 800 });
    await page.addInitScript((t) => {
      localStorage.setItem('starlight-theme', t);
    }, scheme);
    await page.goto(`${baseURL()}/fault-path/gmem-abort/`, { waitUntil: 'networkidle' });
    const figure = page.locator('figure.rf-diagram').first();
    const canvas = figure.locator('.rf-diagram-canvas');
    const svg = canvas.locator('svg');
    const natural = Number(await svg.getAttribute('width'));
    // Drawn at its size: wider than the phone's column, so the frame scrolls and says so.
    const box = await svg.boundingBox();
    expect(box?.width).toBeCloseTo(natural, 0);
    await expect(canvas.evaluate((c) => c.scrollWidth > c.clientWidth)).resolves.toBe(true);
    await expect(canvas.getAttribute('tabindex')).resolves.toBe('0');
    await expect(canvas.getAttribute('role')).resolves.toBe('region');
    await expect(canvas.getAttribute('aria-label')).resolves.toMatch(/\(scrolls sideways\)$/);
    await canvas.focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => canvas.evaluate((c) => c.scrollLeft)).toBeGreaterThan(0);
    const open = figure.getByRole('button', { name: 'Open full size' });
    await expect(open.isVisible()).resolves.toBe(true);
    await expect(figure.locator('.rf-diagram-hint').isVisible()).resolves.toBe(true);

    await open.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await expect(dialog.count()).resolves.toBe(1);
    const title = (await svg.locator('title').textContent()) ?? '';
    await expect(dialog.getByRole('heading', { name: title }).count()).resolves.toBe(1);
    // Focus is in the dialog, the copy is at full size, and no element id appears twice.
    await expect(
      page.evaluate(() => document.activeElement?.closest('dialog.rf-diagram-dialog') !== null),
    ).resolves.toBe(true);
    const copy = dialog.locator('svg');
    expect((await copy.boundingBox())?.width).toBeCloseTo(natural, 0);
    await expect(
      page.evaluate(() => {
        const ids = [...document.querySelectorAll('[id]')].map((e) => e.id);
        return ids.filter((id, i) => ids.indexOf(id) !== i);
      }),
    ).resolves.toEqual([]);
    // The dialog follows the theme: its background is the page's.
    await expect(
      page.evaluate(() => {
        const d = document.querySelector('dialog.rf-diagram-dialog');
        const probe = document.createElement('div');
        probe.style.background = 'var(--sl-color-bg)';
        document.body.append(probe);
        const bg = getComputedStyle(probe).backgroundColor;
        probe.remove();
        return d ? getComputedStyle(d).backgroundColor === bg && !bg.startsWith('rgba(0, 0, 0, 0)') : false;
      }),
    ).resolves.toBe(true);
    await page.keyboard.press('Escape');
    await expect(page.locator('dialog.rf-diagram-dialog').count()).resolves.toBe(0);
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Open full size');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('at 1280 px a diagram that fits its column is not a scroll region and offers no full-size button', async () => {
    const { page, problems } = await openPage(browser(), scheme);
    await page.goto(`${baseURL()}/scenarios/private-first-touch/`, { waitUntil: 'networkidle' });
    const fits = page.locator('figure.rf-diagram-sequence').first();
    const canvas = fits.locator('.rf-diagram-canvas');
    await expect(canvas.evaluate((c) => c.scrollWidth <= c.clientWidth)).resolves.toBe(true);
    await expect(canvas.getAttribute('tabindex')).resolves.toBeNull();
    await expect(fits.getByRole('button', { name: 'Open full size' }).isVisible()).resolves.toBe(false);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
