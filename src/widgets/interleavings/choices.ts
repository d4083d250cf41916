/**
 * The Interleaving explorer's choices and its permalink. No model code: the page's script loads
 * this module before any interaction. The lists that come from the model (the scenarios worth
 * exploring, the mutations, MAX_BOUND) arrive as a ChoiceSpace written into the page at build
 * time (InterleavingExplorer.astro).
 *
 * The permalink is the page's URL hash, `#x=<scenario>&v=<variant>&m=<mutation,mutation>&b=<bound>`;
 * `m` is left out when no mutation is chosen.
 */

export const VARIANT_CHOICES = ['v14', 'post-v14-review'] as const;
export type VariantChoice = (typeof VARIANT_CHOICES)[number];

export interface ChoiceSpace {
  readonly scenarios: readonly string[];
  readonly mutations: readonly string[];
  readonly maxBound: number;
}

export interface Selection {
  readonly scenario: string;
  readonly variant: VariantChoice;
  /** In the order of ChoiceSpace.mutations (the model's canonical order). */
  readonly mutations: readonly string[];
  readonly bound: number;
}

/** The selection as a URL hash, with its leading `#`. */
export function selectionToHash(sel: Selection): string {
  const parts = [`x=${encodeURIComponent(sel.scenario)}`, `v=${encodeURIComponent(sel.variant)}`];
  if (sel.mutations.length > 0) parts.push(`m=${sel.mutations.map(encodeURIComponent).join(',')}`);
  parts.push(`b=${String(sel.bound)}`);
  return `#${parts.join('&')}`;
}

export interface HashReading {
  /** Whether the hash names a selection at all (it has `x=`). */
  readonly present: boolean;
  readonly selection: Selection;
  /** What could not be used, as sentences. */
  readonly problems: readonly string[];
}

/** The selection a hash names, each missing or unknown part taken from `fallback`. */
export function selectionFromHash(hash: string, space: ChoiceSpace, fallback: Selection): HashReading {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const x = params.get('x');
  if (x === null) return { present: false, selection: fallback, problems: [] };
  const problems: string[] = [];
  let scenario = fallback.scenario;
  if (space.scenarios.includes(x)) scenario = x;
  else problems.push(`There is no scenario “${x}” to explore here.`);
  let variant = fallback.variant;
  const v = params.get('v');
  if (v !== null) {
    const alias = v === 'fixed' ? 'post-v14-review' : v;
    if ((VARIANT_CHOICES as readonly string[]).includes(alias)) variant = alias as VariantChoice;
    else problems.push(`“${v}” is not a variant.`);
  }
  const asked = (params.get('m') ?? '').split(',').filter((m) => m !== '');
  for (const m of asked) if (!space.mutations.includes(m)) problems.push(`There is no mutation “${m}”.`);
  const mutations = space.mutations.filter((m) => asked.includes(m));
  let bound = fallback.bound;
  const b = params.get('b');
  if (b !== null) {
    const n = Number(b);
    if (/^\d+$/.test(b) && n <= space.maxBound) bound = n;
    else problems.push(`The bound must be a whole number from 0 to ${String(space.maxBound)}, not “${b}”.`);
  }
  return { present: true, selection: { scenario, variant, mutations, bound }, problems };
}

export const sameSelection = (a: Selection, b: Selection): boolean =>
  a.scenario === b.scenario &&
  a.variant === b.variant &&
  a.bound === b.bound &&
  a.mutations.join(',') === b.mutations.join(',');
