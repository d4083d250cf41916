/**
 * The first command a newcomer runs (issue 16): `npm start`, Astro's development server, must
 * print no error or warning line, and the pages a reader tries first must work in it. The test
 * starts it as the README says (`npm start`, on a free port), loads the landing page, a diagram
 * page, a snippet page (editing and running a snippet), the playground (running a scenario) and
 * the log replay, and fails on any error or warning line in the server's output, any console
 * error, and any failed request — including Vite's re-optimising of dependencies on the first
 * visit, which answers module requests with 504 and reloads the page.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { formatRun } from '../../src/snippets/runtime';
import { runSnippetInNode } from '../../src/snippets/node';
import { openPage, useBrowser, type WatchedPage } from './browser.js';

const { browser } = useBrowser();

/** Lines that are errors or warnings, whoever printed them (Astro, Vite, Node). */
const BAD = /\[ERROR\]|\[WARN\]|\[warn\]|\berror\b|\bwarning\b|^\s*\(!\)|Error:|ERR_/i;
/** Vite telling the page to reload because it re-bundled dependencies it had not scanned. */
const REOPTIMISE = /optimized dependencies changed|new dependencies optimized|reloading/i;

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => {
        ok(port);
      });
    });
  });
}

/**
 * The environment a newcomer's shell has: this process's, without what Vitest adds to it
 * (NODE_ENV=test, MODE, BASE_URL and the rest of import.meta.env, VITEST*), which would make
 * Astro's server run as a test and answer every page with "Cannot GET".
 */
function newcomerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(NODE_ENV|MODE|BASE_URL|DEV|PROD|SSR|TEST|VITEST.*|VITE_.*|BASE_PATH|SITE_URL|OUT_DIR)$/.test(k))
      continue;
    env[k] = v;
  }
  return env;
}

let server: ChildProcess | undefined;
let origin = '';
const output: string[] = [];

beforeAll(async () => {
  // A newcomer's first start: no dependencies pre-bundled yet (Vite keeps them here).
  rmSync('node_modules/.vite', { recursive: true, force: true });
  const port = await freePort();
  // As the README says, through npm (so node_modules/.bin's Node 22 runs Astro).
  server = spawn('npm', ['start', '--', '--port', String(port), '--host', '127.0.0.1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    env: { ...newcomerEnv(), FORCE_COLOR: '0', NO_COLOR: '1', ASTRO_DISABLE_UPDATE_CHECK: 'true' },
  });
  const ready = new Promise<void>((ok, fail) => {
    let pending = '';
    const onData = (chunk: Buffer): void => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      // eslint-disable-next-line no-control-regex -- stripping ANSI colour codes is the point
      for (const line of lines) output.push(line.replace(/\u001b\[[0-9;]*m/g, ''));
      if (output.some((l) => l.includes(`127.0.0.1:${String(port)}`))) ok();
    };
    server?.stdout?.on('data', onData);
    server?.stderr?.on('data', onData);
    server?.once('exit', (code) => {
      fail(new Error(`npm start exited with ${String(code)} before it was ready:\n${output.join('\n')}`));
    });
  });
  await ready;
  origin = `http://127.0.0.1:${String(port)}`;
}, 120_000);

afterAll(async () => {
  if (server?.pid !== undefined) {
    const exited = new Promise((ok) => server?.once('exit', ok));
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    await exited;
  }
});

/** The server's output so far that is an error, a warning or a re-optimisation. */
const badLines = (): string[] => output.filter((l) => BAD.test(l) || REOPTIMISE.test(l));

async function visit(path: string): Promise<WatchedPage> {
  const w = await openPage(browser());
  // Dev pages compile on first request: allow them time on a loaded machine.
  w.page.setDefaultTimeout(60_000);
  await w.page.goto(`${origin}${path}`, { waitUntil: 'networkidle', timeout: 120_000 });
  return w;
}

async function done(w: WatchedPage): Promise<void> {
  expect(w.problems).toEqual([]);
  expect(badLines()).toEqual([]);
  await w.page.context().close();
}

async function firstRunnableSnippet(page: Page): Promise<{ id: string; code: string }> {
  const found = await page.$$eval('.rf-snippet:not([data-no-run])', (els) =>
    els.map((el) => ({
      id: el.getAttribute('data-snippet-id') ?? '',
      source: el.querySelector('script.rf-snippet-source')?.textContent ?? '',
    })),
  );
  const first = found.find((s) => s.id !== '' && s.source !== '');
  if (!first) throw new Error('no runnable snippet on the page');
  return { id: first.id, code: (JSON.parse(first.source) as { code: string }).code };
}

describe('npm start (the development server)', () => {
  it('starts without an error or warning line', () => {
    expect(output.some((l) => /astro\s+v\d/.test(l))).toBe(true);
    expect(badLines()).toEqual([]);
  });

  it('serves the landing page with no console error or failed request', async () => {
    const w = await visit('/');
    await expect(w.page.locator('h1').first().textContent()).resolves.toBe('realmfault');
    await done(w);
  }, 180_000);

  it('renders a diagram page’s diagrams', async () => {
    const w = await visit('/fault-path/');
    await expect(w.page.locator('figure[data-diagram] svg').count()).resolves.toBeGreaterThan(0);
    await done(w);
  }, 180_000);

  it('edits and runs a snippet, with the result Node gives', async () => {
    const w = await visit('/conversions/implicit/');
    const { id, code } = await firstRunnableSnippet(w.page);
    const root = w.page.locator(`.rf-snippet[data-snippet-id="${id}"]`);
    await root.scrollIntoViewIfNeeded();
    await root.locator('.rf-snippet-controls button[data-action="edit"]').click();
    const content = root.locator('.cm-content');
    await content.waitFor();
    // Edit: append a line that prints something, then run.
    await content.focus();
    await w.page.keyboard.press('ControlOrMeta+End');
    const extra = "\nconsole.log('edited in dev');";
    await w.page.keyboard.insertText(extra);
    await root.locator('.rf-snippet-controls button[data-action="run"]').click();
    await root.and(w.page.locator(':not([data-running])')).waitFor({ timeout: 60_000 });
    await expect(root.locator('.rf-snippet-output').textContent()).resolves.toBe(
      formatRun(runSnippetInNode(code + extra)),
    );
    await done(w);
  }, 180_000);

  it('runs a scenario in the playground', async () => {
    const w = await visit('/playground/');
    const PG = '[data-rf-widget="playground"]';
    await w.page.locator(`${PG} .rf-pg-builtin`).focus();
    await w.page.waitForSelector(`${PG}[data-mounted="true"]`);
    await w.page.locator(`${PG} .rf-pg-run`).click();
    await w.page.waitForSelector(`${PG} [data-rf-widget="stepper"][data-mounted="true"]`);
    await done(w);
  }, 180_000);

  it('replays the seed’s log', async () => {
    const w = await visit('/playground/replay/');
    const RP = '[data-rf-widget="replay"]';
    await w.page.waitForSelector(`${RP}[data-ready="true"]`);
    await w.page.locator(`${RP} button.rf-rp-seed`).click();
    await w.page.waitForFunction(
      (s) => Number(document.querySelector<HTMLElement>(s)?.dataset['runs'] ?? '0') >= 1,
      RP,
      { timeout: 90_000 },
    );
    await expect(w.page.locator(RP).getAttribute('data-state')).resolves.toBe('done');
    await done(w);
  }, 180_000);
});
