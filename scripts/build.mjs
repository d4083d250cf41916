// @ts-check
/**
 * `astro build` with zero tolerance for warnings: the build's output is echoed, and any warning
 * line (Astro's [WARN], Vite/Rolldown warnings) fails the build after it completes, so the
 * output of a failed run still shows every problem at once.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Lines that are warnings, whoever printed them. */
const WARNING = /\[WARN\]|\[warn\]|^\s*\(!\)|^\s*warning[: ]|\bwarn(ing)?:/i;

const child = spawn('astro', ['build'], { stdio: ['ignore', 'pipe', 'pipe'], shell: false });
/** @type {string[]} */
const warnings = [];
let buffer = '';
/** @param {Buffer} chunk */
function onData(chunk) {
  const text = chunk.toString();
  process.stdout.write(text);
  buffer += text;
  const lines = buffer.split('\n');
  buffer = lines.pop() ?? '';
  for (const line of lines) {
    // Strip ANSI colour codes before matching.
    // eslint-disable-next-line no-control-regex -- matching the ESC of ANSI colour codes is the point
    const plain = line.replace(/\u001b\[[0-9;]*m/g, '');
    if (WARNING.test(plain)) warnings.push(plain.trim());
  }
}
child.stdout.on('data', onData);
child.stderr.on('data', onData);
/** @type {number | null} */
const code = await new Promise((done) => child.on('close', done));
if (buffer && WARNING.test(buffer)) warnings.push(buffer.trim());
if (code !== 0) process.exit(Number(code) || 1);
const missing = ['dist/index.html', 'dist/sitemap-index.xml', 'dist/pagefind/pagefind.js'].filter(
  (f) => !existsSync(f),
);
if (missing.length) {
  console.error(`build: expected output missing: ${missing.join(', ')}`);
  process.exit(1);
}
if (warnings.length) {
  console.error(
    `\nbuild: ${warnings.length} warning(s); the build must be warning-free:\n${warnings.map((w) => `  ${w}`).join('\n')}`,
  );
  process.exit(1);
}
console.log('build: no warnings; dist/ has the pages, sitemap-index.xml and the pagefind/ index');
