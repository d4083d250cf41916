// @ts-check
/**
 * Finding and launching Debian's Chromium for the browser tests and benchmarks.
 * Never downloads a browser (`npx playwright install` cannot work on these machines).
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where we look, in order, after the CHROMIUM_PATH environment variable. */
export const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** Flags for headless Chromium as root on a machine whose only network is loopback. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** @returns {string | undefined} the browser's path, or undefined when none is installed. */
export function findChromium() {
  const fromEnv = process.env['CHROMIUM_PATH'];
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  return CANDIDATES.find((p) => existsSync(p));
}

/** The exact fix, for messages. */
export const CHROMIUM_FIX =
  "install Debian's Chromium with `apt-get update && apt-get install -y chromium` (as root), " +
  'or set CHROMIUM_PATH to a Chromium or Chrome binary';

/**
 * Launch options for playwright-core's chromium.launch(): the system browser, the flags above
 * and a fresh profile directory.
 * @returns {{ executablePath: string, args: string[] }}
 */
export function launchOptions() {
  const executablePath = findChromium();
  if (!executablePath) {
    throw new Error(
      `No Chromium found (looked at ${process.env['CHROMIUM_PATH'] ?? CANDIDATES.join(', ')}): ${CHROMIUM_FIX}.`,
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'realmfault-chromium-'));
  return { executablePath, args: [...CHROMIUM_ARGS, `--user-data-dir=${profile}`] };
}
