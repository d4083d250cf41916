// @ts-check
/**
 * The browser tests need a real Chromium. If none is installed and this is a root shell on a
 * machine with apt, install Debian's package; otherwise stop with the exact fix. Never skips.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CHROMIUM_FIX, findChromium } from './chromium.mjs';

const found = findChromium();
if (found) {
  console.log(`chromium: ${found}`);
  process.exit(0);
}
if (process.env['CHROMIUM_PATH']) {
  console.error(`CHROMIUM_PATH=${process.env['CHROMIUM_PATH']} does not exist: ${CHROMIUM_FIX}.`);
  process.exit(1);
}
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot || !existsSync('/usr/bin/apt-get')) {
  console.error(
    `No Chromium found and cannot install it here (${isRoot ? 'no apt-get' : 'not root'}): ${CHROMIUM_FIX}.`,
  );
  process.exit(1);
}
console.log("chromium: not found; installing Debian's chromium with apt-get (needed by the browser tests)…");
try {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
} catch {
  console.error(`apt-get could not install chromium: ${CHROMIUM_FIX}.`);
  process.exit(1);
}
const installed = findChromium();
if (!installed) {
  console.error(`apt-get finished but no Chromium binary was found: ${CHROMIUM_FIX}.`);
  process.exit(1);
}
console.log(`chromium: ${installed}`);
