/**
 * The Fault explorer's choices: what the reader can pick, the default pick, and the permalink
 * (the selection as URL query parameters). No model code at run time: the browser loads this
 * module before any interaction, so the lists that come from the model (RAM backends, toggles)
 * arrive as a ChoiceSpace, built from BACKINGS and TOGGLE_INFO at build time (space.ts) and read
 * from the page's JSON data block in the browser.
 */

/** Which half of the realm's IPA space the guest accesses. */
export const HALVES = ['protected', 'shared'] as const;
export type Half = (typeof HALVES)[number];

/**
 * The page the guest accesses, by its GPA (the IPA without the shared bit): the seed's vring page
 * [@v14-29-shan-0625], the 2 MiB-aligned block around it, or the UART at 0x09000000 that no
 * memslot covers (the seed's earlycon address [@v14-29-shan-0628]).
 */
export const PAGES = ['seed', 'aligned', 'mmio'] as const;
export type PageChoice = (typeof PAGES)[number];
export const PAGE_GPA: Readonly<Record<PageChoice, bigint>> = {
  seed: 0x4688_0000n,
  aligned: 0x4680_0000n,
  mmio: 0x0900_0000n,
};

export const ACCESSES = ['read', 'write'] as const;
export type Access = (typeof ACCESSES)[number];

/** The KVM memory attribute of the page's GFN when the guest accesses it. */
export const ATTRIBUTES = ['private', 'shared'] as const;
export type Attribute = (typeof ATTRIBUTES)[number];

/** What happened to the page before the access: nothing, the VMM wrote it, or the guest read it. */
export const BEFORE = ['none', 'vmm-write', 'guest-read'] as const;
export type Before = (typeof BEFORE)[number];

/** Which kernel variants to run: one, or both side by side. */
export const VARIANT_CHOICES = ['both', 'v14', 'post-v14-review'] as const;
export type VariantChoice = (typeof VARIANT_CHOICES)[number];

/**
 * Former values of the variant parameter, still read from old links: `variant=fixed` is
 * post-v14-review (the model's VARIANT_ALIASES; a unit test keeps the two equal, since this
 * module stays free of model code).
 */
export const VARIANT_CHOICE_ALIASES: Readonly<Record<string, VariantChoice>> = { fixed: 'post-v14-review' };

/** The choices that come from the model (BACKINGS, TOGGLE_INFO). */
export interface ChoiceSpace {
  readonly backings: readonly string[];
  readonly toggles: readonly { readonly name: string; readonly default: boolean }[];
}

export interface Selection {
  readonly half: Half;
  readonly page: PageChoice;
  readonly access: Access;
  /** Valid instruction syndrome (ISV = 1). */
  readonly isv: boolean;
  readonly attribute: Attribute;
  /** One of the model's BACKINGS. */
  readonly backing: string;
  /** The memslot has guest_memfd. */
  readonly guestMemfd: boolean;
  readonly before: Before;
  readonly variant: VariantChoice;
  /** Every toggle of the space, by name. */
  readonly toggles: Readonly<Record<string, boolean>>;
}

/**
 * The default selection: the seed's case. A store without a valid syndrome (a memset) through
 * the shared alias of the seed's page, attribute shared, on QEMU's default MAP_PRIVATE RAM
 * that nobody has touched yet; both variants side by side with every toggle at its default.
 */
export function defaultSelection(space: ChoiceSpace): Selection {
  return {
    half: 'shared',
    page: 'seed',
    access: 'write',
    isv: false,
    attribute: 'shared',
    backing: space.backings[0] ?? 'anon-private',
    guestMemfd: true,
    before: 'none',
    variant: 'both',
    toggles: Object.fromEntries(space.toggles.map((t) => [t.name, t.default])),
  };
}

/** Choices that do not apply to a page outside every memslot (the MMIO page). */
export function inapplicable(sel: Pick<Selection, 'page' | 'before'>): {
  readonly attribute: boolean;
  readonly vmmWrite: boolean;
} {
  return { attribute: sel.page === 'mmio', vmmWrite: sel.page === 'mmio' };
}

// ---------------------------------------------------------------------------------------------
// Permalink: every choice as a query parameter, so a link means the same selection even if the
// defaults change later.

/** Query parameter names, in the order the link lists them. */
export const PARAMS = {
  half: 'ipa',
  page: 'page',
  access: 'access',
  isv: 'isv',
  attribute: 'attr',
  backing: 'ram',
  guestMemfd: 'gmem',
  before: 'before',
  variant: 'variant',
} as const satisfies Record<Exclude<keyof Selection, 'toggles'>, string>;

const bit = (b: boolean): string => (b ? '1' : '0');

/** The selection as a query string (without `?`). */
export function selectionToQuery(sel: Selection, space: ChoiceSpace): string {
  const q = new URLSearchParams();
  q.set(PARAMS.half, sel.half);
  q.set(PARAMS.page, sel.page);
  q.set(PARAMS.access, sel.access);
  q.set(PARAMS.isv, bit(sel.isv));
  q.set(PARAMS.attribute, sel.attribute);
  q.set(PARAMS.backing, sel.backing);
  q.set(PARAMS.guestMemfd, bit(sel.guestMemfd));
  q.set(PARAMS.before, sel.before);
  q.set(PARAMS.variant, sel.variant);
  for (const t of space.toggles) q.set(t.name, bit(sel.toggles[t.name] ?? t.default));
  return q.toString();
}

export interface QueryReading {
  /** The selection the query describes; defaults where it says nothing or something invalid. */
  readonly selection: Selection;
  /** Whether the query names any explorer parameter at all. */
  readonly present: boolean;
  /** One sentence per parameter that was not understood. */
  readonly problems: readonly string[];
}

/** Read a selection from a query string (with or without `?`), tolerating anything. */
export function selectionFromQuery(query: string, space: ChoiceSpace): QueryReading {
  const q = new URLSearchParams(query);
  const d = defaultSelection(space);
  const problems: string[] = [];
  let present = false;
  const shorten = (s: string): string => (s.length > 30 ? `${s.slice(0, 30)}…` : s);
  function pick<T extends string>(
    name: string,
    options: readonly T[],
    fallback: T,
    aliases: Readonly<Record<string, T>> = {},
  ): T {
    const v = q.get(name);
    if (v === null) return fallback;
    present = true;
    if ((options as readonly string[]).includes(v)) return v as T;
    const alias = aliases[v];
    if (alias !== undefined) return alias;
    problems.push(
      `${name}=${shorten(v)} is not one of ${options.join(', ')}; the default, ${fallback}, is used.`,
    );
    return fallback;
  }
  function flag(name: string, fallback: boolean): boolean {
    const v = q.get(name);
    if (v === null) return fallback;
    present = true;
    if (v === '1' || v === '0') return v === '1';
    problems.push(`${name}=${shorten(v)} is not 1 or 0; the default, ${bit(fallback)}, is used.`);
    return fallback;
  }
  const toggles: Record<string, boolean> = {};
  for (const t of space.toggles) toggles[t.name] = flag(t.name, t.default);
  const selection: Selection = {
    half: pick(PARAMS.half, HALVES, d.half),
    page: pick(PARAMS.page, PAGES, d.page),
    access: pick(PARAMS.access, ACCESSES, d.access),
    isv: flag(PARAMS.isv, d.isv),
    attribute: pick(PARAMS.attribute, ATTRIBUTES, d.attribute),
    backing: pick(PARAMS.backing, space.backings, d.backing),
    guestMemfd: flag(PARAMS.guestMemfd, d.guestMemfd),
    before: pick(PARAMS.before, BEFORE, d.before),
    variant: pick(PARAMS.variant, VARIANT_CHOICES, d.variant, VARIANT_CHOICE_ALIASES),
    toggles,
  };
  return { selection, present, problems };
}
