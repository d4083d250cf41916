/**
 * The explorer's ChoiceSpace from the model's own tables: every RAM backend the model has
 * (BACKINGS) and every toggle (TOGGLE_INFO). Build time and tests only; the browser reads the
 * space from the page's JSON data block.
 */
import { BACKINGS, TOGGLE_INFO } from '@realmfault/model';
import type { ChoiceSpace } from './choices';

export const MODEL_SPACE: ChoiceSpace = {
  backings: [...BACKINGS],
  toggles: TOGGLE_INFO.map((t) => ({ name: t.name, default: t.default })),
};

/** How the form names each backend: the QEMU option a reader would type [@qemu-hostmem-ram.c:31] (packages/model/src/vmm/host.ts). */
export const BACKING_LABELS: Readonly<Record<(typeof BACKINGS)[number], string>> = {
  'anon-private': 'MAP_PRIVATE anonymous (memory-backend-ram, share=off: the default)',
  'anon-shared': 'MAP_SHARED (share=on, also spelt share=yes: shmem or memfd)',
  thp: 'MAP_PRIVATE anonymous with transparent huge pages (THP)',
  'hugetlb-2m': 'hugetlbfs with 2 MiB pages',
};
