import { defineCollection } from 'astro:content';
import { z } from 'astro/zod';
import { docsLoader, i18nLoader } from '@astrojs/starlight/loaders';
import { docsSchema, i18nSchema } from '@astrojs/starlight/schema';
import { VERSION_IDS } from './content/versions';

/**
 * Our additions to Starlight's frontmatter. `checkedAgainst` names, by id from
 * src/content/versions.ts, what the page was checked against when it is not the site's default
 * set; an unknown id fails the build, and Astro's error names the file and the field.
 */
const extend = z.object({
  checkedAgainst: z
    .array(
      z.enum(VERSION_IDS, {
        error: (issue) =>
          `checkedAgainst: expected one of ${VERSION_IDS.join(', ')} (src/content/versions.ts), got ${JSON.stringify(issue.input)}`,
      }),
    )
    .min(1, { error: 'checkedAgainst: expected at least one version id; omit the field for the default set' })
    .optional(),
});

export const collections = {
  docs: defineCollection({ loader: docsLoader(), schema: docsSchema({ extend }) }),
  // Starlight reads UI-string overrides from this collection; src/content/i18n/en.json holds ours.
  i18n: defineCollection({ loader: i18nLoader(), schema: i18nSchema() }),
};
