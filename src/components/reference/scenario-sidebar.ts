/**
 * The Scenarios section of the sidebar: the section's own pages (src/content/docs/scenarios),
 * then one link per built-in scenario page (src/pages/scenarios/[name].astro), in the model's
 * order. astro.config.mjs imports this before Vite's "realmfault-source" condition applies, so
 * the names come straight from the model's source file rather than its build output, which
 * could be stale.
 */
import { BUILTIN_SCENARIO_NAMES } from '../../../packages/model/src/scenarios/builtin.ts';

/** A built-in scenario's page, without the base path: Starlight adds it to sidebar links; other links need href(). */
export const scenarioHref = (name: string): string => `/scenarios/${name}/`;

export function scenarioSidebarItems(): { label: string; link: string }[] {
  return BUILTIN_SCENARIO_NAMES.map((name) => ({ label: name, link: scenarioHref(name) }));
}
