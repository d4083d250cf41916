// @ts-check
import { defineConfig } from 'astro/config';
import starlight from '@astrojs/starlight';
import mdx from '@astrojs/mdx';

/**
 * The site URL is needed for the sitemap and canonical links. The default is the local
 * preview server; a deployment sets SITE_URL.
 */
const site = process.env.SITE_URL ?? 'http://localhost:4321';

/** Sidebar sections, in reading order. Each is a folder of src/content/docs. */
const sections = [
  ['Start here', 'start-here'],
  ['Concepts', 'concepts'],
  ['The fault path', 'fault-path'],
  ['Conversions', 'conversions'],
  ['Case studies from review', 'case-studies'],
  ['Scenarios', 'scenarios'],
  ['Playground', 'playground'],
  ['Reference', 'reference'],
];

export default defineConfig({
  site,
  // The model and CLI are workspaces; during development read their TypeScript sources
  // directly (the "realmfault-source" export condition) so edits show up without a rebuild.
  vite: {
    resolve: { conditions: ['realmfault-source'] },
    ssr: { resolve: { conditions: ['realmfault-source'], externalConditions: ['realmfault-source'] } },
  },
  integrations: [
    starlight({
      title: 'realmfault — the realm fault path',
      description:
        'How Linux KVM on arm64 handles the stage-2 memory faults of Arm CCA realms, with diagrams and a simulator.',
      favicon: '/favicon.svg',
      customCss: ['./src/styles/site.css'],
      sidebar: sections.map(([label, directory]) => ({
        label,
        items: [{ autogenerate: { directory } }],
      })),
    }),
    mdx(),
  ],
});
