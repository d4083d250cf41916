/**
 * The onboarding exercises of src/content/docs/start-here/exercises.mdx: "predict, then run".
 * Each one is data: the setup (a built-in scenario or a small scenario file), the question, the
 * answer, and — for every run the answer talks about — the outcome it claims, as checkable
 * facts. The page renders from this file (src/components/Exercise.astro) and
 * tests/unit/exercises-claims.test.ts runs every run through the model and checks every claim, so
 * an answer cannot drift from what the model does.
 *
 * Text fields are a small Markdown subset rendered by `inlineHtml`: `code`, **bold**,
 * [links](/path/) and citations of primary sources in the project's syntax (`[@v14-29]`,
 * `[@v14 gmem_abort()]`, `[@tf-rmm-exit.c:265-273]`; packages/model/src/sources/cite.ts), which
 * become links to the source. Nothing else.
 */
import {
  resolveCitations,
  type ExitReason,
  type FaultHandler,
  type Json,
  type Outcome,
  type Variant,
} from '@realmfault/model';
import { href } from '../site-base';

/** A claim about one step of a run. Every field given is checked; absent fields are not. */
export interface StepClaim {
  /** 0-based step index, as `realmfault run --json` numbers them. */
  readonly step: number;
  readonly outcome?: Outcome;
  /** errno name when KVM_RUN failed. */
  readonly errno?: string;
  /** The value a read returned, hex. */
  readonly value?: string;
  /** For a guest RSI call: the status (and response) the realm got, as the run summary prints it. */
  readonly rsi?: string;
  /** The step's exits to the VMM, exactly (reason, and gpa/flags/isWrite where given). */
  readonly exits?: readonly {
    readonly reason: ExitReason;
    readonly gpa?: string;
    readonly flags?: string;
    readonly isWrite?: boolean;
  }[];
  /**
   * The step's first faults, in order: the handler kvm_handle_guest_abort() dispatched to (or
   * `rmm_injected_sea` when the RMM injected an SEA without a host exit), the ESR the RMM
   * reported, and `ret`, what kvm_handle_guest_abort() returned (0 for `rmm_injected_sea`).
   */
  readonly faults?: readonly {
    readonly handler: FaultHandler;
    readonly esr?: string;
    readonly ret?: number;
  }[];
  /** Total number of faults the step took. */
  readonly faultCount?: number;
  /** Total number of RMI commands the step issued. */
  readonly rmiCalls?: number;
  /** How many times a command was issued in the step (with a status, when given). */
  readonly rmi?: readonly {
    readonly cmd: string;
    readonly status?: string;
    /** The RMI_RETURN_INDEX (the RTT level for RMI_ERROR_RTT). */
    readonly index?: number;
    readonly count: number;
  }[];
  /** Functions whose WARN_ON fired, exactly, in order. */
  readonly warnings?: readonly string[];
}

/** A small scenario file shown on the page (the public JSON format, packages/model/scenario.schema.json). */
export interface ScenarioFile {
  readonly file: string;
  readonly json: { readonly [k: string]: Json };
}

export interface ExerciseRun {
  /** What this run is, in the answer. */
  readonly label: string;
  /** A built-in scenario name, or a scenario file. */
  readonly scenario: string | ScenarioFile;
  readonly variant: Variant;
  readonly claims: readonly StepClaim[];
  /** The invariants the run violates (sorted, distinct); [] claims none. Unchecked when absent. */
  readonly violations?: readonly (1 | 2 | 3)[];
}

export interface Exercise {
  /** Anchor-safe id. */
  readonly id: string;
  readonly title: string;
  /** The setup and the question. */
  readonly question: string;
  /** What to predict before running. */
  readonly predict: string;
  /** runs[0] is the setup as given; later runs are the ones the answer asks you to try. */
  readonly runs: readonly ExerciseRun[];
  /** The answer, one paragraph per entry. */
  readonly answer: readonly string[];
  /** Where the behaviour comes from: citations of the primary sources. */
  readonly sources: string;
}

const SLOT = (backing = 'anon-private'): Json => ({
  gpa: '0x40000000',
  size: '0x80000000',
  hva: '0xffff23e00000',
  guestMemfd: true,
  backing,
});

/** The seed's vrings reduced to two shared pages, as in the built-in seed scenarios. */
const SEED_STEPS: Json = [
  { guest: 'set_memory_shared', ipa: '0x46880000', size: '0x1000' },
  { guest: 'set_memory_shared', ipa: '0x46890000', size: '0x1000' },
  { guest: 'write', ipa: '0x10046880000', value: '0x100b983f000', size: 8, isv: false },
  { guest: 'read', ipa: '0x10046890000', size: 8, isv: false },
  { guest: 'write', ipa: '0x10046890000', value: '0x0', size: 8, isv: false },
  { guest: 'read', ipa: '0x10046880000', size: 8, isv: false },
  { vmm: 'read', gpa: '0x46880000', size: 8 },
];

const firstStore = (file: string, description: string, gmemPrivateAtCreation: boolean): ScenarioFile => ({
  file,
  json: {
    name: file.replace(/\.json$/, ''),
    description,
    variant: 'v14',
    realm: { ipaBits: 41 },
    memslots: [SLOT()],
    vmm: { gmemPrivateAtCreation },
    steps: [{ guest: 'write', ipa: '0x46880000', value: '0x1234', size: 8, isv: false }],
  },
});

const FIRST_STORE = firstStore(
  'first-store.json',
  'One store to a page of a guest_memfd memslot that the VMM made private when it created it, as QEMU does.',
  true,
);
const FIRST_STORE_SHARED_ATTR = firstStore(
  'first-store-shared-attr.json',
  'The same store with a VMM that leaves the memslot shared, the attribute KVM starts with.',
  false,
);

const TWO_PAGES: ScenarioFile = {
  file: 'two-private-pages.json',
  json: {
    name: 'two-private-pages',
    description: 'Two stores to neighbouring private pages.',
    variant: 'v14',
    realm: { ipaBits: 41 },
    memslots: [SLOT()],
    steps: [
      { guest: 'write', ipa: '0x46880000', value: '0x1', size: 8, isv: false },
      { guest: 'write', ipa: '0x46881000', value: '0x2', size: 8, isv: false },
    ],
  },
};

const FAR_PAGES: ScenarioFile = {
  file: 'two-private-pages-2m-apart.json',
  json: {
    name: 'two-private-pages-2m-apart',
    description: 'The second store lands in another 2 MiB block.',
    variant: 'v14',
    realm: { ipaBits: 41 },
    memslots: [SLOT()],
    steps: [
      { guest: 'write', ipa: '0x46880000', value: '0x1', size: 8, isv: false },
      { guest: 'write', ipa: '0x46a80000', value: '0x2', size: 8, isv: false },
    ],
  },
};

const seedPostV14 = (file: string, description: string, toggles: Json): ScenarioFile => ({
  file,
  json: {
    name: file.replace(/\.json$/, ''),
    description,
    variant: 'post-v14-review',
    toggles,
    realm: { ipaBits: 41 },
    memslots: [SLOT('anon-private')],
    steps: SEED_STEPS,
  },
});

const SEED_POST_V14 = seedPostV14(
  'vrings-post-v14.json',
  "The seed's vring steps under post-v14-review, MAP_PRIVATE memory, no force-W change.",
  { rmmRevealsWriteOnPermissionFault: false },
);
const SEED_POST_V14_REVEAL = seedPostV14(
  'vrings-post-v14-reveal.json',
  'The same, with the RMM revealing writes on permission faults (an UNCERTAIN hypothesis).',
  { rmmRevealsWriteOnPermissionFault: true },
);
const SEED_POST_V14_OLD_RMM = seedPostV14(
  'vrings-post-v14-old-rmm.json',
  'The same, with an RMM that sanitises the ESR as TF-RMM did before commit 4de93bb0.',
  { rmmRevealsWriteOnPermissionFault: false, rmmEsrBefore4de93bb0: true },
);

const DESCRIPTOR = '0x100b983f000';

export const EXERCISES: readonly Exercise[] = [
  {
    id: 'memory-fault-exit',
    title: 'Make a store end in KVM_EXIT_MEMORY_FAULT',
    question:
      'The scenario file below has the guest store to GPA `0x46880000`, a page of a guest_memfd memslot. Its VMM makes the memslot private when it creates it, as QEMU does since 9.1.0 [@qemu-kvm-all.c:1612-1619; @qemu-bd3bcf69]. Run it: the store completes and `KVM_RUN` never returns to the VMM. Change one line of the file so that the store makes `KVM_RUN` return to the VMM with `KVM_EXIT_MEMORY_FAULT`.',
    predict: 'Which line, which function raises the exit, and which flags does `run->memory_fault` carry?',
    runs: [
      {
        label: 'The file as given',
        scenario: FIRST_STORE,
        variant: 'v14',
        claims: [
          {
            step: 0,
            outcome: 'completed',
            exits: [],
            faults: [{ handler: 'gmem_abort', esr: '0x90000005', ret: 1 }],
            faultCount: 1,
          },
        ],
        violations: [],
      },
      {
        label: 'With `"gmemPrivateAtCreation": false`',
        scenario: FIRST_STORE_SHARED_ATTR,
        variant: 'v14',
        claims: [
          {
            step: 0,
            outcome: 'completed',
            exits: [{ reason: 'KVM_EXIT_MEMORY_FAULT', gpa: '0x46880000', flags: '0x8' }],
            faults: [
              { handler: 'gmem_abort', esr: '0x90000005', ret: -14 },
              { handler: 'gmem_abort', esr: '0x90000005', ret: 1 },
            ],
            faultCount: 2,
            rmi: [{ cmd: 'RMI_RTT_DATA_MAP', status: 'RMI_SUCCESS', count: 1 }],
          },
        ],
        violations: [],
      },
    ],
    answer: [
      'Set `"gmemPrivateAtCreation"` to `false`: a VMM that does not make guest_memfd memory private when it creates the memslot, so the page keeps the attribute KVM starts with, shared (an unset attribute reads as 0 [@linux-kvm_host.h:2537-2552]). The store reaches the protected alias of a GFN whose attribute is shared. `gmem_abort()` sees the mismatch, calls `kvm_prepare_memory_fault_exit()` and returns `-EFAULT`, which `kvm_handle_guest_abort()` passes up [@v14 gmem_abort()]: `KVM_RUN` fails with EFAULT and `run->memory_fault` is `{gpa=0x46880000, size=0x1000, flags=0x8}`, 0x8 being `KVM_MEMORY_EXIT_FLAG_PRIVATE` [@linux-kvm_host.h:2513-2526; @linux-uapi-kvm.h:458-464; @linux-api.rst:7247-7267].',
      'The model\'s VMM then does what QEMU\'s `kvm_convert_memory()` does — sets the attribute to private and runs the vCPU again [@qemu-kvm-all.c:3057-3152] — and the second fault maps the page. Add `"onMemoryFault": "stop"` next to it to see the exit end the step instead. See [the implicit conversion](/conversions/implicit/).',
    ],
    sources:
      '[@v14 gmem_abort(); @linux-kvm_host.h:2513-2526; @linux-api.rst:7247-7267; @qemu-kvm-all.c:1612-1619; @qemu-bd3bcf69; @qemu-kvm-all.c:3057-3152]',
  },
  {
    id: 'second-fault-cheaper',
    title: 'Why does the second fault cost fewer RMI calls?',
    question:
      'Two stores go to neighbouring private pages, GPA `0x46880000` and `0x46881000`. Both pages are private (the VMM made the memslot private), both are untouched, both faults go through `gmem_abort()`.',
    predict:
      'How many RMI commands does each fault issue under v14, and what DFSC does each ESR carry? What changes if the second page is 2 MiB further on, at `0x46a80000`?',
    runs: [
      {
        label: 'Neighbouring pages, v14',
        scenario: TWO_PAGES,
        variant: 'v14',
        claims: [
          {
            step: 0,
            faults: [{ handler: 'gmem_abort', esr: '0x90000005', ret: 1 }],
            rmiCalls: 7,
            rmi: [
              { cmd: 'RMI_GRANULE_RANGE_DELEGATE', count: 3 },
              { cmd: 'RMI_RTT_CREATE', count: 2 },
              { cmd: 'RMI_RTT_DATA_MAP', status: 'RMI_ERROR_RTT', index: 1, count: 1 },
              { cmd: 'RMI_RTT_DATA_MAP', status: 'RMI_SUCCESS', count: 1 },
            ],
          },
          {
            step: 1,
            faults: [{ handler: 'gmem_abort', esr: '0x90000007', ret: 1 }],
            rmiCalls: 2,
            rmi: [
              { cmd: 'RMI_GRANULE_RANGE_DELEGATE', count: 1 },
              { cmd: 'RMI_RTT_DATA_MAP', status: 'RMI_SUCCESS', count: 1 },
            ],
          },
        ],
      },
      {
        label: 'Neighbouring pages, post-v14-review',
        scenario: TWO_PAGES,
        variant: 'post-v14-review',
        claims: [
          {
            step: 0,
            rmiCalls: 8,
            rmi: [
              { cmd: 'RMI_RTT_DATA_MAP', status: 'RMI_ERROR_RTT', index: 1, count: 1 },
              { cmd: 'RMI_RTT_DATA_MAP', status: 'RMI_ERROR_RTT', index: 2, count: 1 },
            ],
          },
          { step: 1, rmiCalls: 2 },
        ],
      },
      {
        label: 'Second page in another 2 MiB block, v14',
        scenario: FAR_PAGES,
        variant: 'v14',
        claims: [
          {
            step: 1,
            faults: [{ handler: 'gmem_abort', esr: '0x90000006', ret: 1 }],
            rmiCalls: 5,
            rmi: [
              { cmd: 'RMI_RTT_CREATE', count: 1 },
              { cmd: 'RMI_RTT_DATA_MAP', status: 'RMI_ERROR_RTT', index: 2, count: 1 },
            ],
          },
        ],
      },
    ],
    answer: [
      'At activation `RMI_RTT_INIT_RIPAS` marked the whole 2 GiB memslot RAM as two level-1 entries, `unassigned_ram`, and created no table below them [@v14 set_ripas_of_protected_regions(); @tf-rmm RMI_RTT_INIT_RIPAS()]. So the first walk stops at level 1: DFSC 0x05, reported as ESR `0x90000005` (IL and WnR hidden for a protected IPA [@tf-rmm-exit.c:259-263]). `realm_map_protected()` delegates the data page and `RMI_RTT_DATA_MAP` fails with `RMI_ERROR_RTT` at level 1 [@tf-rmm-rtt_map.c:633-638]; v14 then creates the level-2 and level-3 tables in one call, each a memcache page delegated and passed to `RMI_RTT_CREATE`, and maps: 7 commands [@v14 realm_map_protected(); @v14 realm_create_rtt_levels()].',
      'The second page lies under the level-3 table the first fault built, so its walk reaches level 3 (DFSC 0x07, ESR `0x90000007`) and only the data page is delegated and mapped: 2 commands. Under post-v14-review the first fault costs 8, because each `RMI_ERROR_RTT` creates one level and retries the map (at level 1, then at level 2) [@post-v14 realm_map_protected()], as Steven Price proposed in review [@v14-29-price-0608a]. A page in another 2 MiB block shares only the level-2 table: DFSC 0x06 and 5 commands.',
    ],
    sources:
      '[@v14 realm_map_protected(); @v14 realm_create_rtt_levels(); @post-v14 realm_map_protected(); @v14-29-price-0608a; @v14-29-poulose-0608b; @tf-rmm RMI_RTT_CREATE(); @tf-rmm RMI_RTT_DATA_MAP(); @tf-rmm RMI_RTT_INIT_RIPAS()]',
  },
  {
    id: 'vring-survives',
    title: 'Change one toggle so the vring data survives',
    question:
      "The file below replays the seed's virtio steps (the seed is Gavin Shan's report of 2026-06-25 [@v14-29-shan-0625]) under the post-v14-review variant on MAP_PRIVATE memory, without the seed's force-W change: the guest makes two pages shared, writes a descriptor into vring A, reads and clears vring B, reads A back, and finally the VMM reads A at GPA `0x46880000`. Post-v14 code maps a read fault read-only, so a write must upgrade the mapping.",
    predict:
      'What does the VMM read in the last step? Which one toggle makes it read the descriptor `0x100b983f000`?',
    runs: [
      {
        label: 'The file as given',
        scenario: SEED_POST_V14,
        variant: 'post-v14-review',
        claims: [
          {
            step: 2,
            outcome: 'no_progress',
            faults: [
              { handler: 'user_mem_abort', esr: '0x92000005', ret: 1 },
              { handler: 'user_mem_abort', esr: '0x9200000f', ret: 1 },
            ],
            warnings: ['kvm_handle_guest_abort'],
          },
          { step: 6, outcome: 'completed', value: '0x0' },
        ],
        violations: [],
      },
      {
        label: 'With `rmmRevealsWriteOnPermissionFault: true`',
        scenario: SEED_POST_V14_REVEAL,
        variant: 'post-v14-review',
        claims: [
          {
            step: 2,
            outcome: 'completed',
            faults: [
              { handler: 'user_mem_abort', esr: '0x92000005', ret: 1 },
              { handler: 'user_mem_abort', esr: '0x9200004f', ret: 1 },
              { handler: 'user_mem_abort', esr: '0x92000007', ret: 1 },
            ],
            faultCount: 3,
            rmi: [
              { cmd: 'RMI_RTT_UNPROT_UNMAP', status: 'RMI_SUCCESS', count: 1 },
              { cmd: 'RMI_RTT_UNPROT_MAP', status: 'RMI_SUCCESS', count: 2 },
              { cmd: 'RMI_RTT_UNPROT_MAP', status: 'RMI_ERROR_RTT', index: 3, count: 0 },
            ],
          },
          { step: 5, value: DESCRIPTOR },
          { step: 6, outcome: 'completed', value: DESCRIPTOR },
        ],
        violations: [],
      },
      {
        label: 'With `rmmEsrBefore4de93bb0: true` instead',
        scenario: SEED_POST_V14_OLD_RMM,
        variant: 'post-v14-review',
        claims: [
          {
            step: 2,
            outcome: 'completed',
            faults: [{ handler: 'user_mem_abort', esr: '0x90000045', ret: 1 }],
            faultCount: 1,
          },
          { step: 6, outcome: 'completed', value: DESCRIPTOR },
        ],
        violations: [],
      },
    ],
    answer: [
      'As given, the VMM reads 0. TF-RMM hides WnR for an abort at an unprotected IPA without a valid syndrome [@tf-rmm-exit.c:265-273], so the store to vring A first takes a translation fault that KVM sees as a read (ESR `0x92000005`). GUP without FOLL_WRITE returns the shared zero page, not writable, and post-v14 code maps it read-only [@post-v14 kvm_s2_fault_compute_prot(); @post-v14 realm_map_ipa()]. The store then takes permission faults (`0x9200000F`) that still look like reads: `VM_WARN_ON_ONCE()` fires in `kvm_handle_guest_abort()` [@post-v14-lp-mmu.c:2455-2457], GUP again returns the zero page, `RMI_RTT_UNPROT_MAP` with the same descriptor succeeds without changing anything [@tf-rmm-rtt_map.c:1145-1155], and the guest faults again: no progress. The descriptor never reaches memory the VMM can see.',
      'Set `rmmRevealsWriteOnPermissionFault` to true — a stand-in for the unpublished "corresponding tf-RMM change" Suzuki K Poulose mentioned [@v14-29-poulose-0626a], so **UNCERTAIN**. The permission fault then reads as a write (`0x9200004F`): GUP with FOLL_WRITE breaks copy-on-write, and the MMU-notifier invalidation around it unmaps the shared alias (`RMI_RTT_UNPROT_UNMAP`) and moves `mmu_invalidate_seq` [@linux-memory.c:3853-4002; @linux-kvm_main.c:607-611]. `kvm_s2_fault_map()` sees the retry, maps nothing and returns 0, and `kvm_handle_guest_abort()` returns 1 [@post-v14 kvm_s2_fault_map()]. The store faults a third time, as a read again (`0x92000007`), but GUP now finds the writable copy, so the page is mapped read-write: the VMM reads `0x100b983f000`. The unmap-and-retry branch for an existing entry in `realm_map_non_secure()` [@post-v14 realm_map_non_secure()] is not needed here, because the notifier already removed the entry.',
      'An RMM that sanitises the syndrome as TF-RMM did before commit 4de93bb0 (`rmmEsrBefore4de93bb0: true`) gets there too: that code sent every unprotected abort down the emulatable path, which keeps WnR and drops IL [@tf-rmm-before-4de93bb0-exit.c:263-268; @tf-rmm-4de93bb0], so the first fault is already a write (`0x90000045`) and maps a writable page at once. Turning on `forceSharedWrite` instead does not help: it maps the zero page writable and the vrings alias (next exercise).',
    ],
    sources:
      '[@v14-29-poulose-0626a; @v14-29-poulose-0626b; @tf-rmm handle_data_abort(); @tf-rmm-4de93bb0; @post-v14 realm_map_non_secure(); @post-v14 kvm_s2_fault_map(); @linux-memory.c:3853-4002]. Open question: what the TF-RMM change will be.',
  },
  {
    id: 'seed-bug',
    title: 'The seed bug: who wrote vring B?',
    question:
      "Run the seed's configuration: v14 with Gavin Shan's local change that forces write permission into every shared-space mapping (`forceSharedWrite`) [@v14-29-shan-0626a], and MAP_PRIVATE anonymous memory. The guest writes a descriptor into vring A, then reads vring B — a different page it never wrote.",
    predict:
      'What does the read of vring B (step 3) return? What does the VMM read at GPA `0x46880000` in the last step? And with `share=yes` (the built-in `shared-force-write-memfd`)?',
    runs: [
      {
        label: 'MAP_PRIVATE (`shared-force-write-zero-page`)',
        scenario: 'shared-force-write-zero-page',
        variant: 'v14',
        claims: [
          {
            step: 2,
            faults: [{ handler: 'user_mem_abort', esr: '0x92000007', ret: 1 }],
            rmi: [{ cmd: 'RMI_RTT_UNPROT_MAP', status: 'RMI_SUCCESS', count: 1 }],
          },
          { step: 3, outcome: 'completed', value: DESCRIPTOR },
          { step: 6, outcome: 'completed', value: '0x0' },
        ],
        violations: [3],
      },
      {
        label: 'MAP_SHARED (`shared-force-write-memfd`)',
        scenario: 'shared-force-write-memfd',
        variant: 'v14',
        claims: [
          { step: 3, outcome: 'completed', value: '0x0' },
          { step: 6, outcome: 'completed', value: DESCRIPTOR },
        ],
        violations: [],
      },
    ],
    answer: [
      "Vring B returns vring A's descriptor, `0x100b983f000`, and the VMM reads 0. Both shared faults reach KVM as reads (ESR `0x92000007`, the seed's syndrome, with WnR hidden [@tf-rmm-exit.c:265-273]), so GUP resolves the untouched MAP_PRIVATE pages to the shared zero page; the forced W maps that one page read-write at both IPAs. The guest's writes land in the zero page and alias across the vrings, while the VMM's own mapping of GPA `0x46880000` still reads zeros — QEMU's \"virtio: zero sized buffers are not allowed\" [@v14-29-shan-0625]. Suzuki K Poulose named the cause [@v14-29-poulose-0626a]. The model flags invariant 3: a writable shared mapping of the zero page.",
      'With a MAP_SHARED backend GUP returns the real shared page the VMM maps, so B reads its own zeros and the VMM reads the descriptor — the `share=yes` workaround Gavin Shan confirmed [@v14-29-shan-0626b; @v14-29-shan-0628]. See [QEMU reads zeros](/case-studies/qemu-reads-zeros/).',
    ],
    sources:
      '[@v14-29-shan-0625; @v14-29-shan-0626a; @v14-29-poulose-0626a; @v14-29-shan-0626b; @v14-29-shan-0628; @qemu-hostmem-ram.c:19-37]',
  },
  {
    id: 'thp-alignment',
    title: 'A 2 MiB THP and an unaligned fault',
    question:
      'The VMM wrote into the 2 MiB transparent huge page behind GPA `0x46800000`–`0x469fffff`; the guest then reads `0x10046880000`, in the middle of it, through the shared alias (built-in `thp-unaligned`).',
    predict:
      'How does `KVM_RUN` end under v14? Under post-v14-review, how many RTT levels does KVM create, and what does the read return?',
    runs: [
      {
        label: 'v14',
        scenario: 'thp-unaligned',
        variant: 'v14',
        claims: [
          {
            step: 1,
            outcome: 'kvm_run_error',
            errno: 'EINVAL',
            faults: [{ handler: 'user_mem_abort', ret: -22 }],
            rmiCalls: 0,
            warnings: ['realm_map_non_secure'],
          },
        ],
      },
      {
        label: 'post-v14-review',
        scenario: 'thp-unaligned',
        variant: 'post-v14-review',
        claims: [
          {
            step: 1,
            outcome: 'completed',
            value: '0x5a5a',
            rmi: [
              { cmd: 'RMI_RTT_UNPROT_MAP', status: 'RMI_ERROR_RTT', index: 1, count: 1 },
              { cmd: 'RMI_RTT_CREATE', count: 1 },
              { cmd: 'RMI_RTT_UNPROT_MAP', status: 'RMI_SUCCESS', count: 1 },
            ],
            warnings: [],
          },
        ],
      },
    ],
    answer: [
      "`transparent_hugepage_adjust()` finds the 2 MiB page and aligns gfn and pfn down, but v14 passes the original `fault_ipa` to `realm_map_ipa()` [@v14-mmu.c:2124-2134], which aligns it only to a 4 KiB page [@v14 realm_map_ipa()]. `realm_map_non_secure()` then WARNs because `0x10046880000` is not 2 MiB-aligned and returns `-EINVAL` [@v14 realm_map_non_secure()]: `KVM_RUN` fails with EINVAL before any RMI command — the second point of Gavin Shan's review of 2026-06-05 [@v14-29-shan-0605a].",
      "Post-v14 code aligns the IPA down to the mapping size, `0x10046800000` [@post-v14 realm_map_ipa()]. The 2 MiB `RMI_RTT_UNPROT_MAP` fails with `RMI_ERROR_RTT` at level 1, and `realm_map_non_secure()` creates RTTs only down to the level the block needs (`find_map_level`): one `RMI_RTT_CREATE` for level 2, then the map succeeds as a 2 MiB block [@post-v14 realm_map_non_secure()]. The read returns the VMM's `0x5a5a`.",
    ],
    sources:
      '[@v14 realm_map_ipa(); @v14-mmu.c:2124-2134; @v14 realm_map_non_secure(); @post-v14 realm_map_ipa(); @post-v14 realm_map_non_secure(); @post-v14 transparent_hugepage_adjust(); @v14-29-shan-0605a]. See [THP and unaligned faults](/case-studies/thp-unaligned/).',
  },
  {
    id: 'mmio-isv',
    title: 'MMIO with and without a valid syndrome',
    question:
      'The guest reaches the UART at IPA `0x10009000000`, an unprotected address with no memslot. In `mmio-valid-syndrome` it uses a plain store and load (ISV=1); in `mmio-no-syndrome` it uses a load the hardware cannot describe, such as LDP (ISV=0).',
    predict: 'Which handler runs in each case, does the VMM see an exit, and at which address?',
    runs: [
      {
        label: 'ISV=1 (`mmio-valid-syndrome`)',
        scenario: 'mmio-valid-syndrome',
        variant: 'v14',
        claims: [
          {
            step: 0,
            outcome: 'completed',
            exits: [{ reason: 'KVM_EXIT_MMIO', gpa: '0x9000000', isWrite: true }],
            faults: [{ handler: 'io_mem_abort', esr: '0x91c08045', ret: 0 }],
          },
          {
            step: 1,
            outcome: 'completed',
            value: '0x41',
            exits: [{ reason: 'KVM_EXIT_MMIO', gpa: '0x9000000', isWrite: false }],
          },
        ],
      },
      {
        label: 'ISV=0 (`mmio-no-syndrome`)',
        scenario: 'mmio-no-syndrome',
        variant: 'v14',
        claims: [
          {
            step: 0,
            outcome: 'guest_sea',
            exits: [],
            faults: [{ handler: 'io_mem_abort', esr: '0x92000005', ret: 1 }],
          },
        ],
      },
    ],
    answer: [
      'Both go to `io_mem_abort()`: there is no memslot, so no HVA. With ISV=1 the RMM reports the emulatable syndrome — ISV, SAS, SF and WnR kept, IL, SSE and SRT dropped, so the store reads as ESR `0x91C08045` (a level-1 translation fault) — with the stored value in `gprs[0]` and the page offset in FAR [@tf-rmm-exit.c:275-280]. `rec_exit_sync_dabt()` copies `gprs[0]` into the register the syndrome names [@v14 rec_exit_sync_dabt()], and KVM hands `io_mem_abort()` the IPA without the shared bit [@v14-mmu.c:2454], so the VMM sees `KVM_EXIT_MMIO` at `0x09000000` with `is_write` set: `kvm_handle_guest_abort()` returned 0. The load returns what the device holds; `kvm_handle_mmio_return()` passes it back in `enter.gprs[0]` with `REC_ENTER_FLAG_EMULATED_MMIO` [@v14-mmio.c:143-156].',
      'With ISV=0 there is nothing to emulate: for a REC, `io_mem_abort()` asks for an SEA, which becomes `REC_ENTER_FLAG_INJECT_SEA` on the next entry [@v14 io_mem_abort(); @v14-inject_fault.c:229-233], and the guest takes it; the VMM sees no exit.',
    ],
    sources:
      '[@tf-rmm handle_data_abort(); @v14 rec_exit_sync_dabt(); @v14-mmu.c:2454; @v14 io_mem_abort(); @v14-inject_fault.c:229-233; @v14-mmio.c:143-156]. See [exits to the VMM](/fault-path/exits/).',
  },
  {
    id: 'memcache',
    title: 'No pages for the memcache',
    question:
      'In `memcache-exhaustion` the host has no free pages, and the guest stores to an untouched private page whose walk ends at level 1.',
    predict: 'Which RMI commands run before the failure, and how does `KVM_RUN` end?',
    runs: [
      {
        label: 'v14',
        scenario: 'memcache-exhaustion',
        variant: 'v14',
        claims: [
          {
            step: 0,
            outcome: 'kvm_run_error',
            errno: 'ENOMEM',
            faults: [{ handler: 'gmem_abort', ret: -12 }],
            rmiCalls: 0,
          },
        ],
      },
      {
        label: 'post-v14-review',
        scenario: 'memcache-exhaustion',
        variant: 'post-v14-review',
        claims: [
          {
            step: 0,
            outcome: 'kvm_run_error',
            errno: 'ENOMEM',
            faults: [{ handler: 'gmem_abort', ret: -12 }],
            rmiCalls: 0,
          },
        ],
      },
    ],
    answer: [
      'None. `gmem_abort()` tops up the memcache before it looks the page up, in v14 and in the post-v14 tree alike [@v14 gmem_abort(); @post-v14 gmem_abort()] — to `kvm_mmu_cache_min_pages()`, the stage-2 levels minus one, so two pages for the 3-level stage 2 of a 41-bit realm — and `topup_mmu_memcache()` fails with `-ENOMEM` [@linux-mmu.c:1530-1538; @linux-kvm_main.c:364-406]. `gmem_abort()` returns it and `kvm_handle_guest_abort()` passes it up: `KVM_RUN` fails with ENOMEM in both variants, and no RMI command is issued.',
    ],
    sources: '[@v14 gmem_abort(); @post-v14 gmem_abort(); @linux-mmu.c:1530-1538; @linux-kvm_main.c:364-406]',
  },
  {
    id: 'invalidation-retry',
    title: 'An invalidation in the fault window',
    question:
      "In `invalidation-race` the VMM sets the page shared while the guest's first fault on it is between sampling `mmu_seq` and taking `kvm_fault_lock()`.",
    predict: 'How many times does `gmem_abort()` run for this one store, and what does each run end with?',
    runs: [
      {
        label: 'v14',
        scenario: 'invalidation-race',
        variant: 'v14',
        claims: [
          {
            step: 0,
            outcome: 'completed',
            faults: [
              { handler: 'gmem_abort', ret: 1 },
              { handler: 'gmem_abort', ret: -14 },
              { handler: 'gmem_abort', ret: 1 },
            ],
            faultCount: 3,
            exits: [{ reason: 'KVM_EXIT_MEMORY_FAULT', gpa: '0x46880000', flags: '0x8' }],
            rmi: [{ cmd: 'RMI_RTT_DATA_MAP', status: 'RMI_SUCCESS', count: 1 }],
          },
        ],
      },
    ],
    answer: [
      'Three times. `KVM_SET_MEMORY_ATTRIBUTES` opens and closes an invalidation around the change [@linux-kvm_main.c:2537-2598], so in the first run `mmu_invalidate_retry()` is true [@linux-kvm_host.h:2125-2145]: `gmem_abort()` maps nothing and turns `-EAGAIN` into 0, `kvm_handle_guest_abort()` returns 1, and the guest is re-entered and faults again [@v14 gmem_abort(); @v14 kvm_handle_guest_abort()]. The attribute is now shared, so the second run raises `KVM_EXIT_MEMORY_FAULT` with the private flag and `kvm_handle_guest_abort()` returns `-EFAULT` (−14); the VMM converts the page back [@qemu-kvm-all.c:3057-3152] and the third run maps it with a single successful `RMI_RTT_DATA_MAP`.',
    ],
    sources:
      '[@v14 gmem_abort(); @linux-kvm_host.h:2125-2145; @linux-kvm_main.c:2537-2598; @v14 kvm_arch_post_set_memory_attributes(); @qemu-kvm-all.c:3057-3152]. See [invalidation](/fault-path/invalidation/).',
  },
  {
    id: 'ripas-out-of-range',
    title: 'A RIPAS change that crosses into the shared half',
    question:
      'In `ripas-change-not-protected` the guest asks with `RSI_IPA_STATE_SET` to make `[0xfffffff000, 0x10000001000)` shared — a range whose second page is already in the unprotected half.',
    predict:
      'Does the VMM get a `KVM_EXIT_MEMORY_FAULT` for the first page? Does KVM see the request at all?',
    runs: [
      {
        label: 'v14',
        scenario: 'ripas-change-not-protected',
        variant: 'v14',
        claims: [{ step: 0, outcome: 'completed', rsi: 'RSI_ERROR_INPUT', exits: [], rmiCalls: 0 }],
      },
    ],
    answer: [
      "No exit, and KVM never hears of it. TF-RMM checks the range inside `RSI_IPA_STATE_SET`: one that is not wholly in the protected half gets `RSI_ERROR_INPUT` and the realm resumes, with no REC exit [@tf-rmm-rsi-memory.c:33-40]. The guest's `set_memory_decrypted()` then fails (`rsi_set_memory_range()` returns `-EINVAL` on an error status [@linux-rsi.h:26-40]) and warns that the pages leak [@linux-pageattr.c:338-346]. KVM's own check in `rec_exit_ripas_change()` — reject with `REC_ENTER_FLAG_RIPAS_RESPONSE` and return `-EINVAL` [@v14 rec_exit_ripas_change()] — is never reached with this RMM.",
    ],
    sources:
      '[@tf-rmm-rsi-memory.c:33-40; @v14 rec_exit_ripas_change(); @linux-rsi.h:26-40; @linux-pageattr.c:338-346]',
  },
  {
    id: 'private-alias-after-sharing',
    title: 'Touching the private alias of a shared page',
    question:
      'In `private-alias-of-shared-page` the guest makes GPA `0x46880000` shared with `set_memory_decrypted()` and then reads it through its **protected** alias, IPA `0x46880000`, by mistake.',
    predict: 'Which KVM fault handler runs, and what does the guest get?',
    runs: [
      {
        label: 'v14',
        scenario: 'private-alias-of-shared-page',
        variant: 'v14',
        claims: [
          {
            step: 0,
            outcome: 'completed',
            exits: [{ reason: 'KVM_EXIT_MEMORY_FAULT', gpa: '0x46880000', flags: '0x0' }],
          },
          {
            step: 1,
            outcome: 'guest_sea',
            exits: [],
            faults: [{ handler: 'rmm_injected_sea', ret: 0 }],
            rmiCalls: 0,
          },
        ],
      },
    ],
    answer: [
      'None: the host never hears of it. After the conversion the page\'s RIPAS is EMPTY (`RMI_RTT_SET_RIPAS` completed the guest\'s request [@tf-rmm RMI_RTT_SET_RIPAS()]), and for a protected IPA with RIPAS EMPTY the RMM injects an SEA into the realm itself instead of exiting to the host [@tf-rmm-exit.c:228-237]. The conversion (step 0) was the exit: `KVM_EXIT_MEMORY_FAULT` with flags 0, "make it shared" [@v14 rec_exit_ripas_change()].',
    ],
    sources:
      '[@tf-rmm-exit.c:228-237; @tf-rmm RMI_RTT_SET_RIPAS(); @v14 rec_exit_ripas_change(); @linux-rsi.h:64-69]. See [the explicit conversion](/conversions/explicit/).',
  },
];

/** The command a reader runs for a run. */
export function runCommand(run: ExerciseRun): string {
  const base =
    typeof run.scenario === 'string'
      ? `npx realmfault run --scenario ${run.scenario}`
      : `npx realmfault run ${run.scenario.file}`;
  return `${base} --variant ${run.variant}`;
}

/** One fault of a claim in words: who handled it and which function returned what. */
function describeFault(f: NonNullable<StepClaim['faults']>[number]): string {
  const esr = f.esr !== undefined ? ` ESR \`${f.esr}\`` : '';
  if (f.handler === 'rmm_injected_sea') return `SEA injected by the RMM${esr}, no host exit`;
  const ret = f.ret !== undefined ? `, \`kvm_handle_guest_abort()\` returned ${f.ret}` : '';
  if (f.handler === 'none') return `no handler called${esr}${ret}`;
  return `\`${f.handler}()\`${esr}${ret}`;
}

/** What a claim says, as short phrases (inline Markdown subset). */
export function describeClaim(c: StepClaim): string[] {
  const out: string[] = [];
  if (c.outcome) out.push(`outcome \`${c.outcome}\``);
  if (c.errno) out.push(`\`KVM_RUN\` fails with ${c.errno}`);
  if (c.value !== undefined) out.push(`reads \`${c.value}\``);
  if (c.rsi !== undefined) out.push(`the realm gets \`${c.rsi}\``);
  if (c.exits) {
    out.push(
      c.exits.length === 0
        ? 'no exit to the VMM'
        : c.exits
            .map((e) => {
              const parts = [
                e.gpa !== undefined ? `gpa=${e.gpa}` : '',
                e.flags !== undefined ? `flags=${e.flags}` : '',
                e.isWrite !== undefined ? `is_write=${e.isWrite ? 1 : 0}` : '',
              ].filter(Boolean);
              return `\`${e.reason}\`${parts.length ? ` \`{${parts.join(', ')}}\`` : ''}`;
            })
            .join(', '),
    );
  }
  if (c.faults) {
    out.push(
      (c.faults.length === 1 ? 'fault: ' : 'faults: ') +
        c.faults.map(describeFault).join('; then ') +
        (c.faultCount !== undefined && c.faultCount > c.faults.length ? '; …' : ''),
    );
  }
  if (c.faultCount !== undefined) out.push(`${c.faultCount} fault${c.faultCount === 1 ? '' : 's'} in all`);
  if (c.rmiCalls !== undefined) out.push(`${c.rmiCalls} RMI command${c.rmiCalls === 1 ? '' : 's'}`);
  for (const r of c.rmi ?? []) {
    out.push(
      `\`${r.cmd}\`${r.status ? ` → \`${r.status}\`` : ''}${r.index !== undefined ? ` at level ${r.index}` : ''} ×${r.count}`,
    );
  }
  if (c.warnings) {
    out.push(c.warnings.length ? `WARN in ${c.warnings.map((w) => `\`${w}()\``).join(', ')}` : 'no WARN');
  }
  return out;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ESCAPES[c] ?? c);
}

/** **bold** and [text](/path/) (site-relative links only, under the base path) in text outside code; everything else escaped. */
function proseHtml(text: string): string {
  return escapeHtml(text)
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(
      /\[([^\]]+)\]\((\/[\w\-/#.]*)\)/g,
      (_m, text: string, path: string) => `<a href="${href(path)}">${text}</a>`,
    );
}

/**
 * Prose with its citation groups (`[@v14-29; @v14 gmem_abort()]`) as links, in the form the site's
 * citation plugin gives them: `[link; link]`, each link labelled and titled by the source registry.
 * An unknown or malformed citation throws CitationError, so the build and the tests fail on it.
 */
function citedProseHtml(text: string): string {
  let out = '';
  let at = 0;
  for (const { match, cites } of resolveCitations(text)) {
    out += proseHtml(text.slice(at, match.start));
    const links = cites.map(
      (c) =>
        `<a class="rf-cite" href="${escapeHtml(c.href)}" title="${escapeHtml(c.title)}">${escapeHtml(c.label)}</a>`,
    );
    out += `[${links.join('; ')}]`;
    at = match.end;
  }
  return out + proseHtml(text.slice(at));
}

/**
 * The inline Markdown subset of the exercise texts as HTML: `code`, **bold**, [text](/path/)
 * (site-relative links only) and citations. Everything else is escaped.
 */
export function inlineHtml(text: string): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part) => {
      if (part.startsWith('`') && part.endsWith('`') && part.length >= 2) {
        return `<code>${escapeHtml(part.slice(1, -1))}</code>`;
      }
      return citedProseHtml(part);
    })
    .join('');
}
