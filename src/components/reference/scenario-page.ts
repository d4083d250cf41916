/**
 * What a built-in scenario's page (src/pages/scenarios/[name].astro) declares about itself, shared
 * with the print edition (src/pages/print), which renders the same body (ScenarioPageBody.astro).
 */
import type { VersionId } from '../../content/versions';

/** The page's sections, as ScenarioPageBody.astro's h2 ids and titles. */
export const SCENARIO_PAGE_HEADINGS: readonly { depth: number; slug: string; text: string }[] = [
  { depth: 2, slug: 'what-it-does', text: 'What it does' },
  { depth: 2, slug: 'outcomes', text: 'Outcomes' },
  { depth: 2, slug: 'side-by-side', text: 'The two variants, step by step' },
  { depth: 2, slug: 'sequence', text: 'Who acts when' },
  { depth: 2, slug: 'fault-path', text: 'The fault path taken' },
  { depth: 2, slug: 'scenario-json', text: 'Scenario JSON' },
  { depth: 2, slug: 'reproduce', text: 'Reproduce it' },
  { depth: 2, slug: 'sources', text: 'Sources' },
];

/** The post-v14-review variant follows the post-v14 trees, so these pages are checked against them too. */
export const SCENARIO_PAGE_CHECKED_AGAINST: readonly VersionId[] = [
  'kvm-cca-v14',
  'kvm-cca-post-v14',
  'tf-rmm-main',
  'linux-v7.1.8',
  'qemu',
  'rmm-spec-2.0-bet1',
];
