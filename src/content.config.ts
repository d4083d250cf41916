import { defineCollection } from 'astro:content';
import { docsLoader, i18nLoader } from '@astrojs/starlight/loaders';
import { docsSchema, i18nSchema } from '@astrojs/starlight/schema';
import { frontmatterExtension } from './content/versions';

/**
 * Our additions to Starlight's frontmatter: `checkedAgainst` (src/content/versions.ts). An unknown
 * version id fails the build; Astro's error names the file and the field.
 */
const extend = frontmatterExtension;

export const collections = {
  docs: defineCollection({ loader: docsLoader(), schema: docsSchema({ extend }) }),
  // Starlight reads UI-string overrides from this collection; src/content/i18n/en.json holds ours.
  i18n: defineCollection({ loader: i18nLoader(), schema: i18nSchema() }),
};
