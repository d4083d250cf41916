/**
 * The onboarding exercises of src/content/docs/start-here/exercises.mdx: "predict, then run".
 * Each one is data: the setup (a built-in scenario or a small scenario file), the question, the
 * answer, and — for every run the answer talks about — the outcome it claims, as checkable
 * facts. The page renders from this file (src/components/Exercise.astro) and
 * tests/unit/exercises-claims.test.ts runs every run through the model and checks every claim, so
 * an answer cannot drift from what the model does.
 *
 * Text fields are a small Markdown subset rendered by `inlineHtml`: `code`, **bold** and
 * [links](/path/). Nothing else.
 */
import type { ExitReason, FaultHandler, Json, Outcome, Variant } from '@realmfault/model';

/** A claim about one step of a run. Every field given is checked; absent fields are not. */
export interface StepClaim {
  /** 0-based step index, as `realmfault run --json` numbers them. */
  readonly step: number;
  readonly outcome?: Outcome;
  /** errno name when KVM_RUN failed. */
  readonly errno?: string;
  /** The value a read returned, hex. */
  readonly value?: string;
  /** The step's exits to the VMM, exactly (reason, and gpa/flags/isWrite where given). */
  readonly exits?: readonly {
    readonly reason: ExitReason;
    readonly gpa?: string;
    readonly flags?: string;
    readonly isWrite?: boolean;
  }[];
  /** The step's first faults, in order (handler, and ESR/return value where given). */
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
  /** Where the behaviour comes from. */
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

const FIRST_STORE: ScenarioFile = {
  file: 'first-store.json',
  json: {
    name: 'first-store',
    description: 'One store to a page whose memory attribute is PRIVATE.',
    variant: 'v14',
    realm: { ipaBits: 41 },
    memslots: [SLOT()],
    private: [{ gpa: '0x46880000', size: '0x1000' }],
    steps: [{ guest: 'write', ipa: '0x46880000', value: '0x1234', size: 8, isv: false }],
  },
};

const FIRST_STORE_SHARED_ATTR: ScenarioFile = {
  file: 'first-store-shared-attr.json',
  json: {
    name: 'first-store-shared-attr',
    description: 'The same store with the private line removed: the attribute stays shared.',
    variant: 'v14',
    realm: { ipaBits: 41 },
    memslots: [SLOT()],
    steps: [{ guest: 'write', ipa: '0x46880000', value: '0x1234', size: 8, isv: false }],
  },
};

const TWO_PAGES: ScenarioFile = {
  file: 'two-private-pages.json',
  json: {
    name: 'two-private-pages',
    description: 'Two stores to neighbouring private pages.',
    variant: 'v14',
    realm: { ipaBits: 41 },
    memslots: [SLOT()],
    private: [{ gpa: '0x46880000', size: '0x2000' }],
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
    private: [
      { gpa: '0x46880000', size: '0x1000' },
      { gpa: '0x46a80000', size: '0x1000' },
    ],
    steps: [
      { guest: 'write', ipa: '0x46880000', value: '0x1', size: 8, isv: false },
      { guest: 'write', ipa: '0x46a80000', value: '0x2', size: 8, isv: false },
    ],
  },
};

const seedFixed = (file: string, description: string, toggles: Json): ScenarioFile => ({
  file,
  json: {
    name: file.replace(/\.json$/, ''),
    description,
    variant: 'fixed',
    toggles,
    realm: { ipaBits: 41 },
    memslots: [SLOT('anon-private')],
    private: [{ gpa: '0x46880000', size: '0x20000' }],
    steps: SEED_STEPS,
  },
});

const SEED_FIXED_NO_REVEAL = seedFixed(
  'vrings-fixed.json',
  "The seed's vring steps under the fixed variant, MAP_PRIVATE memory, no force-W change.",
  { rmmRevealsWriteOnPermissionFault: false },
);
const SEED_FIXED_REVEAL = seedFixed(
  'vrings-fixed-reveal.json',
  'The same, with the RMM revealing writes on permission faults (UNCERTAIN hypothesis).',
  { rmmRevealsWriteOnPermissionFault: true },
);
const SEED_FIXED_NO_MASK = seedFixed(
  'vrings-fixed-wnr.json',
  'The same, with an RMM that reports WnR (TF-RMM before 4de93bb0).',
  { rmmRevealsWriteOnPermissionFault: false, rmmMasksWnR: false },
);

const DESCRIPTOR = '0x100b983f000';

export const EXERCISES: readonly Exercise[] = [
  {
    id: 'memory-fault-exit',
    title: 'Make a store end in KVM_EXIT_MEMORY_FAULT',
    question:
      'The scenario file below has the guest store to GPA `0x46880000`, a page of a guest_memfd memslot whose KVM memory attribute is PRIVATE. Run it: the store completes and `KVM_RUN` never returns to the VMM. Change one line of the file so that the store makes `KVM_RUN` return to the VMM with `KVM_EXIT_MEMORY_FAULT`.',
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
            faults: [{ handler: 'gmem_abort', ret: 1 }],
            faultCount: 1,
          },
        ],
        violations: [],
      },
      {
        label: 'Without the `private` line',
        scenario: FIRST_STORE_SHARED_ATTR,
        variant: 'v14',
        claims: [
          {
            step: 0,
            outcome: 'completed',
            exits: [{ reason: 'KVM_EXIT_MEMORY_FAULT', gpa: '0x46880000', flags: '0x8' }],
            faults: [
              { handler: 'gmem_abort', esr: '0x90000005', ret: -14 },
              { handler: 'gmem_abort', ret: 1 },
            ],
          },
        ],
        violations: [],
      },
    ],
    answer: [
      'Delete the `private` line. Every GFN starts with the shared attribute, so the store now reaches the protected alias of a page whose attribute is still shared. `gmem_abort()` compares the attribute with the alias, calls `kvm_prepare_memory_fault_exit()` and returns `-EFAULT`: `KVM_RUN` fails with EFAULT and `run->memory_fault` is `{gpa=0x46880000, size=0x1000, flags=0x8}`, 0x8 being `KVM_MEMORY_EXIT_FLAG_PRIVATE`.',
      'The model\'s VMM then does what QEMU\'s `kvm_convert_memory()` does — sets the attribute to private and runs the vCPU again — and the second fault maps the page. Add `"vmm": {"onMemoryFault": "stop"}` to see the exit end the step instead. See [the implicit conversion](/conversions/implicit/).',
    ],
    sources:
      'gmem_abort() in arch/arm64/kvm/mmu.c (v14 patch 29/44, thread message 30); KVM API documentation for KVM_EXIT_MEMORY_FAULT (39) and KVM_MEMORY_EXIT_FLAG_PRIVATE (1 << 3).',
  },
  {
    id: 'second-fault-cheaper',
    title: 'Why does the second fault cost fewer RMI calls?',
    question:
      'Two stores go to neighbouring private pages, GPA `0x46880000` and `0x46881000`. Both pages are private, both are untouched, both faults go through `gmem_abort()`.',
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
              { cmd: 'RMI_RTT_CREATE', count: 2 },
              { cmd: 'RMI_RTT_DATA_MAP', status: 'RMI_ERROR_RTT', index: 1, count: 1 },
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
        label: 'Neighbouring pages, fixed',
        scenario: TWO_PAGES,
        variant: 'fixed',
        claims: [
          { step: 0, rmiCalls: 8, rmi: [{ cmd: 'RMI_RTT_DATA_MAP', status: 'RMI_ERROR_RTT', count: 2 }] },
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
            rmi: [{ cmd: 'RMI_RTT_CREATE', count: 1 }],
          },
        ],
      },
    ],
    answer: [
      'At activation `RMI_RTT_INIT_RIPAS` marked the whole 2 GiB memslot RAM with two level-1 entries, so the first walk stops at level 1: DFSC 0x05, ESR `0x90000005`. `realm_map_protected()` delegates the data page, `RMI_RTT_DATA_MAP` fails with `RMI_ERROR_RTT` at level 1, and v14 creates the level-2 and level-3 tables in one go, each a memcache page delegated and then passed to `RMI_RTT_CREATE`, before mapping: 7 commands.',
      'The second page lies under the level-3 table the first fault built, so its walk reaches level 3 (DFSC 0x07, ESR `0x90000007`) and only the data page is delegated and mapped: 2 commands. Under fixed the first fault costs 8, because RTTs are created one level per retry (`RMI_ERROR_RTT` at level 1, then at level 2). A page in another 2 MiB block shares only the level-2 table: DFSC 0x06 and 5 commands.',
    ],
    sources:
      'realm_map_protected() and realm_create_rtt_levels() in arch/arm64/kvm/rmi.c (v14 patches 23/44 and 29/44, thread messages 24, 30); the one-level-at-a-time change (thread messages 141, 144); TF-RMM RMI_RTT_CREATE and RMI_RTT_DATA_MAP (runtime/rmi/rtt.c, rtt_map.c).',
  },
  {
    id: 'vring-survives',
    title: 'Change one toggle so the vring data survives',
    question:
      "The file below replays the seed's virtio steps under the fixed variant on MAP_PRIVATE memory: the guest makes two pages shared, writes a descriptor into vring A, reads and clears vring B, reads A back, and finally the VMM reads A at GPA `0x46880000`. Without the force-W change, reads map the page read-only and writes must upgrade it.",
    predict:
      'What does the VMM read in the last step? Which one toggle makes it read the descriptor `0x100b983f000`?',
    runs: [
      {
        label: 'The file as given',
        scenario: SEED_FIXED_NO_REVEAL,
        variant: 'fixed',
        claims: [
          {
            step: 2,
            outcome: 'no_progress',
            faults: [
              { handler: 'user_mem_abort', esr: '0x92000005' },
              { handler: 'user_mem_abort', esr: '0x9200000f' },
            ],
          },
          { step: 6, outcome: 'completed', value: '0x0' },
        ],
        violations: [],
      },
      {
        label: 'With `rmmRevealsWriteOnPermissionFault: true`',
        scenario: SEED_FIXED_REVEAL,
        variant: 'fixed',
        claims: [
          {
            step: 2,
            outcome: 'completed',
            faults: [
              { handler: 'user_mem_abort', esr: '0x92000005' },
              { handler: 'user_mem_abort', esr: '0x9200004f' },
            ],
            rmi: [
              { cmd: 'RMI_RTT_UNPROT_MAP', status: 'RMI_ERROR_RTT', index: 3, count: 1 },
              { cmd: 'RMI_RTT_UNPROT_UNMAP', status: 'RMI_SUCCESS', count: 1 },
            ],
          },
          { step: 5, value: DESCRIPTOR },
          { step: 6, outcome: 'completed', value: DESCRIPTOR },
        ],
        violations: [],
      },
      {
        label: 'With `rmmMasksWnR: false` instead',
        scenario: SEED_FIXED_NO_MASK,
        variant: 'fixed',
        claims: [
          {
            step: 2,
            outcome: 'completed',
            faults: [{ handler: 'user_mem_abort', esr: '0x92000045' }],
            faultCount: 1,
          },
          { step: 6, outcome: 'completed', value: DESCRIPTOR },
        ],
        violations: [],
      },
    ],
    answer: [
      'As given, the VMM reads 0. The store to vring A first takes a translation fault that the RMM reports as a read (WnR hidden for ISV=0, ESR `0x92000005`), so KVM maps the zero page read-only; the store then takes permission faults (`0x9200000F`) that still look like reads, so KVM never asks for a writable page and the guest makes no progress. The descriptor never reaches memory the VMM can see.',
      'Set `rmmRevealsWriteOnPermissionFault` to true — the unknown "corresponding TF-RMM change" Suzuki K Poulose mentioned, modelled as hypothesis (a), so **UNCERTAIN**. The permission fault then reads as a write (`0x9200004F`), KVM breaks copy-on-write, `RMI_RTT_UNPROT_MAP` fails with `RMI_ERROR_RTT` at level 3 on the existing read-only entry, KVM unmaps it and maps the new page read-write: the VMM reads `0x100b983f000`.',
      'An RMM that does not hide WnR at all (`rmmMasksWnR: false`, TF-RMM before commit 4de93bb0) gets there too: the first fault is already a write (`0x92000045`) and maps a writable page at once. Turning on `forceSharedWrite` instead does not help: it maps the zero page writable and the vrings alias (next exercise).',
    ],
    sources:
      'Suzuki K Poulose in the v14 29/44 thread (messages 152, 153); realm_map_non_secure() post-v14 (arch/arm64/kvm/rmi.c); TF-RMM commit 4de93bb0 (runtime/core/exit.c). Open question: what the TF-RMM change will be.',
  },
  {
    id: 'seed-bug',
    title: 'The seed bug: who wrote vring B?',
    question:
      "Run the seed's configuration: v14 with Gavin Shan's local change that forces write permission into every shared-space mapping (`forceSharedWrite`), MAP_PRIVATE anonymous memory. The guest writes a descriptor into vring A, then reads vring B — a different page it never wrote.",
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
      "Vring B returns vring A's descriptor, `0x100b983f000`, and the VMM reads 0. Both shared faults are reads to the host (ESR `0x92000007`, WnR hidden), so GUP resolves the untouched MAP_PRIVATE pages to the shared zero page; the forced W maps that one page read-write at both IPAs. The guest's writes land in the zero page and alias across the vrings, while the VMM's own mapping of GPA `0x46880000` still reads zeros — \"virtio: zero sized buffers are not allowed\". The model flags invariant 3: a writable shared mapping of the zero page.",
      'With a MAP_SHARED backend GUP returns the real shared page the VMM maps, so B reads its own zeros and the VMM reads the descriptor — the `share=yes` workaround Gavin confirmed.',
    ],
    sources:
      'Gavin Shan and Suzuki K Poulose in the v14 29/44 thread (messages 148, 151, 152, 154, 156); the seed message of 2026-06-25. See [QEMU reads zeros](/case-studies/qemu-reads-zeros/).',
  },
  {
    id: 'thp-alignment',
    title: 'A 2 MiB THP and an unaligned fault',
    question:
      'The VMM wrote into the 2 MiB transparent huge page behind GPA `0x46800000`–`0x469fffff`; the guest then reads `0x10046880000`, in the middle of it, through the shared alias (built-in `thp-unaligned`).',
    predict:
      'How does `KVM_RUN` end under v14? Under fixed, how many RTT levels does KVM create, and what does the read return?',
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
        label: 'fixed',
        scenario: 'thp-unaligned',
        variant: 'fixed',
        claims: [
          {
            step: 1,
            outcome: 'completed',
            value: '0x5a5a',
            rmi: [
              { cmd: 'RMI_RTT_CREATE', count: 1 },
              { cmd: 'RMI_RTT_UNPROT_MAP', status: 'RMI_SUCCESS', count: 1 },
            ],
            warnings: [],
          },
        ],
      },
    ],
    answer: [
      '`transparent_hugepage_adjust()` finds the 2 MiB page and aligns gfn and pfn down, but v14 passes the original `fault_ipa` to `realm_map_ipa()`, which aligns it only to a 4 KiB page. `realm_map_non_secure()` then WARNs because `0x10046880000` is not 2 MiB-aligned and returns `-EINVAL`: `KVM_RUN` fails with EINVAL before any RMI command.',
      "The fix aligns the IPA down to the mapping size (`0x10046800000`) and creates RTTs only as deep as the block needs: one `RMI_RTT_CREATE` for level 2, then a 2 MiB `RMI_RTT_UNPROT_MAP`. The read returns the VMM's `0x5a5a`.",
    ],
    sources:
      'kvm_s2_fault_map() and transparent_hugepage_adjust() in arch/arm64/kvm/mmu.c; realm_map_ipa() and realm_map_non_secure() in arch/arm64/kvm/rmi.c (v14 patch 29/44; post-v14); Gavin Shan in the 29/44 thread (message 124). See [THP and unaligned faults](/case-studies/thp-unaligned/).',
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
            faults: [{ handler: 'io_mem_abort' }],
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
        claims: [{ step: 0, outcome: 'guest_sea', exits: [], faults: [{ handler: 'io_mem_abort' }] }],
      },
    ],
    answer: [
      'Both go to `io_mem_abort()`: there is no memslot, so no HVA. With ISV=1 the RMM keeps ISV, SAS, SF and WnR and passes the stored value in `gprs[0]`; KVM emulates the access and the VMM sees `KVM_EXIT_MMIO` at `0x09000000` — KVM strips the shared bit before `io_mem_abort()`, so the VMM sees the GPA (INFERRED from the code) — with `is_write` set for the store. The load returns what the device holds.',
      'With ISV=0 there is nothing to emulate: `io_mem_abort()` asks for an SEA (`REC_ENTER_FLAG_INJECT_SEA`) and the guest takes it; the VMM sees no exit.',
    ],
    sources:
      'TF-RMM handle_data_abort() (runtime/core/exit.c); rec_exit_sync_dabt() and io_mem_abort() for RECs, v14 patches 22/44 and 24/44 (thread messages 23, 25). See [exits to the VMM](/fault-path/exits/).',
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
        label: 'fixed',
        scenario: 'memcache-exhaustion',
        variant: 'fixed',
        claims: [{ step: 0, outcome: 'kvm_run_error', errno: 'ENOMEM', rmiCalls: 0 }],
      },
    ],
    answer: [
      'None. `gmem_abort()` tops up the memcache before it looks the page up — to two pages for a 3-level stage 2 — and `topup_mmu_memcache()` fails with `-ENOMEM`. The error goes straight back: `KVM_RUN` fails with ENOMEM in both variants, and no RMI command is issued.',
    ],
    sources: 'gmem_abort() in arch/arm64/kvm/mmu.c (v14-era tree; v14 patch 29/44).',
  },
  {
    id: 'invalidation-retry',
    title: 'An invalidation in the fault window',
    question:
      "In `invalidation-race` the VMM sets the page shared while the guest's first fault on it is between sampling `mmu_seq` and taking `kvm_fault_lock()`.",
    predict: 'How many times does `gmem_abort()` run for this one store, and what does each run return?',
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
      'Three times. The first run sees `mmu_invalidate_retry()` report the invalidation, maps nothing and returns `-EAGAIN`, which becomes 0 and then 1: the guest is re-entered and faults again. The attribute is now shared, so the second run raises `KVM_EXIT_MEMORY_FAULT` with the private flag (−14, EFAULT); the VMM converts the page back and the third run maps it with a single successful `RMI_RTT_DATA_MAP`.',
    ],
    sources:
      'gmem_abort() and mmu_invalidate_retry() (arch/arm64/kvm/mmu.c, v14-era tree); kvm_arch_post_set_memory_attributes(), v14 patch 25/44 (thread message 26). See [invalidation](/fault-path/invalidation/).',
  },
  {
    id: 'ripas-out-of-range',
    title: 'A RIPAS change that crosses into the shared half',
    question:
      'In `ripas-change-not-protected` the guest asks with `RSI_IPA_STATE_SET` to make `[0xfffffff000, 0x10000001000)` shared — a range whose second page is already in the unprotected half.',
    predict: 'Does the VMM get a `KVM_EXIT_MEMORY_FAULT` for the first page? How does `KVM_RUN` end?',
    runs: [
      {
        label: 'v14',
        scenario: 'ripas-change-not-protected',
        variant: 'v14',
        claims: [{ step: 0, outcome: 'kvm_run_error', errno: 'EINVAL', exits: [], rmiCalls: 0 }],
      },
    ],
    answer: [
      "No exit. `rec_exit_ripas_change()` requires the whole range to lie in the protected half; otherwise it sets `REC_ENTER_FLAG_RIPAS_RESPONSE` to reject the request and returns `-EINVAL`, so `KVM_RUN` fails with EINVAL. (The model's RMM forwards the range; whether TF-RMM rejects it first is INFERRED.)",
    ],
    sources:
      'rec_exit_ripas_change(), v14 patch 22/44 (thread message 23); TF-RMM RMI_EXIT_RIPAS_CHANGE (lib/smc/include/smc-rmi.h).',
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
      'None: the host never hears of it. After the conversion the page\'s RIPAS is EMPTY, and for a protected IPA with RIPAS EMPTY the RMM injects an SEA into the realm itself instead of exiting to the host. The conversion itself (step 0) was the exit: `KVM_EXIT_MEMORY_FAULT` with flags 0, "make it shared".',
    ],
    sources:
      'TF-RMM handle_data_abort() and ipa_is_empty() (runtime/core/exit.c); rec_exit_ripas_change(), v14 patch 22/44 (thread message 23). See [the explicit conversion](/conversions/explicit/).',
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

/** What a claim says, as short phrases (inline Markdown subset). */
export function describeClaim(c: StepClaim): string[] {
  const out: string[] = [];
  if (c.outcome) out.push(`outcome \`${c.outcome}\``);
  if (c.errno) out.push(`\`KVM_RUN\` fails with ${c.errno}`);
  if (c.value !== undefined) out.push(`reads \`${c.value}\``);
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
        c.faults
          .map(
            (f) =>
              `\`${f.handler}\`` +
              (f.esr !== undefined ? ` ESR \`${f.esr}\`` : '') +
              (f.ret !== undefined ? ` → ${f.ret}` : ''),
          )
          .join(', ') +
        (c.faultCount !== undefined && c.faultCount > c.faults.length ? ', …' : ''),
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

/**
 * The inline Markdown subset of the exercise texts as HTML: `code`, **bold** and [text](/path/)
 * (site-relative links only). Everything else is escaped.
 */
export function inlineHtml(text: string): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part) => {
      if (part.startsWith('`') && part.endsWith('`') && part.length >= 2) {
        return `<code>${escapeHtml(part.slice(1, -1))}</code>`;
      }
      return escapeHtml(part)
        .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
        .replace(/\[([^\]]+)\]\((\/[\w\-/#.]*)\)/g, '<a href="$2">$1</a>');
    })
    .join('');
}
