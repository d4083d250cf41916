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
 * Launch options for playwright-core's chromium.launch(): the system browser and the flags
 * above. Playwright gives every launch a fresh, empty profile directory of its own.
 * @returns {{ executablePath: string, args: string[] }}
 */
export function launchOptions() {
  return { executablePath: requireChromium(), args: [...CHROMIUM_ARGS] };
}

/**
 * Command-line flags for running Chromium directly (Lighthouse): the flags above plus a fresh
 * --user-data-dir.
 * @returns {string[]}
 */
export function directFlags() {
  return [...CHROMIUM_ARGS, `--user-data-dir=${mkdtempSync(join(tmpdir(), 'realmfault-chromium-'))}`];
}

/** @returns {string} the browser's path; throws with the exact fix when there is none. */
export function requireChromium() {
  const executablePath = findChromium();
  if (!executablePath) {
    const looked = process.env['CHROMIUM_PATH'] ?? CANDIDATES.join(', ');
    throw new Error(`No Chromium found (looked at ${looked}): ${CHROMIUM_FIX}.`);
  }
  return executablePath;
}
