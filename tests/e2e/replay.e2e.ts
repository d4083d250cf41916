/**
 * The log replay (src/components/LogReplay.astro, src/widgets/replay/) in Chromium, against the
 * built site: without JavaScript the page shows the build's reading of the seed's log; in the
 * page, "Load the seed's log" shows the seed's episode (fault IPA, ESR, handler) and its
 * divergences as the model gives them in Node, and a line's detail panel; a generated
 * 100 000-line, 10 MB log shows progress, finishes, keeps only a window of rows in the DOM, and
 * scrolls to its last line; Cancel and the wall-clock limit stop a large run with a message; a
 * binary blob and a 2 MB line are marked, not dropped, without a hang; a dropped file is read;
 * the permalink round-trips and a long log gets none; bad input is a message, never a blank
 * widget; and the page's JavaScript (its worker included) requests nothing outside the site.
 */
import { AxeBuilder } from '@axe-core/playwright';
import { replayLog, SEED_LOG } from '@realmfault/model';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { baseURL, openPage, useBrowser } from './browser.js';

const { browser } = useBrowser();
const PATH = '/playground/replay/';
const RP = '[data-rf-widget="replay"]';
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/**
 * A generated log of `lines` lines of about 100 bytes: every tenth line a fault report of the
 * seed's debug prints (at one of 4096 shared pages), the next its realm_map_non_secure() print,
 * the rest a kworker message the replay does not recognise.
 */
function generatedLog(lines: number): string {
  const out: string[] = [];
  let t = 100;
  for (let i = 0; i < lines; i++) {
    t += 0.000137;
    const ts = `[ ${t.toFixed(6)}]`;
    const ipa = `0x${(0x10046880000 + (i % 4096) * 0x1000).toString(16)}`;
    const k = i % 10;
    if (k === 0) out.push(`${ts} ====> kvm_handle_guest_abort: fault_ipa=${ipa}, esr=0x92000007`);
    else if (k === 1) out.push(`${ts} realm_map_non_secure: ipa=${ipa}, pfn=0xb8b59, size=0x1000, prot=0xf`);
    else
      out.push(
        `${ts} kworker/u8:${String(i % 7)}: an unrelated message, number ${String(i)}, ${'x'.repeat(40)}`,
      );
  }
  return `${out.join('\n')}\n`;
}

const BIG_LINES = 100_000;
const BIG = Buffer.from(generatedLog(BIG_LINES));

async function ready(page: Page): Promise<void> {
  await page.waitForSelector(`${RP}[data-ready="true"]`);
}

/** Wait until the widget has finished `runs` runs (whatever their outcome). */
async function done(page: Page, runs = 1, timeout = 60_000): Promise<string> {
  await page.waitForFunction(
    ([s, n]) => Number(document.querySelector<HTMLElement>(s)?.dataset['runs'] ?? '0') >= n,
    [RP, runs] as const,
    { timeout },
  );
  return (await page.locator(RP).getAttribute('data-state')) ?? '';
}

/** The episodes the output shows: IPA, ESR, handler, whether it differs, its divergences. */
async function episodes(page: Page, within = RP) {
  return page.locator(`${within} .rf-rp-episode`).evaluateAll((els) =>
    els.map((el) => ({
      ipa: el.getAttribute('data-ipa'),
      esr: el.getAttribute('data-esr'),
      handler: el.getAttribute('data-handler'),
      divergent: el.getAttribute('data-divergent'),
      divergences: el.querySelectorAll('.rf-rp-div').length,
      cites: el.querySelectorAll('.rf-rp-div a.rf-cite').length,
    })),
  );
}

const SEED = replayLog(SEED_LOG);

describe('Log replay', () => {
  it('shows the build’s reading of the seed’s log without JavaScript', async () => {
    const context = await browser().newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${baseURL()}${PATH}`);
    // The formats the replay reads are listed.
    await expect(page.locator('.rf-rp-formats li').count()).resolves.toBe(6);
    const eps = await episodes(page);
    expect(eps.length).toBe(SEED.episodes.length);
    expect(eps[0]).toMatchObject({
      ipa: '0x10046880000',
      esr: '0x92000007',
      handler: 'user_mem_abort',
      divergent: 'true',
    });
    expect(eps[0]?.divergences).toBe(SEED.episodes[0]?.divergences.length);
    expect(eps[0]?.cites).toBeGreaterThan(0);
    // Every line of the seed's log, and the fault line's detail.
    await expect(page.locator(`${RP} .rf-rp-static-rows .rf-rp-row`).count()).resolves.toBe(
      SEED.lines.length,
    );
    await expect(page.locator(`${RP} .rf-rp-detail-body`).getAttribute('data-n')).resolves.toBe('7');
    await expect(
      page.locator(`${RP} .rf-rp-detail .rf-rp-value[data-name="esr"] table`).count(),
    ).resolves.toBe(1);
    await expect(page.locator(`${RP} noscript`).count()).resolves.toBe(1);
    await context.close();
  });

  it('loads the seed’s log: its episode, its divergences and a line’s detail; no request leaves the site', async () => {
    const { page, problems } = await openPage(browser());
    const requests: string[] = [];
    page.context().on('request', (r) => requests.push(r.url()));
    await page.goto(`${baseURL()}${PATH}`);
    await ready(page);
    // The worker starts on the first Run, not with the page.
    expect(page.workers()).toEqual([]);
    await page.locator(`${RP} button.rf-rp-seed`).click();
    expect(await done(page)).toBe('done');
    await expect.poll(() => page.workers().length, { timeout: 10_000 }).toBe(1);
    await expect(page.locator(`${RP} textarea`).inputValue()).resolves.toBe(SEED_LOG);
    await expect(page.locator(`${RP} .rf-rp-status`).textContent()).resolves.toMatch(
      /^Read 17 lines: 17 recognised, 1 fault episode, 1 differing from the model\.$/,
    );
    const eps = await episodes(page, `${RP} .rf-rp-out`);
    expect(eps).toEqual([
      {
        ipa: '0x10046880000',
        esr: '0x92000007',
        handler: 'user_mem_abort',
        divergent: 'true',
        divergences: SEED.episodes[0]?.divergences.length,
        cites: expect.any(Number) as number,
      },
    ]);
    expect(eps[0]?.divergences).toBeGreaterThan(0);
    expect(eps[0]?.cites).toBeGreaterThan(0);
    const ep = `${RP} .rf-rp-out .rf-rp-episode`;
    await expect(page.locator(`${ep} .rf-rp-compare`).textContent()).resolves.toContain('RMI_RTT_UNPROT_MAP');
    await expect(page.locator(`${ep} .rf-rp-div`).first().textContent()).resolves.toContain(
      'The model expects',
    );

    // The line list: every seed line is a row; a line reference in the episode selects its line.
    const viewport = page.locator(`${RP} .rf-rp-viewport`);
    await expect(viewport.getAttribute('role')).resolves.toBe('listbox');
    await expect(page.locator(`${RP} .rf-rp-viewport .rf-rp-row`).count()).resolves.toBe(17);
    await page.locator(`${ep} .rf-rp-facts .rf-rp-goto[data-line="7"]`).click();
    await page.waitForFunction((s) => document.querySelector<HTMLElement>(s)?.dataset['detail'] === '7', RP);
    const detail = `${RP} .rf-rp-detail-out`;
    await expect(page.locator(`${detail} .rf-rp-detail-body`).getAttribute('data-n')).resolves.toBe('7');
    await expect(
      page.locator(`${detail} .rf-rp-value[data-name="fault_ipa"]`).textContent(),
    ).resolves.toContain('GFN 0x46880');
    await expect(
      page.locator(`${detail} .rf-rp-value[data-name="esr"] table tbody tr`).count(),
    ).resolves.toBeGreaterThan(5);
    await expect(page.locator(detail).textContent()).resolves.toContain('kvm_handle_guest_abort()');
    await expect(page.locator(`${detail} a.rf-rp-page`).getAttribute('href')).resolves.toBe(
      SEED.lines[6]?.page ?? '?',
    );
    await expect(page.locator(`${detail} .rf-rp-sources a.rf-cite`).count()).resolves.toBeGreaterThan(0);
    await expect(viewport.getAttribute('aria-activedescendant')).resolves.toBe('rf-rp-line-6');
    // The keyboard moves the selection.
    await viewport.focus();
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction((s) => document.querySelector<HTMLElement>(s)?.dataset['detail'] === '8', RP);
    await expect(page.locator(`${RP} .rf-rp-row[aria-selected="true"]`).getAttribute('data-n')).resolves.toBe(
      '8',
    );
    await page.keyboard.press('End');
    await page.waitForFunction((s) => document.querySelector<HTMLElement>(s)?.dataset['detail'] === '17', RP);
    // A click on a row selects it.
    await page.locator(`${RP} .rf-rp-row[data-n="16"]`).click();
    await page.waitForFunction((s) => document.querySelector<HTMLElement>(s)?.dataset['detail'] === '16', RP);

    // The inferred scenario opens in the playground.
    await expect(page.locator(`${RP} .rf-rp-open`).getAttribute('href')).resolves.toMatch(
      /^\/playground\/#v=v14&s=[\w-]+$/,
    );
    await expect(page.locator(`${RP} .rf-rp-download`).getAttribute('href')).resolves.toMatch(
      /^data:application\/json/,
    );
    // The result, with a line selected, in both themes.
    for (const theme of ['light', 'dark']) {
      await page.evaluate((t) => {
        document.documentElement.dataset['theme'] = t;
      }, theme);
      const { violations } = await new AxeBuilder({ page }).include(RP).withTags(TAGS).analyze();
      expect(
        violations.map((v) => `${theme} ${v.id}: ${v.nodes.map((x) => x.target.join(' ')).join(', ')}`),
      ).toEqual([]);
    }
    await page.locator(`${RP} .rf-rp-open`).click();
    await page.waitForURL(/\/playground\/#v=v14&s=/);
    await page.waitForFunction(
      () =>
        document.querySelector<HTMLElement>('[data-rf-widget="playground"]')?.dataset['running'] === 'false',
    );
    await expect(
      page.locator('[data-rf-widget="playground"] .rf-pg-status').textContent(),
    ).resolves.toContain('Ran replayed-log under v14');
    // Nothing but the site itself (and data: URLs) was requested, the worker's requests included.
    const origin = new URL(baseURL()).origin;
    expect(requests.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith('data:'))).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('reads a 100 000-line, 10 MB log with progress, keeps a window of rows, and scrolls to its end', async () => {
    const { page, problems } = await openPage(browser());
    await page.goto(`${baseURL()}${PATH}`);
    await ready(page);
    await page.locator(`${RP} input[type="file"]`).setInputFiles({
      name: 'big.log',
      mimeType: 'text/plain',
      buffer: BIG,
    });
    await expect(page.locator(`${RP} .rf-rp-source`).textContent()).resolves.toContain('big.log');
    // Record the progress texts and the longest gap between timer ticks on the page's thread.
    await page.evaluate((s) => {
      const w = window as unknown as { seen: string[]; maxGap: number; stopTicks: () => void };
      w.seen = [];
      w.maxGap = 0;
      const text = document.querySelector(`${s} .rf-rp-progress-text`);
      if (text)
        new MutationObserver(() => w.seen.push(text.textContent)).observe(text, {
          childList: true,
          characterData: true,
          subtree: true,
        });
      let last = performance.now();
      const tick = setInterval(() => {
        const now = performance.now();
        w.maxGap = Math.max(w.maxGap, now - last);
        last = now;
      }, 10);
      w.stopTicks = () => {
        clearInterval(tick);
      };
    }, RP);
    await page.locator(`${RP} button.rf-rp-run`).click();
    await expect(page.locator(`${RP} .rf-rp-progress`).isVisible()).resolves.toBe(true);
    expect(await done(page)).toBe('done');
    const { seen, maxGap } = await page.evaluate(() => {
      const w = window as unknown as { seen: string[]; maxGap: number; stopTicks: () => void };
      w.stopTicks();
      return { seen: w.seen, maxGap: w.maxGap };
    });
    const reading = seen.filter((s) => / read, [\d,]+ lines$/.test(s));
    expect(reading.length).toBeGreaterThan(10);
    expect(reading.at(-1)).toContain('MiB of');
    expect(seen.some((s) => s.includes('grouping the fault episodes'))).toBe(true);
    // The page's own thread stayed free while the worker read the log.
    expect(maxGap).toBeLessThan(1000);
    await expect(page.locator(RP).getAttribute('data-lines')).resolves.toBe(String(BIG_LINES));
    const summary = `${RP} .rf-rp-summary`;
    await expect(page.locator(summary).getAttribute('data-lines')).resolves.toBe(String(BIG_LINES));
    await expect(page.locator(summary).getAttribute('data-episodes')).resolves.toBe(String(BIG_LINES / 10));
    // Episodes come a page at a time.
    await expect(page.locator(`${RP} .rf-rp-episode`).count()).resolves.toBe(25);
    await page.locator(`${RP} .rf-rp-more-button`).click();
    await page.waitForFunction((s) => document.querySelectorAll(`${s} .rf-rp-episode`).length === 50, RP);
    // Only a window of rows is in the DOM.
    const rows = page.locator(`${RP} .rf-rp-viewport .rf-rp-row`);
    await page.waitForFunction(
      (s) => document.querySelectorAll(`${s} .rf-rp-viewport .rf-rp-row`).length > 0,
      RP,
    );
    expect(await rows.count()).toBeLessThan(120);
    await expect(rows.first().getAttribute('data-n')).resolves.toBe('1');
    await expect(page.locator(`${RP} .rf-rp-row[data-n="3"] .rf-rp-mark`).textContent()).resolves.toBe(
      'not recognised',
    );
    // Scrolling to the end shows the last line.
    await page.locator(`${RP} .rf-rp-viewport`).evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    await page.waitForSelector(`${RP} .rf-rp-row[data-n="${String(BIG_LINES)}"]`);
    expect(await rows.count()).toBeLessThan(120);
    const box = await page.locator(`${RP} .rf-rp-row[data-n="${String(BIG_LINES)}"]`).boundingBox();
    const view = await page.locator(`${RP} .rf-rp-viewport`).boundingBox();
    expect(box && view && box.y + box.height <= view.y + view.height + 1 && box.y >= view.y).toBe(true);
    // And back to the middle with the keyboard: Home, then Page Down.
    await page.locator(`${RP} .rf-rp-viewport`).focus();
    await page.keyboard.press('Home');
    await page.waitForFunction((s) => document.querySelector<HTMLElement>(s)?.dataset['detail'] === '1', RP);
    await page.keyboard.press('PageDown');
    await page.waitForFunction(
      (s) => Number(document.querySelector<HTMLElement>(s)?.dataset['detail']) > 1,
      RP,
    );
    // No permalink for a log this long, and the widget says why.
    await expect(page.locator(`${RP} .rf-rp-permalink`).textContent()).resolves.toMatch(
      /^No permalink for this log: it is \d+\.\d MiB, and a link carries logs of up to 8 KiB/,
    );
    expect(new URL(page.url()).hash).toBe('');
    expect(problems).toEqual([]);
  });

  it('cancels a large run, and stops one past the time limit, with a message', async () => {
    const { page, problems } = await openPage(browser());
    await page.goto(`${baseURL()}${PATH}`);
    await ready(page);
    await page
      .locator(`${RP} input[type="file"]`)
      .setInputFiles({ name: 'big.log', mimeType: 'text/plain', buffer: BIG });
    await page.locator(`${RP} button.rf-rp-run`).click();
    await page.waitForFunction(
      (s) => Number(document.querySelector<HTMLElement>(s)?.dataset['progressLines'] ?? '0') > 0,
      RP,
    );
    await expect(page.locator(`${RP} button.rf-rp-run`).isDisabled()).resolves.toBe(true);
    await page.locator(`${RP} button.rf-rp-cancel`).click();
    expect(await done(page)).toBe('cancelled');
    await expect(page.locator(`${RP} .rf-rp-out .rf-rp-error`).textContent()).resolves.toMatch(
      /^Cancelled: the replay was stopped/,
    );
    await expect(page.locator(`${RP} .rf-rp-progress`).isVisible()).resolves.toBe(false);
    // The page terminates the worker on Cancel; Playwright learns of that from the worker's
    // `close` event, which arrives asynchronously, so wait for it rather than read the list once.
    await expect.poll(() => page.workers().length, { timeout: 10_000 }).toBe(0);
    // The wall-clock limit (the page's knob): a run past it is terminated, and the page says so.
    await page.locator(RP).evaluate((el: HTMLElement) => {
      el.dataset['timeLimitMs'] = '300';
    });
    await page.locator(`${RP} button.rf-rp-run`).click();
    expect(await done(page, 2)).toBe('timeout');
    await expect(page.locator(`${RP} .rf-rp-out .rf-rp-error`).textContent()).resolves.toMatch(
      /^Stopped: reading the log took longer than 0.3 s, so its worker was terminated/,
    );
    // A fresh worker runs the next log.
    await page.locator(RP).evaluate((el: HTMLElement) => {
      el.dataset['timeLimitMs'] = '60000';
    });
    await page.locator(`${RP} button.rf-rp-seed`).click();
    expect(await done(page, 3)).toBe('done');
    expect(problems).toEqual([]);
  }, 150_000); // three runs of a 10 MB log: on a loaded two-core machine the default 60 s is too tight

  it('marks a binary blob and a 2 MB line, drops nothing, and does not hang', async () => {
    const { page, problems } = await openPage(browser());
    await page.goto(`${baseURL()}${PATH}`);
    await ready(page);
    const blob = Buffer.alloc(3000);
    for (let i = 0; i < blob.length; i++) blob[i] = (i * 37 + 11) % 256 === 10 ? 0 : (i * 37 + 11) % 256;
    const file = Buffer.concat([
      Buffer.from('first line\n'),
      blob,
      Buffer.from('\n'),
      Buffer.from('A'.repeat(2 * 1024 * 1024)),
      Buffer.from(`\n${SEED_LOG.split('\n')[6] ?? ''}\n`),
    ]);
    // A file dropped on the input area is read, as a chosen one is.
    await page.evaluate(
      ([s, text]) => {
        const dt = new DataTransfer();
        dt.items.add(new File([text], 'seed.log', { type: 'text/plain' }));
        const zone = document.querySelector(`${s} .rf-rp-drop`);
        zone?.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
        zone?.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      },
      [RP, SEED_LOG] as const,
    );
    await expect(page.locator(`${RP} .rf-rp-source`).textContent()).resolves.toContain('seed.log');
    await page.locator(`${RP} button.rf-rp-run`).click();
    expect(await done(page)).toBe('done');
    await expect(page.locator(RP).getAttribute('data-lines')).resolves.toBe('17');
    await page
      .locator(`${RP} input[type="file"]`)
      .setInputFiles({ name: 'mixed.bin', mimeType: 'application/octet-stream', buffer: file });
    await expect(page.locator(`${RP} .rf-rp-source`).textContent()).resolves.toContain('mixed.bin');
    const t0 = Date.now();
    await page.locator(`${RP} button.rf-rp-run`).click();
    expect(await done(page, 2, 20_000)).toBe('done');
    expect(Date.now() - t0).toBeLessThan(20_000);
    const rows = await page.locator(`${RP} .rf-rp-viewport .rf-rp-row`).evaluateAll((els) =>
      els.map((el) => ({
        n: el.getAttribute('data-n'),
        status: el.getAttribute('data-status'),
        mark: el.querySelector('.rf-rp-mark')?.textContent ?? '',
      })),
    );
    const byN = new Map(rows.map((r) => [r.n, r]));
    expect(byN.get('1')?.status).toBe('unrecognised');
    expect(byN.get('2')).toMatchObject({ status: 'binary', mark: 'binary' });
    const last = rows.at(-1);
    expect(last?.status).toBe('recognised');
    // Every line between is kept; the 2 MB one is marked too long.
    expect(rows.some((r) => r.status === 'too-long' && r.mark === 'too long')).toBe(true);
    expect(rows.length).toBe(Number(last?.n));
    await page.locator(`${RP} .rf-rp-row[data-status="too-long"]`).click();
    await page.waitForSelector(`${RP} .rf-rp-detail-body[data-status="too-long"]`);
    const raw = (await page.locator(`${RP} .rf-rp-detail-body .rf-rp-raw`).textContent()) ?? '';
    expect(raw.length).toBeLessThan(4096);
    expect(problems).toEqual([]);
  });

  it('round-trips a permalink, says when there is none, and shows bad input as a message', async () => {
    const { page, problems } = await openPage(browser());
    await page.goto(`${baseURL()}${PATH}`);
    await ready(page);
    // An empty input says so.
    await page.locator(`${RP} button.rf-rp-run`).click();
    expect(await done(page)).toBe('empty');
    await expect(page.locator(`${RP} .rf-rp-out .rf-rp-error`).textContent()).resolves.toMatch(
      /^The log is empty/,
    );
    await expect(page.locator(`${RP} textarea`).getAttribute('aria-invalid')).resolves.toBe('true');
    // A bad IPA width is refused next to its field.
    await page.locator(`${RP} input[name="bits"]`).fill('99');
    await page.locator(`${RP} textarea`).fill(SEED_LOG);
    await page.locator(`${RP} button.rf-rp-run`).click();
    await expect(page.locator(`${RP} .rf-rp-bits-error`).textContent()).resolves.toMatch(
      /^The IPA width must be/,
    );
    await expect(page.locator(`${RP} input[name="bits"]`).getAttribute('aria-invalid')).resolves.toBe('true');
    expect(await done(page, 2)).toBe('invalid');
    // A short log with other settings: the address carries it.
    await page.locator(`${RP} input[name="bits"]`).fill('48');
    await page.locator(`${RP} input[name="variant"][value="post-v14-review"]`).check();
    await page.locator(`${RP} button.rf-rp-run`).click();
    expect(await done(page, 3)).toBe('done');
    const hash = new URL(page.url()).hash;
    expect(hash).toMatch(/^#log=[\w-]+&bits=48&v=post-v14-review$/);
    await expect(page.locator(`${RP} .rf-rp-permalink a`).getAttribute('href')).resolves.toBe(hash);
    const eps = await episodes(page, `${RP} .rf-rp-out`);
    // A fresh page with the link fills the input and runs.
    const other = await openPage(browser());
    await other.page.goto(`${baseURL()}${PATH}${hash}`);
    await ready(other.page);
    expect(await done(other.page)).toBe('done');
    await expect(other.page.locator(`${RP} textarea`).inputValue()).resolves.toBe(SEED_LOG);
    await expect(other.page.locator(`${RP} input[name="bits"]`).inputValue()).resolves.toBe('48');
    await expect(
      other.page.locator(`${RP} input[name="variant"][value="post-v14-review"]`).isChecked(),
    ).resolves.toBe(true);
    expect(await episodes(other.page, `${RP} .rf-rp-out`)).toEqual(eps);
    // The seed-timeline page links the replay with the seed's log in the link.
    await other.page.goto(`${baseURL()}/conversions/seed-timeline/`);
    await other.page.locator('a[href^="/playground/replay/#log="]').first().click();
    await other.page.waitForURL(/\/playground\/replay\/#log=/);
    await ready(other.page);
    expect(await done(other.page)).toBe('done');
    await expect(other.page.locator(`${RP} textarea`).inputValue()).resolves.toBe(SEED_LOG);
    // A link that is not one: a message in place of the result.
    await other.page.goto(`${baseURL()}${PATH}#log=not-deflate-data&bits=41&v=v14`);
    await other.page.reload();
    await ready(other.page);
    await other.page.waitForSelector(`${RP}[data-state="link"]`);
    await expect(other.page.locator(`${RP} .rf-rp-out .rf-rp-error`).textContent()).resolves.toMatch(
      /^This link’s log cannot be read|^This link's log cannot be read/,
    );
    expect(other.problems).toEqual([]);
    await other.page.context().close();
    expect(problems).toEqual([]);
  });
});
