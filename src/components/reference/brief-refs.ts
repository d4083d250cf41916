/**
 * The model's texts cite the project's research brief ("brief §2.2", "(§8.20)"), which readers of
 * the site do not have. These helpers drop those references for display and keep the primary
 * sources the brief's tags point at (thread messages, TF-RMM commits, v12 patches).
 */

/** The brief's source tags, as readers can look them up. */
const TAGS: readonly [RegExp, string][] = [
  [/S-THREAD msgs?/g, 'v14 thread message'],
  [/S-V12/g, 'v12 patch 24/46'],
  [/S-TFRMM/g, 'TF-RMM'],
  [/S-POST14/g, 'post-v14 rmi.c'],
];

function untag(s: string): string {
  return TAGS.reduce((acc, [re, text]) => acc.replace(re, text), s).trim();
}

/**
 * A TOGGLE_INFO `source` as primary sources only: "brief §7 (S-THREAD msg 151), §8.6" →
 * "v14 thread message 151"; "brief §2.2 items 4–5, §2.3; TF-RMM 4de93bb0" → "TF-RMM 4de93bb0".
 */
export function primarySource(source: string): string {
  const inner: string[] = [];
  const outer = source.replace(/\(([^()]*)\)/g, (_, p: string) => {
    inner.push(...p.split(';'));
    return '';
  });
  const parts = [...outer.split(';'), ...inner]
    .map((p) => p.trim())
    .filter((p) => p.length > 0 && !/^brief\b/i.test(p) && !p.startsWith('§'));
  return parts.map(untag).join('; ');
}

/** A sentence without parentheticals or trailing lists that cite the brief by section. */
export function withoutBriefRefs(text: string): string {
  return text
    .replace(/\s*\((?:brief )?§[^()]*\)/g, '')
    .replace(/\s*\(brief [^()]*\)/g, '')
    .replace(/\s+([.;,])/g, '$1')
    .trim();
}
