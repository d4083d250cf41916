/**
 * What the pages of this site were checked against: the kernel series and the post-v14 trees,
 * TF-RMM, mainline Linux, QEMU and the RMM specification. Every entry is built from the source
 * registry (packages/model/src/sources/registry.ts): it names registry ids, and its revisions
 * (repository, commit or branch, address) are read from those sources, so a revision shown here
 * is the one the citations on the pages link to. An id that is not in the registry throws when
 * this module loads, which fails the build.
 *
 * Every page shows the default set in its "Checked against" block (src/components/VersionsBlock.astro,
 * Starlight's Footer override). A page may name its own set in frontmatter,
 * `checkedAgainst: [kvm-cca-v14, rmm-spec-2.0-bet1]`; src/content.config.ts validates the ids
 * against VERSION_IDS so a wrong one fails the build naming the file.
 */
import { z } from 'astro/zod';
import { describeSource, sourceById, type CodeSource, type Source } from '@realmfault/model';

/** One revision of one repository, as the registry pins it. */
export interface Revision {
  /** The repository as people name it ("linux-arm/linux-cca"). */
  readonly repo: string;
  /** The branch, tag or abbreviated commit. */
  readonly rev: string;
  /** The tree (or commit) at that revision. */
  readonly href: string;
  /** Files of it the site cites, by registry id. */
  readonly files: readonly string[];
}

export interface VersionSource {
  /** What this is, as a short label ("Linux KVM CCA series"). */
  readonly label: string;
  /** The version, exactly as its source names it. */
  readonly version: string;
  /** A few words for the compact block at the foot of every page. */
  readonly short: string;
  /** Where the short label links: the tree, or the message that names it. */
  readonly href: string;
  /** What the site takes from it and how it was read, with source citations. */
  readonly detail: string;
  /** The registry ids this entry rests on (mails, files, commits, documents). */
  readonly sources: readonly string[];
  /** The code revisions among them, one per repository and revision. */
  readonly revisions: readonly Revision[];
}

function source(id: string): Source {
  const s = sourceById(id);
  if (s === undefined) {
    throw new Error(
      `src/content/versions.ts: unknown source id "${id}": expected an id of packages/model/src/sources/registry.ts`,
    );
  }
  return s;
}

const abbrev = (rev: string): string => (/^[0-9a-f]{40}$/.test(rev) ? rev.slice(0, 8) : rev);

/** The tree at a code source's revision: its file address without the file. */
export function treeHref(s: CodeSource): string {
  const at = s.url.indexOf(`/${s.path}`);
  if (at < 0) return s.url;
  const tree = s.url.slice(0, at) + s.url.slice(at + s.path.length + 1);
  return tree.replace('/-/blob/', '/-/tree/').replace(/\/blob\//, '/tree/');
}

/** The revisions of the code and commit sources among `ids`, grouped by repository and revision. */
export function revisionsOf(ids: readonly string[]): Revision[] {
  const out = new Map<string, { repo: string; rev: string; href: string; files: string[] }>();
  for (const id of ids) {
    const s = source(id);
    if (s.kind !== 'code' && s.kind !== 'commit') continue;
    const key = `${s.repo}@${s.rev}`;
    const r = out.get(key) ?? {
      repo: s.repo,
      rev: abbrev(s.rev),
      href: s.kind === 'code' ? treeHref(s) : s.url,
      files: [],
    };
    r.files.push(id);
    out.set(key, r);
  }
  return [...out.values()];
}

interface Entry {
  readonly label: string;
  readonly version: string;
  readonly short: string;
  /** The registry id whose address the short label links to (a tree when it is a code source). */
  readonly link: string;
  readonly detail: string;
  readonly sources: readonly string[];
}

function entry(e: Entry): VersionSource {
  const linked = source(e.link);
  return {
    label: e.label,
    version: e.version,
    short: e.short,
    href: linked.kind === 'code' ? treeHref(linked) : linked.url,
    detail: e.detail,
    sources: e.sources,
    revisions: revisionsOf(e.sources),
  };
}

const VERSION_DATA = {
  'kvm-cca-v14': entry({
    label: 'Linux KVM CCA series v14 (variant v14)',
    version: '“arm64: Support for Arm CCA in KVM” v14, tree linux-arm/linux-cca cca-host/v14',
    short: 'KVM CCA v14 (cca-host/v14)',
    link: 'v14-00',
    detail:
      'Steven Price et al., posted 2026-05-13: 44 patches on v7.1-rc1, targeting RMM 2.0-bet1 [@v14-00]; the fault path is patch 29/44 [@v14-29]. The cover letter names the tree linux-arm/linux-cca, branch cca-host/v14, which the citations link to. Its line numbers were computed from the patches, not read from the branch, which may have moved: the files the series creates (kvm/rmi.c, kvm/rmi-exit.c, kvm_rmi.h, rmi_smc.h, rmi_cmds.h, kernel/rmi.c) were rebuilt by applying every patch, their git blob hashes matching the patches’ index lines; for the files it changes (mmu.c, mmio.c, arm.c, inject_fault.c, kvm_emulate.h) the numbers come from the hunk headers.',
    sources: [
      'v14-00',
      'v14-29',
      'v14-rmi.c',
      'v14-rmi-exit.c',
      'v14-mmu.c',
      'v14-mmio.c',
      'v14-arm.c',
      'v14-inject_fault.c',
      'v14-kvm_rmi.h',
      'v14-kvm_emulate.h',
      'v14-rmi_smc.h',
      'v14-rmi_cmds.h',
      'v14-kernel-rmi.c',
    ],
  }),
  'kvm-cca-post-v14': entry({
    label: 'Post-v14 development code (variant post-v14-review)',
    version:
      'gwshan/linux 0242b60a (arch/arm64/kvm/rmi.c) and lpieralisi/linux 241a866f (arch/arm64/kvm/mmu.c)',
    short: 'post-v14: gwshan 0242b60a rmi.c, lpieralisi 241a866f mmu.c',
    link: 'post-v14-gw-rmi.c',
    detail:
      'Code written after the v14 posting, with fixes from the review folded in; neither tree has a public date. The post-v14-review variant follows gwshan/linux’s rmi.c [@post-v14-gw-rmi.c] and lpieralisi/linux’s mmu.c [@post-v14-lp-mmu.c]: no post-v14 mmu.c was found in the gwshan tree, and the lpieralisi tree, also post-v14, has an earlier rmi.c [@post-v14-lp-rmi.c]. rmi_delegate_range() is read in the gwshan firmware driver [@post-v14-gw-fw-rmi.c]; where a review proposal has no code in either tree, the verification ledger below says so, per function.',
    sources: [
      'post-v14-gw-rmi.c',
      'post-v14-lp-mmu.c',
      'post-v14-lp-rmi.c',
      'post-v14-lp-kvm_rmi.h',
      'post-v14-gw-fw-rmi.c',
      'post-v14-gw-0acb-rmi-exit.c',
    ],
  }),
  'tf-rmm-main': entry({
    label: 'TF-RMM, the reference RMM',
    version: 'TF-RMM/tf-rmm main at 9a7f8ef4 (2026-07-22)',
    short: 'TF-RMM 9a7f8ef4',
    link: 'tf-rmm-exit.c',
    detail:
      'The RMM side of the model (RTT commands, ESR sanitising, RSI_IPA_STATE_SET) follows this commit. Three earlier commits matter to the pages: since 4de93bb0 (2026-04-14) an unprotected abort without a valid syndrome keeps IL and hides WnR [@tf-rmm-4de93bb0], the exit.c before it is cited for the older behaviour [@tf-rmm-before-4de93bb0-exit.c]; since 7626d97b (2026-07-08) RMI_RTT_UNPROT_MAP does not check the descriptor’s ST bit [@tf-rmm-7626d97b]; since 4c40d408 an EMPTY request changes DESTROYED entries whatever the flag [@tf-rmm-4c40d408].',
    sources: [
      'tf-rmm-exit.c',
      'tf-rmm-run.c',
      'tf-rmm-rtt.c',
      'tf-rmm-rtt_map.c',
      'tf-rmm-rtt_unmap.c',
      'tf-rmm-granule.c',
      'tf-rmm-realm.c',
      'tf-rmm-rsi-memory.c',
      'tf-rmm-smc-rmi.h',
      'tf-rmm-arch.h',
      'tf-rmm-4de93bb0',
      'tf-rmm-7626d97b',
      'tf-rmm-4c40d408',
      'tf-rmm-before-4de93bb0-exit.c',
    ],
  }),
  'linux-v7.1.8': entry({
    label: 'Mainline Linux (stable)',
    version: 'linux stable v7.1.8',
    short: 'Linux v7.1.8',
    link: 'linux-kvm_main.c',
    detail:
      'Code the series builds on without changing it — generic KVM (kvm_main.c, guest_memfd.c, kvm_host.h), the KVM API, mm (memory.c), the arm64 guest (rsi.h, pageattr.c) and the parts of arch/arm64/kvm/mmu.c v14 does not touch — is cited at stable v7.1.8, while v14 is based on v7.1-rc1. The staged kvm_s2_fault_*() helpers of mmu.c are the same text as in the merge v7.1-rc1 contains [@linux-64f2fa63]; gmem_abort() is not: v7.1.8 has a later fix for guest_memfd permission faults, so the v14 gmem_abort() is cited from the v14 tree.',
    sources: [
      'linux-kvm_main.c',
      'linux-guest_memfd.c',
      'linux-kvm_host.h',
      'linux-uapi-kvm.h',
      'linux-api.rst',
      'linux-memory.c',
      'linux-mmu.c',
      'linux-mmio.c',
      'linux-kvm_emulate.h',
      'linux-pageattr.c',
      'linux-rsi.h',
      'linux-64f2fa63',
    ],
  }),
  qemu: entry({
    label: 'QEMU, the VMM',
    version: 'qemu/qemu at ece40881 (2026-02-13)',
    short: 'QEMU ece40881',
    link: 'qemu-kvm-all.c',
    detail:
      'The VMM side of the model follows QEMU’s vCPU loop kvm_cpu_exec() [@qemu-kvm-all.c:3154-3344] and its conversion kvm_convert_memory() [@qemu-kvm-all.c:3057-3152]. QEMU makes guest_memfd RAM private when it creates the memslot [@qemu-kvm-all.c:1612-1619], since commit bd3bcf69 [@qemu-bd3bcf69], and handles KVM_EXIT_MEMORY_FAULT since c15e5684 [@qemu-c15e5684].',
    sources: [
      'qemu-kvm-all.c',
      'qemu-hostmem-ram.c',
      'qemu-physmem.c',
      'qemu-mmap-alloc.c',
      'qemu-bd3bcf69',
      'qemu-c15e5684',
    ],
  }),
  'rmm-spec-2.0-bet1': entry({
    label: 'RMM specification',
    version: 'Arm DEN0137, version 2.0-bet1',
    short: 'RMM spec 2.0-bet1',
    link: 'rmm-spec',
    detail:
      'The RMI version v14 targets [@v14-00]: the range commands RMI_RTT_DATA_MAP, RMI_RTT_UNPROT_MAP and their unmaps, RMI_GRANULE_RANGE_DELEGATE. The model follows TF-RMM’s code where the two could differ.',
    sources: ['rmm-spec', 'v14-00'],
  }),
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
  'linux-v7.1.8',
  'rmm-spec-2.0-bet1',
];

/** The long description of a registry source (for a version's source list). */
export const versionSourceTitle = (id: string): string => describeSource(source(id));

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
