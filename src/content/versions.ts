/**
 * What the pages of this site were checked against: the kernel series, the TF-RMM snapshot and
 * the RMM specification version, with the identifiers exactly as the brief
 * (/work/shared/brief/realm-fault-path.md §0 and §10) gives them. No commit hash appears here
 * that the brief does not name.
 *
 * Every page shows the default set in its "Checked against" block (src/components/VersionsBlock.astro,
 * Starlight's Footer override). A page may name its own set in frontmatter,
 * `checkedAgainst: [kvm-cca-v14, rmm-spec-2.0-bet1]`; src/content.config.ts validates the ids
 * against VERSION_IDS so a wrong one fails the build naming the file.
 */
import { z } from 'astro/zod';

export interface VersionSource {
  /** What this is, as a short label ("Linux KVM CCA series"). */
  readonly label: string;
  /** The version, exactly as the brief names it. */
  readonly version: string;
  /** A few words for the compact block at the foot of every page. */
  readonly short: string;
  /** One line: date, base, and what the site takes from it. */
  readonly detail: string;
  /** Public references (list messages, repositories, documents), with an optional URL. */
  readonly refs: readonly { readonly text: string; readonly href?: string }[];
}

const VERSION_DATA = {
  'kvm-cca-v14': {
    label: 'Linux KVM CCA series',
    version: '“arm64: Support for Arm CCA in KVM” v14',
    short: 'KVM CCA series v14 (2026-05-13)',
    detail:
      'Steven Price et al., posted 2026-05-13, 44 patches, based on v7.1-rc1; the fault path is patch 29/44 “arm64: RMI: Runtime faulting of memory”.',
    refs: [
      {
        text: 'Gavin Shan, “Re: [PATCH v14 29/44] arm64: RMI: Runtime faulting of memory”, 2026-06-25 (the seed message)',
        href: 'https://lkml.iu.edu/hypermail/linux/kernel/2606.3/03076.html',
      },
      { text: 'the v14 thread, 156 messages, 2026-05-13 … 2026-06-28' },
    ],
  },
  'kvm-cca-post-v14': {
    label: 'Post-v14 development code (the “fixed” variant)',
    version: 'arch/arm64/kvm/rmi.c after v14, gwshan/linux @0242b60a8f65',
    short: 'post-v14 rmi.c @0242b60a8f65',
    detail:
      'The reviewers’ fixes folded in (RMI side only); the matching post-v14 mmu.c was not found. v14-era mmu.c read at lpieralisi/linux @241a866ff5ac.',
    refs: [{ text: 'gwshan/linux arch/arm64/kvm/rmi.c @0242b60a8f65' }],
  },
  'tf-rmm-main': {
    label: 'TF-RMM',
    version: 'main @9a7f8ef46378 (2026-07-22)',
    short: 'TF-RMM main @9a7f8ef46378',
    detail:
      'ESR sanitising from commit 4de93bb0 (2026-04-14); the ST-bit workaround for RMI_RTT_UNPROT_MAP from commit 7626d97b (2026-07-08). Tag rmm-spec-v1.0-rel0 for RMM 1.0 comparisons.',
    refs: [{ text: 'TF-RMM/tf-rmm on GitHub', href: 'https://github.com/TF-RMM/tf-rmm' }],
  },
  'rmm-spec-2.0-bet1': {
    label: 'RMM specification',
    version: 'Arm DEN0137 2.0-bet1',
    short: 'RMM spec DEN0137 2.0-bet1',
    detail: 'The RMI version v14 targets (the range APIs RMI_RTT_DATA_MAP, RMI_RTT_UNPROT_MAP, …).',
    refs: [{ text: 'Arm Realm Management Monitor specification, DEN0137, version 2.0-bet1' }],
  },
} as const satisfies Readonly<Record<string, VersionSource>>;

export type VersionId = keyof typeof VERSION_DATA;

/** Every version source the site can be checked against, by id. */
export const VERSIONS: Readonly<Record<VersionId, VersionSource>> = VERSION_DATA;

/** Every id, in display order (the tuple z.enum needs). */
export const VERSION_IDS = Object.keys(VERSIONS) as [VersionId, ...VersionId[]];

/** What a page is checked against unless its frontmatter says otherwise. */
export const DEFAULT_CHECKED_AGAINST: readonly VersionId[] = [
  'kvm-cca-v14',
  'tf-rmm-main',
  'rmm-spec-2.0-bet1',
];

/** The ids a page shows: its own list when it has one, else the default. */
export function checkedAgainst(frontmatter: unknown): readonly VersionId[] {
  if (typeof frontmatter === 'object' && frontmatter !== null && 'checkedAgainst' in frontmatter) {
    const v = (frontmatter as { checkedAgainst?: unknown }).checkedAgainst;
    if (Array.isArray(v) && v.length > 0) return v.filter((id): id is VersionId => id in VERSIONS);
  }
  return DEFAULT_CHECKED_AGAINST;
}

/**
 * The frontmatter field, for docsSchema({ extend }) in src/content.config.ts: a non-empty list of
 * version ids. A wrong id fails with a message naming the valid ones.
 */
export const frontmatterExtension = z.object({
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
