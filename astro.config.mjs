// @ts-check
import { defineConfig } from 'astro/config';
import starlight from '@astrojs/starlight';
import mdx from '@astrojs/mdx';
import sitemap from '@astrojs/sitemap';
import { satteri } from '@astrojs/markdown-satteri';
import { mermaidPlugin } from './src/plugins/mermaid/index.ts';
import { simPlugin } from './src/plugins/sim/index.ts';
import { glossaryPlugin } from './src/plugins/glossary/index.ts';
import { referencesPlugin } from './src/plugins/references/index.ts';
import { citePlugin } from './src/plugins/cite/index.ts';
import { fnLinksPlugin } from './src/plugins/fnlinks/index.ts';
import { cspInlineHashes } from './scripts/csp-inline-hashes.mjs';
import { basePath, outDir, siteUrl, withBase } from './scripts/site-config.mjs';
import { basePlugin } from './src/plugins/base/index.ts';
import { scenarioSidebarItems } from './src/components/reference/scenario-sidebar.ts';
import { RENAMED_SCENARIOS } from '@realmfault/model';

/**
 * Where the site is deployed (scripts/site-config.mjs checks the values and says what is wrong):
 * SITE_URL, the origin, for the sitemap and canonical links (default: the local preview server);
 * BASE_PATH, the path it lives under (default /; e.g. /realmfault/ on GitHub or GitLab Pages),
 * which Astro applies to its own links and assets and src/site-base.ts to ours; OUT_DIR, where
 * the build writes it (default dist; the tests build a second copy under a base path).
 */
const site = siteUrl();
const base = basePath();

/** Sidebar sections, in reading order. Each is a folder of src/content/docs. */
const sections = [
  { label: 'Start here', directory: 'start-here' },
  { label: 'Concepts', directory: 'concepts' },
  { label: 'The fault path', directory: 'fault-path' },
  { label: 'Conversions', directory: 'conversions' },
  { label: 'Case studies from review', directory: 'case-studies' },
  // The section's index, then one generated page per built-in scenario (src/pages/scenarios).
  { label: 'Scenarios', directory: 'scenarios', extra: scenarioSidebarItems() },
  { label: 'Playground', directory: 'playground' },
  { label: 'Reference', directory: 'reference' },
];

export default defineConfig({
  // Astro's development toolbar is not part of the site; it also pulls in modules the
  // development server would only find (and re-bundle, reloading the page) on the first visit.
  devToolbar: { enabled: false },
  // Scenarios that were renamed keep their old addresses (the model still accepts the old names).
  redirects: Object.fromEntries(
    // Astro puts the old address under the base path itself, but not the target.
    Object.entries(RENAMED_SCENARIOS).map(([old, name]) => [
      `/scenarios/${old}/`,
      withBase(`/scenarios/${name}/`, base),
    ]),
  ),
  site,
  base,
  outDir: outDir(),
  // Content-Security-Policy (issue 7), emitted by Astro as a <meta http-equiv> in every page
  // because a static host cannot be relied on for headers. Astro adds the hashes of the inline
  // scripts and styles it renders (Starlight's theme and component scripts) to script-src and
  // style-src; everything else must come from the site itself. No 'unsafe-eval': eval() and
  // new Function() throw in the page. 'wasm-unsafe-eval' lets Pagefind's search compile its
  // WebAssembly (it allows WebAssembly.compile only, not eval). worker-src is ready for the
  // snippet runner's worker. Inline style *attributes* (Starlight's icons set
  // style="--sl-icon-size: …") are allowed through style-src-attr only; <style> elements still
  // need a hash. tests/e2e/csp.e2e.ts checks the policy is present, in force, and that no page
  // reports a violation.
  security: {
    csp: {
      algorithm: 'SHA-256',
      directives: [
        "default-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
      ],
      scriptDirective: { resources: ["'self'", "'wasm-unsafe-eval'"] },
      // Only the attribute scope is set: Astro then writes style-src 'self' plus the hashes of
      // its <style> elements, and style-src-attr 'unsafe-inline'.
      styleDirective: { resources: [{ resource: "'unsafe-inline'", kind: 'attribute' }] },
    },
  },
  markdown: {
    // Expressive Code highlights code blocks (and turns Astro's Shiki off itself); saying so here
    // keeps Astro from warning that Shiki's inline styles and the CSP do not mix.
    syntaxHighlight: false,
    // Sätteri is Astro 7's default Markdown processor. Our mdast plugins, one instance per
    // document: the citation plugin turns `[@source-id]` citations into links to the primary
    // source and lists them at the end of the page, failing the build on an unknown id
    // (src/plugins/cite); the reference check fails the build on an unknown `function()` or scenario name
    // (src/plugins/references); the function-link plugin links the first `name()` of a function
    // on a page to the page or section about it (src/plugins/fnlinks); the diagram plugin turns
    // ```mermaid fences into inline SVG at build time, before Expressive Code claims code blocks
    // (src/plugins/mermaid); the snippet
    // plugin runs ```ts sim fences against the model and puts their output under the code
    // (src/plugins/sim); the glossary plugin links the first use of each term on a page to its
    // definition (src/plugins/glossary).
    processor: satteri({
      mdastPlugins: [
        () => citePlugin(),
        () => referencesPlugin(),
        () => fnLinksPlugin(),
        () => mermaidPlugin(),
        () => simPlugin(),
        () => glossaryPlugin(),
        // Last, so that it sees every link the others made: root-absolute links under BASE_PATH.
        () => basePlugin(),
      ],
    }),
  },
  // The model and CLI are workspaces; during development read their TypeScript sources
  // directly (the "realmfault-source" export condition) so edits show up without a rebuild.
  vite: {
    // Workers, and the widgets' lazy parts bundled the same way (src/lazy-module.ts), are ES
    // modules: every worker is created with { type: 'module' }.
    // Rolldown's bundlerTimings check warns when plugins take a large share of the build time,
    // which says more about a loaded machine than about the site; the build fails on every
    // warning (scripts/build.mjs), so that one is off, for the workers' bundles too.
    worker: { format: 'es', rolldownOptions: { checks: { bundlerTimings: false } } },
    build: {
      rolldownOptions: {
        checks: { bundlerTimings: false },
        onLog(level, log, handler) {
          // Astro 7 marks the MDX content-asset wrapper with its own "use astro:head-inject"
          // directive, which Rolldown does not know and reports for every .mdx page. The marker
          // only matters before bundling, so this exact warning is noise; any other still fails
          // the warning-free build (scripts/build.mjs).
          if (
            level === 'warn' &&
            log.code === 'MODULE_LEVEL_DIRECTIVE' &&
            log.message.includes('astro:head-inject')
          ) {
            return;
          }
          handler(level, log);
        },
      },
    },
    resolve: { conditions: ['realmfault-source'] },
    // The development server (`npm start`) pre-bundles dependencies it finds by scanning the
    // pages; the editors and the snippet compiler are loaded lazily (src/lazy-module.ts), so the
    // scan misses them, and without this list Vite would discover them on a reader's first
    // click, re-bundle, answer the page's module requests with errors and reload it.
    optimizeDeps: {
      include: [
        '@codemirror/autocomplete',
        '@codemirror/commands',
        '@codemirror/lang-javascript',
        '@codemirror/lang-json',
        '@codemirror/language',
        '@codemirror/lint',
        '@codemirror/state',
        '@codemirror/view',
        '@lezer/highlight',
        'sucrase',
      ],
    },
    ssr: { resolve: { conditions: ['realmfault-source'], externalConditions: ['realmfault-source'] } },
  },
  integrations: [
    // The sitemap Starlight would add, less the print edition (src/pages/print), which repeats pages that are listed.
    sitemap({ filter: (page) => !/\/print\/([\w-]+\/)?$/.test(new URL(page).pathname) }),
    starlight({
      title: 'realmfault — the realm fault path',
      description:
        'How Linux KVM on arm64 handles the stage-2 memory faults of Arm CCA realms, with diagrams and a simulator.',
      favicon: '/favicon.svg',
      // Our 404 page is the content entry src/content/docs/404.md, rendered by the docs route.
      disable404Route: true,
      customCss: [
        './src/styles/site.css',
        './src/styles/diagrams.css',
        './src/styles/reference.css',
        './src/styles/glossary.css',
        './src/styles/print.css',
        './src/styles/wide.css',
      ],
      // Hero buttons' frontmatter links, under the base path (src/route-data.ts).
      routeMiddleware: './src/route-data.ts',
      // The Footer override adds the "Checked against …" block to every page (src/content/versions.ts).
      components: {
        Footer: './src/components/VersionsBlock.astro',
        // SkipLink is overridden only to add the offline support's registration script (issue 16).
        SkipLink: './src/components/OfflineSupport.astro',
      },
      sidebar: sections.map(({ label, directory, extra }) => ({
        label,
        items: [{ autogenerate: { directory } }, ...(extra ?? [])],
      })),
    }),
    mdx(),
    // After the build: hash Starlight's is:inline scripts (and any inline <style>) into each
    // page's CSP, which Astro's own hashing leaves out (scripts/csp-inline-hashes.mjs).
    cspInlineHashes(),
  ],
});
