/**
 * The sections of the print edition: the folders of src/content/docs, each a sidebar section
 * (astro.config.mjs `sections`), by folder name. The order and the pages of each come from the
 * sidebar itself when a print page renders (_PrintEdition.astro).
 */
import { getCollection } from 'astro:content';

/** Folder names of src/content/docs that hold pages, sorted: `case-studies`, `concepts`, … */
export async function printSections(): Promise<string[]> {
  const entries = await getCollection('docs');
  // A section's index page (concepts/index.mdx) has the folder's name as its id.
  const indexes = entries.flatMap((e) => {
    const m = /(?:^|\/)([^/]+)\/index\.mdx?$/.exec(e.filePath ?? '');
    return m?.[1] === e.id ? [e.id] : [];
  });
  return [...new Set(indexes)].sort();
}

/** The print page of `section` (or of the whole site), relative to the site's base. */
export const printPath = (section?: string): string => (section ? `print/${section}/` : 'print/');
