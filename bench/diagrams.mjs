// @ts-check
/**
 * What build-time diagrams cost: the build time that 20 ```mermaid diagrams add, and the
 * JavaScript they add to a page (it must be 0 bytes: diagrams are inline SVG, no widget).
 *
 * Builds two otherwise identical 20-page Starlight sites with our Markdown config (Sätteri plus
 * the diagram plugin), one page per diagram in the second, alternating the builds RUNS times
 * (default 3) because the machines are noisy; prints medians and the per-page JS comparison.
 *
 * Usage: PATH=$PWD/node_modules/.bin:$PATH node bench/diagrams.mjs   (Node 22, as npm scripts run)
 * Writes bench/out/diagrams.json.
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { renderMermaidSVG } from 'beautiful-mermaid';

const OUT = resolve('bench/out/diagrams');
const RUNS = Number(process.env['RUNS'] ?? 3);
const PAGES = 20;

/** Twenty different diagrams (so no layout is reused): flowcharts and sequences of realistic size. */
function diagram(/** @type {number} */ i) {
  if (i % 2 === 0) {
    return [
      'flowchart LR',
      `  rec_exit_sync_dabt --> kvm_handle_guest_abort`,
      `  kvm_handle_guest_abort -->|case ${i}: gmem slot| gmem_abort`,
      `  kvm_handle_guest_abort -->|otherwise| user_mem_abort`,
      `  kvm_handle_guest_abort -->|no HVA| io_mem_abort`,
      `  gmem_abort --> realm_map_ipa`,
      `  user_mem_abort --> kvm_s2_fault_pin_pfn --> kvm_s2_fault_map --> realm_map_ipa`,
      `  realm_map_ipa --> realm_map_protected & realm_map_non_secure`,
      `  realm_map_protected --> RMI_RTT_DATA_MAP`,
      `  realm_map_non_secure --> RMI_RTT_UNPROT_MAP`,
    ].join('\n');
  }
  return [
    'sequenceDiagram',
    '  participant G as guest',
    '  participant R as RMM',
    '  participant K as KVM',
    '  participant V as VMM',
    `  G->>R: load from IPA ${(0x40000000 + i * 0x1000).toString(16)}`,
    '  R->>K: REC exit, ESR sanitised',
    '  Note over K: kvm_handle_guest_abort → gmem_abort',
    '  K->>R: RMI_RTT_DATA_MAP',
    '  R-->>K: RMI_SUCCESS',
    '  K->>R: REC enter',
    '  R-->>G: resume',
  ].join('\n');
}

/** Page i of a site; with a diagram or not, the prose is the same. */
function page(/** @type {number} */ i, /** @type {boolean} */ withDiagram) {
  const fence = withDiagram ? [`\`\`\`mermaid title="Bench diagram ${i}"`, diagram(i), '```', ''] : [];
  return [
    '---',
    `title: Page ${i}`,
    '---',
    '',
    `This is page ${i}. It has a paragraph of prose so the pages are not empty, and a code block.`,
    '',
    '```ts',
    `const page = ${i};`,
    '```',
    '',
    ...fence,
  ].join('\n');
}

/** Create (once) a site at OUT/<name>; returns its root. */
function site(/** @type {string} */ name, /** @type {boolean} */ withDiagrams) {
  const root = join(OUT, name);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(root, 'src/content/docs/pages'), { recursive: true });
  symlinkSync(resolve('node_modules'), join(root, 'node_modules'));
  const plugin = relative(root, resolve('src/plugins/mermaid/index.ts'));
  writeFileSync(
    join(root, 'astro.config.mjs'),
    [
      `import { defineConfig } from 'astro/config';`,
      `import starlight from '@astrojs/starlight';`,
      `import mdx from '@astrojs/mdx';`,
      `import { satteri } from '@astrojs/markdown-satteri';`,
      `import { mermaidPlugin } from '${plugin}';`,
      `export default defineConfig({`,
      `  site: 'http://localhost:4321',`,
      `  markdown: { processor: satteri({ mdastPlugins: [() => mermaidPlugin()] }) },`,
      `  integrations: [starlight({ title: 'Bench', pagefind: false, customCss: ['${resolve('src/styles/diagrams.css')}'],`,
      `    sidebar: [{ label: 'Pages', items: [{ autogenerate: { directory: 'pages' } }] }] }), mdx()],`,
      `});`,
    ].join('\n'),
  );
  writeFileSync(
    join(root, 'src/content.config.ts'),
    [
      `import { defineCollection } from 'astro:content';`,
      `import { docsLoader } from '@astrojs/starlight/loaders';`,
      `import { docsSchema } from '@astrojs/starlight/schema';`,
      `export const collections = { docs: defineCollection({ loader: docsLoader(), schema: docsSchema() }) };`,
    ].join('\n'),
  );
  writeFileSync(join(root, 'src/content/docs/index.mdx'), '---\ntitle: Bench\n---\n\nThe index.\n');
  for (let i = 1; i <= PAGES; i++) {
    writeFileSync(
      join(root, `src/content/docs/pages/p${String(i).padStart(2, '0')}.mdx`),
      page(i, withDiagrams),
    );
  }
  return root;
}

function build(/** @type {string} */ root) {
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  const t0 = process.hrtime.bigint();
  execFileSync('astro', ['build', '--root', root, '--silent'], { stdio: 'inherit' });
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

const median = (/** @type {number[]} */ xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2
    ? (s[(s.length - 1) / 2] ?? 0)
    : ((s[s.length / 2 - 1] ?? 0) + (s[s.length / 2] ?? 0)) / 2;
};

/** JS a built page loads: its external scripts' bytes plus inline scripts, raw and gzip. */
function pageJs(/** @type {string} */ dist, /** @type {string} */ htmlFile) {
  const html = readFileSync(htmlFile, 'utf8');
  let raw = 0;
  let gzip = 0;
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
    const src = /\bsrc="([^"]+)"/.exec(m[1] ?? '')?.[1];
    const body = src ? readFileSync(join(dist, src.split('?')[0] ?? '')) : Buffer.from(m[2] ?? '');
    if (!src && /type="application\/(ld\+)?json"/.test(m[1] ?? '')) continue;
    raw += body.length;
    gzip += gzipSync(body).length;
  }
  return { raw, gzip, html: Buffer.byteLength(html) };
}

function walk(/** @type {string} */ dir) {
  /** @type {string[]} */
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

mkdirSync(OUT, { recursive: true });

// The renderer alone, in this process: the part of the added build time that is layout. The first
// pass pays for loading ELK and JIT warm-up (as a build does once); the second is steady state.
/** @type {number[]} */
const renderMs = [];
for (const pass of [0, 1]) {
  const r0 = process.hrtime.bigint();
  for (let i = 1; i <= PAGES; i++) {
    renderMermaidSVG(diagram(i + pass * 100), { bg: 'var(--bg)', fg: 'var(--fg)', transparent: true });
  }
  renderMs.push(Number(process.hrtime.bigint() - r0) / 1e6);
}

const without = site('without', false);
const withD = site('with', true);
/** @type {number[]} */
const tWithout = [];
/** @type {number[]} */
const tWith = [];
for (let r = 0; r < RUNS; r++) {
  tWithout.push(build(without));
  tWith.push(build(withD));
}

// Per-page JavaScript, with and without a diagram on the page.
const rows = [];
for (let i = 1; i <= PAGES; i++) {
  const rel = `pages/p${String(i).padStart(2, '0')}/index.html`;
  const a = pageJs(join(without, 'dist'), join(without, 'dist', rel));
  const b = pageJs(join(withD, 'dist'), join(withD, 'dist', rel));
  rows.push({
    page: rel,
    jsWithout: a.raw,
    jsWith: b.raw,
    jsAdded: b.raw - a.raw,
    htmlAdded: b.html - a.html,
  });
}
const mermaidInJs = walk(join(withD, 'dist'))
  .filter((p) => /\.m?js$/.test(p))
  .filter((p) => /mermaid|elkjs/i.test(readFileSync(p, 'utf8')));

const added = median(tWith) - median(tWithout);
const result = {
  runs: RUNS,
  pages: PAGES,
  diagrams: PAGES,
  buildSecondsWithout: tWithout,
  buildSecondsWith: tWith,
  medianWithout: median(tWithout),
  medianWith: median(tWith),
  addedSeconds: added,
  addedMsPerDiagram: (added * 1000) / PAGES,
  rendererMsFor20: { cold: renderMs[0], warm: renderMs[1] },
  diagramJsBytesPerPage: Math.max(...rows.map((r) => r.jsAdded)),
  htmlBytesAddedPerDiagram: Math.round(rows.reduce((n, r) => n + r.htmlAdded, 0) / PAGES),
  jsFilesMentioningMermaid: mermaidInJs.map((p) => relative(withD, p)),
  rows,
};
writeFileSync(join(resolve('bench/out'), 'diagrams.json'), JSON.stringify(result, null, 1));

console.log(
  `\nBuild time, ${PAGES} pages, ${RUNS} runs each (seconds): without diagrams ${tWithout.map((t) => t.toFixed(2)).join(' ')}; with ${PAGES} diagrams ${tWith.map((t) => t.toFixed(2)).join(' ')}`,
);
console.log(
  `  median without ${result.medianWithout.toFixed(2)} s, with ${result.medianWith.toFixed(2)} s: diagrams add ${added.toFixed(2)} s (${result.addedMsPerDiagram.toFixed(0)} ms per diagram)`,
);
console.log(
  `  the renderer alone (beautiful-mermaid, one process): ${(renderMs[0] ?? 0).toFixed(0)} ms cold, ` +
    `${(renderMs[1] ?? 0).toFixed(0)} ms warm, for ${PAGES} diagrams`,
);
console.log(`Page JavaScript, per page with a diagram vs the same page without:`);
for (const r of rows)
  console.log(
    `  ${r.page.padEnd(28)} ${String(r.jsWithout).padStart(7)} B → ${String(r.jsWith).padStart(7)} B  (+${r.jsAdded} B JS, +${r.htmlAdded} B HTML)`,
  );
console.log(
  `Diagram JavaScript on pages without widgets: ${result.diagramJsBytesPerPage} bytes (max over ${PAGES} pages)`,
);
console.log(`JS files in the built site mentioning mermaid/elkjs: ${mermaidInJs.length}`);
console.log(`Inline SVG: +${result.htmlBytesAddedPerDiagram} B of HTML per diagram on average`);
if (result.diagramJsBytesPerPage !== 0 || mermaidInJs.length) {
  console.error('diagrams: a diagram page loads JavaScript it should not');
  process.exit(1);
}
if (!existsSync(join(withD, 'dist/pages/p01/index.html'))) process.exit(1);
