// @ts-check
/**
 * `astro build` with zero tolerance for warnings: the build's output is echoed, and any warning
 * line (Astro's [WARN], Vite/Rolldown warnings) fails the build after it completes, so the
 * output of a failed run still shows every problem at once.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { checkLinks } from './check-links.mjs';
import { briefCitationsInBuild, rawCitationsInBuild } from './check-brief.mjs';
import { writeHeaders } from './headers.mjs';
import { writeServiceWorker } from './service-worker.mjs';
import { basePath, outDir, siteUrl } from './site-config.mjs';

/** Where the site goes (OUT_DIR, default dist) and the path it is served under (BASE_PATH). */
const out = outDir();
/** @type {string} */
let base;
try {
  base = basePath();
  siteUrl();
} catch (e) {
  // A bad BASE_PATH or SITE_URL: one line naming it, before Astro starts.
  console.error(`build: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(2);
}

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
const missing = ['index.html', 'sitemap-index.xml', 'pagefind/pagefind.js']
  .map((f) => `${out}/${f}`)
  .filter((f) => !existsSync(f));
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
// Broken internal links and #anchors fail the build, each named with the page that has it.
const links = checkLinks(out, base);
if (links.broken.length) {
  console.error(`\nbuild: ${links.broken.length} broken internal link(s):`);
  for (const b of links.broken) console.error(`  ${b.page}: ${b.href} — ${b.reason}`);
  process.exit(1);
}
console.log(`build: ${links.links} internal links on ${links.pages} pages, none broken`);
// Readers cannot open the internal brief: a page that still cites it fails the build.
const brief = briefCitationsInBuild(out);
if (brief.length) {
  console.error(`\nbuild: ${brief.length} page(s) cite the internal brief; cite a primary source instead:`);
  for (const b of brief) console.error(`  ${b.file}: ${b.found[0]?.match ?? ''}`);
  process.exit(1);
}
const raw = rawCitationsInBuild(out);
if (raw.length) {
  console.error(`\nbuild: ${raw.length} page(s) show a citation as written instead of a link:`);
  for (const r of raw) console.error(`  ${r.file}: ${r.found[0]?.match ?? ''}`);
  process.exit(1);
}
// The offline service worker (issue 16): sw.js precaches the finished site. Before the header
// files, which are for the host and never precached.
writeServiceWorker(out, base);
// Response headers for hosts that can set them: _headers and nginx-snippet.conf in the build.
const headers = writeHeaders(out, { base });
console.log(
  `build: ${out}/_headers: ${headers.rules.length} rules, ${headers.workers.length} worker policies`,
);
console.log(
  `build: no warnings; ${out}/ has the pages, sitemap-index.xml and the pagefind/ index` +
    (base === '/' ? '' : `, for serving under ${base}`),
);
