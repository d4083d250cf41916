// A default Starlight site: the yardstick for our page weight (bench/page-weight.mjs).
import { defineConfig } from 'astro/config';
import starlight from '@astrojs/starlight';

export default defineConfig({
  site: 'http://localhost:4321',
  integrations: [
    starlight({
      title: 'Baseline',
      sidebar: [{ label: 'Guides', items: [{ autogenerate: { directory: 'guides' } }] }],
    }),
  ],
});
