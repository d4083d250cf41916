// @ts-check
import { defineConfig } from 'astro/config';
import starlight from '@astrojs/starlight';
import mdx from '@astrojs/mdx';
import { satteri } from '@astrojs/markdown-satteri';
import { mermaidPlugin } from './src/plugins/mermaid/index.ts';

/**
 * The site URL is needed for the sitemap and canonical links. The default is the local
 * preview server; a deployment sets SITE_URL.
 */
const site = process.env.SITE_URL ?? 'http://localhost:4321';

/** Sidebar sections, in reading order. Each is a folder of src/content/docs. */
const sections = [
  { label: 'Start here', directory: 'start-here' },
  { label: 'Concepts', directory: 'concepts' },
  { label: 'The fault path', directory: 'fault-path' },
  { label: 'Conversions', directory: 'conversions' },
  { label: 'Case studies from review', directory: 'case-studies' },
  { label: 'Scenarios', directory: 'scenarios' },
  { label: 'Playground', directory: 'playground' },
  { label: 'Reference', directory: 'reference' },
];

export default defineConfig({
  site,
  markdown: {
    // Sätteri is Astro 7's default Markdown processor; we only add the diagram plugin, which
    // turns ```mermaid fences into inline SVG at build time (src/plugins/mermaid). It works on
    // the mdast, before Expressive Code claims code blocks; one plugin per document.
    processor: satteri({ mdastPlugins: [() => mermaidPlugin()] }),
  },
  // The model and CLI are workspaces; during development read their TypeScript sources
  // directly (the "realmfault-source" export condition) so edits show up without a rebuild.
  vite: {
    build: {
      rolldownOptions: {
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
    ssr: { resolve: { conditions: ['realmfault-source'], externalConditions: ['realmfault-source'] } },
  },
  integrations: [
    starlight({
      title: 'realmfault — the realm fault path',
      description:
        'How Linux KVM on arm64 handles the stage-2 memory faults of Arm CCA realms, with diagrams and a simulator.',
      favicon: '/favicon.svg',
      // Our 404 page is the content entry src/content/docs/404.md, rendered by the docs route.
      disable404Route: true,
      customCss: ['./src/styles/site.css', './src/styles/diagrams.css'],
      sidebar: sections.map(({ label, directory }) => ({
        label,
        items: [{ autogenerate: { directory } }],
      })),
    }),
    mdx(),
  ],
});
