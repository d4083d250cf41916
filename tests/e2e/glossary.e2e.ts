/**
 * Glossary terms and exercise answers in the built site, in Chromium: the first use of a term on
 * a page shows its definition on hover and on keyboard focus (visible, unclipped, role=tooltip,
 * the link's accessible description), later uses are plain text, and exercise answers stay
 * hidden until the reader opens them, with the mouse or the keyboard.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { GLOSSARY } from '../../src/content/glossary.js';
import { EXERCISES } from '../../src/content/exercises.js';
import { baseURL, openPage, useBrowser } from './browser.js';

const { browser } = useBrowser();

/** Whether the tooltip is shown, fully inside the viewport, and on top at its centre. */
async function tooltipState(
  page: Page,
  id: string,
): Promise<{ visible: boolean; onTop: boolean; inView: boolean }> {
  return page.evaluate((tipId) => {
    const tip = document.getElementById(tipId);
    if (!tip) throw new Error(`no #${tipId}`);
    const r = tip.getBoundingClientRect();
    const visible = getComputedStyle(tip).display !== 'none' && r.width > 0 && r.height > 0;
    const hit = visible ? document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) : null;
    return {
      visible,
      onTop: hit !== null && (hit === tip || tip.contains(hit)),
      inView: r.left >= 0 && r.top >= 0 && r.right <= window.innerWidth && r.bottom <= window.innerHeight,
    };
  }, id);
}

describe('glossary terms', () => {
  const PAGE = '/fault-path/gmem-abort/';

  it('wraps the first use of a term and leaves later uses plain', async () => {
    const { page, problems } = await openPage(browser());
    await page.goto(`${baseURL()}${PAGE}`, { waitUntil: 'networkidle' });
    const terms = page.locator('.sl-markdown-content a.rf-term');
    const count = await terms.count();
    expect(count).toBeGreaterThan(3);
    // Each term at most once per page, and ids unique.
    const hrefs = await terms.evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(new Set(hrefs).size).toBe(hrefs.length);
    const ids = await page.evaluate(() => [...document.querySelectorAll('[id]')].map((e) => e.id));
    expect(new Set(ids).size).toBe(ids.length);
    // "guest_memfd" appears again later in the prose, unwrapped.
    const plainLater = await page.evaluate(() => {
      const first = document.querySelector('a.rf-term[href$="#term-guest-memfd"]');
      if (!first) return -1;
      const text = document.querySelector('.sl-markdown-content')?.textContent ?? '';
      const tip = first.nextElementSibling?.textContent ?? '';
      return text.replace(tip, '').split('guest_memfd').length - 1;
    });
    expect(plainLater).toBeGreaterThan(1);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('shows the definition on hover and on keyboard focus, as the link description', async () => {
    const { page, problems } = await openPage(browser());
    await page.goto(`${baseURL()}${PAGE}`, { waitUntil: 'networkidle' });
    const link = page.locator('a.rf-term[href$="#term-guest-memfd"]');
    await expect(link.count()).resolves.toBe(1);
    const tipId = (await link.getAttribute('aria-describedby')) ?? '';
    expect(tipId).toBe('rf-tip-guest-memfd');
    const tip = page.locator(`#${tipId}`);
    await expect(tip.getAttribute('role')).resolves.toBe('tooltip');
    const definition = GLOSSARY.find((t) => t.slug === 'guest-memfd')?.definition ?? '?';
    await expect(tip.textContent()).resolves.toContain(definition);

    // Hidden at rest.
    await expect(tooltipState(page, tipId)).resolves.toMatchObject({ visible: false });

    // Hover.
    await link.scrollIntoViewIfNeeded();
    await link.hover();
    await expect(tooltipState(page, tipId)).resolves.toEqual({ visible: true, onTop: true, inView: true });
    await page.mouse.move(0, 0);
    await expect(tooltipState(page, tipId)).resolves.toMatchObject({ visible: false });

    // Keyboard: Tab until the link has focus (the page has many links and widget controls before it).
    let focused = false;
    for (let i = 0; i < 400 && !focused; i++) {
      await page.keyboard.press('Tab');
      focused = await link.evaluate((a) => a === document.activeElement);
    }
    expect(focused).toBe(true);
    await expect(tooltipState(page, tipId)).resolves.toEqual({ visible: true, onTop: true, inView: true });

    // The accessibility tree: name is the term, description is the definition.
    const described = await page.evaluate((id) => {
      const a = document.querySelector(`a[aria-describedby="${id}"]`);
      return { name: a?.textContent, desc: document.getElementById(id)?.textContent };
    }, tipId);
    expect(described.name).toBe('guest_memfd');
    expect(described.desc).toContain(definition);
    await expect(page.getByRole('link', { name: 'guest_memfd', exact: true }).count()).resolves.toBe(1);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('links each term to its entry on the glossary page', async () => {
    const { page, problems } = await openPage(browser());
    await page.goto(`${baseURL()}${PAGE}`, { waitUntil: 'networkidle' });
    await page.locator('a.rf-term[href$="#term-guest-memfd"]').click();
    await page.waitForURL('**/reference/glossary/#term-guest-memfd');
    await expect(page.locator('#term-guest-memfd dfn').textContent()).resolves.toBe('guest_memfd');
    await expect(page.locator('dl.rf-glossary > dt').count()).resolves.toBe(GLOSSARY.length);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

describe('exercise answers', () => {
  it('are hidden until the reader opens them, with the mouse or the keyboard', async () => {
    const { page, problems } = await openPage(browser());
    await page.goto(`${baseURL()}/start-here/exercises/`, { waitUntil: 'networkidle' });
    const answers = page.locator('details.rf-exercise-answer');
    await expect(answers.count()).resolves.toBe(EXERCISES.length);
    for (let i = 0; i < EXERCISES.length; i++) {
      await expect(answers.nth(i).locator('.rf-exercise-answer-body').isVisible()).resolves.toBe(false);
    }

    // Mouse.
    const first = answers.nth(0);
    await first.locator('summary').click();
    await expect(first.locator('.rf-exercise-answer-body').isVisible()).resolves.toBe(true);
    await expect(first.locator('.rf-exercise-answer-body').textContent()).resolves.toContain(
      'KVM_EXIT_MEMORY_FAULT',
    );

    // Keyboard: focus the second summary and press Enter, then Space to close again.
    const second = answers.nth(1);
    const summary = second.locator('summary');
    await summary.focus();
    await expect(summary.evaluate((s) => s === document.activeElement)).resolves.toBe(true);
    await page.keyboard.press('Enter');
    await expect(second.locator('.rf-exercise-answer-body').isVisible()).resolves.toBe(true);
    await page.keyboard.press('Space');
    await expect(second.locator('.rf-exercise-answer-body').isVisible()).resolves.toBe(false);
    // The others stay closed.
    await expect(answers.nth(2).locator('.rf-exercise-answer-body').isVisible()).resolves.toBe(false);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
