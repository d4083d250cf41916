/**
 * HTML escaping for the widgets' renderers. The widgets render their results as HTML strings so
 * that the build (Astro `set:html`) and the browser (after a change) use the very same code; every
 * piece of text that goes into those strings passes through `esc`.
 */
const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text made safe for HTML element content and double- or single-quoted attribute values. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}
