/**
 * The data behind the Reference pages, computed from the model's own tables and decoders so the
 * pages cannot drift from what the simulator and `realmfault decode` do. Where the model has no
 * table (the RMI command × RTT entry state rules, the KVM UAPI pieces) a small typed table lives
 * here, with its source, and its constants are taken from the model where the model has them.
 * Pure: no Astro, no DOM.
 */
import {
  bitRange,
  DFSC_TABLE,
  ESR_EC_TABLE,
  ESR_SET_TABLE,
  KVM_PGTABLE_PROT_TABLE,
  MT_S2_FWB_TABLE,
  MT_TABLE,
  RMI_ADDR_TYPE_TABLE,
  RMI_MEMREQ_TABLE,
  RMI_OP_MEM_TABLE,
  RMI_RANGE_SIZE_TABLE,
  RMI_S2AP_TABLE,
  RMI_STATUS_TABLE,
  decodeEsr,
  decodeProt,
  decodePte,
  decodeRangeDesc,
  decodeRmiReturn,
  decodeUnprotFlags,
  ESR_EMULATED_ABORT_MASK,
  ESR_NONEMULATED_ABORT_MASK,
  ESR_NONEMULATED_ABORT_MASK_WITH_IL,
  KVM_EXIT_MEMORY_FAULT,
  KVM_EXIT_MMIO,
  KVM_MEMORY_ATTRIBUTE_PRIVATE,
  KVM_MEMORY_EXIT_FLAG_PRIVATE,
  RMI_FID,
  type Decoded,
  type RmiCommand,
} from '@realmfault/model';

export const hex = (v: bigint | number): string => `0x${v.toString(16)}`;

/** A table cell: text, an identifier shown as code, or a labelled text (e.g. UNCERTAIN: …). */
export type RefCell = string | { readonly code: string } | { readonly label: string; readonly text: string };

/** A table row; the first cell is the row heading. */
export interface RefRow {
  readonly cells: readonly RefCell[];
  /** Row key (a code, a command or status name), rendered as data-key. */
  readonly key?: string;
}

/* ---------------------------------------------------------- value tables */

export type ValueTableId =
  | 'esr-ec'
  | 'dfsc'
  | 'esr-set'
  | 'rmi-status'
  | 'memreq'
  | 'mt'
  | 'mt-s2-fwb'
  | 's2ap'
  | 'addr-type'
  | 'range-size'
  | 'op-mem'
  | 'prot';

const INDEX_TEXT = { rtt_level: 'RTT level', sro: 'MEMREQ [9:8], CAN_CANCEL [10]', unused: '—' } as const;
const sizeText = (n: bigint): string =>
  n >= 1n << 30n ? `${n >> 30n} GiB` : n >= 1n << 20n ? `${n >> 20n} MiB` : `${n >> 10n} KiB`;

export interface TableDef {
  readonly caption: string;
  readonly columns: readonly string[];
  readonly rows: readonly RefRow[];
}

/** The model's value tables as the Reference pages show them, by table id. */
export const VALUE_TABLES: Readonly<Record<ValueTableId, TableDef>> = {
  'esr-ec': {
    caption: 'ESR_ELx.EC values (bits [31:26]) with Linux’s ESR_ELx_EC_* names',
    columns: ['EC', 'Name', 'Exception class'],
    rows: ESR_EC_TABLE.map((e) => ({
      key: hex(e.ec),
      cells: [{ code: hex(e.ec) }, { code: `ESR_ELx_EC_${e.name}` }, e.description],
    })),
  },
  dfsc: {
    caption: 'DFSC values (ESR_ELx.ISS bits [5:0] of a data abort)',
    columns: ['DFSC', 'Kind', 'Level', 'Meaning'],
    rows: DFSC_TABLE.map((d) => ({
      key: hex(d.code),
      cells: [{ code: hex(d.code) }, d.kind, d.level === null ? '—' : String(d.level), d.description],
    })),
  },
  'esr-set': {
    caption: 'ESR_ELx.SET values (bits [12:11]) of a synchronous external abort',
    columns: ['SET', 'Name', 'Meaning'],
    rows: ESR_SET_TABLE.map((s) => ({
      key: String(s.value),
      cells: [{ code: String(s.value) }, { code: s.name }, s.description],
    })),
  },
  'rmi-status': {
    caption:
      'RMI status codes: RMI_RETURN_STATUS(ret) = ret & 0xff, RMI_RETURN_INDEX(ret) = (ret >> 8) & 0xff',
    columns: ['Status', 'Name', 'Meaning', 'Index holds'],
    rows: RMI_STATUS_TABLE.map((s) => ({
      key: s.name,
      cells: [{ code: String(s.status) }, { code: s.name }, s.description, INDEX_TEXT[s.index]],
    })),
  },
  memreq: {
    caption: 'MEMREQ (bits [9:8]) of an RMI_INCOMPLETE return',
    columns: ['MEMREQ', 'Meaning'],
    rows: RMI_MEMREQ_TABLE.map((m) => ({
      key: String(m.value),
      cells: [{ code: String(m.value) }, m.description],
    })),
  },
  mt: {
    caption: 'Linux stage-1 memory types (MT_*, a stage-1 descriptor’s AttrIndx)',
    columns: ['AttrIndx', 'Name', 'Memory type'],
    rows: MT_TABLE.map((m) => ({
      key: m.name,
      cells: [{ code: String(m.value) }, { code: m.name }, m.description],
    })),
  },
  'mt-s2-fwb': {
    caption: 'Stage-2 memory attributes with FEAT_S2FWB (MT_S2_FWB_*), used in RmiRttUnprotMapFlags.MEMATTR',
    columns: ['MEMATTR', 'Name', 'Memory type'],
    rows: MT_S2_FWB_TABLE.map((m) => ({
      key: m.name,
      cells: [{ code: String(m.value) }, { code: m.name }, m.description],
    })),
  },
  s2ap: {
    caption: 'RMI_S2AP_* bits of RmiRttUnprotMapFlags.S2AP',
    columns: ['Bit', 'Name', 'Meaning'],
    rows: RMI_S2AP_TABLE.map((b) => ({
      key: b.name,
      cells: [{ code: String(b.bit) }, { code: b.name }, b.description],
    })),
  },
  'addr-type': {
    caption: 'RMI_ADDR_TYPE_* (RmiRttUnprotMapFlags.OADDR_TYPE and the range commands’ flags)',
    columns: ['Value', 'Name', 'Meaning'],
    rows: RMI_ADDR_TYPE_TABLE.map((t) => ({
      key: t.name,
      cells: [{ code: String(t.value) }, { code: t.name }, t.description],
    })),
  },
  'range-size': {
    caption: 'RmiAddrRangeDesc.SIZE with 4 KiB granules',
    columns: ['SIZE', 'RTT level', 'Block size'],
    rows: RMI_RANGE_SIZE_TABLE.map((r) => ({
      key: String(r.value),
      cells: [{ code: String(r.value) }, String(r.level), `${sizeText(r.bytes)} (${hex(r.bytes)})`],
    })),
  },
  'op-mem': {
    caption: 'RmiAddrRangeDesc.ST (bit 63)',
    columns: ['ST', 'Name'],
    rows: RMI_OP_MEM_TABLE.map((o) => ({
      key: o.name,
      cells: [{ code: String(o.value) }, { code: o.name }],
    })),
  },
  prot: {
    caption: 'enum kvm_pgtable_prot bits (v7.x layout; UNCERTAIN source quality)',
    columns: ['Bit', 'Name', 'Meaning'],
    rows: KVM_PGTABLE_PROT_TABLE.map((b) => ({
      key: b.name,
      cells: [{ code: `BIT(${b.bit})` }, { code: b.name }, b.description],
    })),
  },
};

/* ---------------------------------------------------------------- layouts */

export interface LayoutRow {
  readonly name: string;
  readonly bits: string;
  readonly msb: number;
  readonly lsb: number;
  /** The field's value in the example. */
  readonly raw: string;
  /** What the model's decoder says the example's value means. */
  readonly meaning: string;
}

export interface Layout {
  readonly id: string;
  readonly title: string;
  /** The example value decoded, and where it comes from. */
  readonly example: string;
  readonly exampleSource: string;
  readonly rows: readonly LayoutRow[];
  readonly notes: readonly string[];
}

function layout(id: string, d: Decoded, exampleSource: string): Layout {
  return {
    id,
    title: d.title,
    example: hex(d.value),
    exampleSource,
    rows: d.fields.map((f) => ({
      name: f.name,
      bits: bitRange(f),
      msb: f.msb,
      lsb: f.lsb,
      raw: hex(f.raw),
      meaning: f.meaning,
    })),
    notes: d.notes,
  };
}

/** The value layouts the reference shows, each decoded from a value of the seed message or the brief. */
export function layouts(): Readonly<
  Record<'esr' | 'rangeDesc' | 'unprotFlags' | 'prot' | 'pte' | 'rmiRet', Layout>
> {
  return {
    esr: layout('esr', decodeEsr('0x92000007'), 'the seed’s fault on 0x10046880000'),
    rangeDesc: layout(
      'range-desc',
      decodeRangeDesc('0xb8b59004'),
      'range_desc in the seed’s realm_map_non_secure log',
    ),
    unprotFlags: layout(
      'unprot-flags',
      decodeUnprotFlags('0x1e0001'),
      'flags in the seed’s realm_map_non_secure log',
    ),
    prot: layout('prot', decodeProt('0xf'), 'prot in the seed’s log (with the forced W)'),
    pte: layout('pte', decodePte('0x00e8010046880707'), 'the guest’s stage-1 PTE in the seed'),
    rmiRet: layout('rmi-ret', decodeRmiReturn('0x204'), 'RMI_ERROR_RTT at level 2, the brief’s example'),
  };
}

/* ------------------------------------------------------- ESR sanitising */

/** TF-RMM's reporting paths for a realm data abort (handle_data_abort(), runtime/core/exit.c). */
export const ESR_VIEWS = [
  {
    id: 'protected',
    label: 'Protected IPA',
    mask: ESR_NONEMULATED_ABORT_MASK,
    maskName: 'ESR_NONEMULATED_ABORT_MASK',
  },
  {
    id: 'unprotected_no_isv',
    label: 'Unprotected IPA, ISV = 0',
    mask: ESR_NONEMULATED_ABORT_MASK_WITH_IL,
    maskName: 'ESR_NONEMULATED_ABORT_MASK | IL (since TF-RMM 4de93bb0)',
  },
  {
    id: 'unprotected_isv',
    label: 'Unprotected IPA, ISV = 1',
    mask: ESR_EMULATED_ABORT_MASK,
    maskName: 'ESR_EMULATED_ABORT_MASK',
  },
] as const;

export type Kept = 'kept' | 'hidden' | 'partly kept';

/** Whether a mask keeps all, none or some of the bits [msb:lsb]. */
export function keptBy(mask: bigint, msb: number, lsb: number): Kept {
  const width = BigInt(msb - lsb + 1);
  const all = (1n << width) - 1n;
  const kept = (mask >> BigInt(lsb)) & all;
  return kept === all ? 'kept' : kept === 0n ? 'hidden' : 'partly kept';
}

/** Each ESR_EL2 field of a data abort with what each TF-RMM reporting path keeps of it. */
export function esrFieldVisibility(): { row: LayoutRow; kept: readonly Kept[] }[] {
  return layouts().esr.rows.map((row) => ({
    row,
    kept: ESR_VIEWS.map((v) => keptBy(v.mask, row.msb, row.lsb)),
  }));
}

/* ------------------------------------------------ RMI commands × states */

/** RTT entry states in TF-RMM's vocabulary, as the model names them (rtteName). */
export const RTTE_STATES = [
  'unassigned_empty',
  'unassigned_ram',
  'unassigned_destroyed',
  'assigned_empty',
  'assigned_ram',
  'assigned_destroyed',
  'table',
  'unassigned_ns',
  'assigned_ns',
] as const;
export type RtteState = (typeof RTTE_STATES)[number];

/** What a command does to an entry in a given state. */
export type Cell =
  | { readonly kind: 'to'; readonly state: RtteState; readonly note?: string }
  | { readonly kind: 'error'; readonly ret: string; readonly note?: string }
  /** The command only takes the other half of the IPA space: RMI_ERROR_INPUT. */
  | { readonly kind: 'other-half' }
  /** An effect that is not a single new state. */
  | { readonly kind: 'effect'; readonly text: string }
  /** The brief's rule table states nothing for this pair. */
  | { readonly kind: 'not-stated' };

export interface CommandRule {
  readonly cmd: RmiCommand;
  /** What the command's address selects: the entry itself, or the parent of the new table. */
  readonly entry: string;
  /** The RMM 1.0 command it replaces, with its FID, when the brief names one. */
  readonly rmm10?: string;
  readonly cells: Readonly<Record<RtteState, Cell>>;
  /** Other conditions and failures, from the brief's rule table. */
  readonly also: string;
}

const OTHER: Cell = { kind: 'other-half' };
const NS_OTHER = { unassigned_ns: OTHER, assigned_ns: OTHER } as const;
const PROT_OTHER = {
  unassigned_empty: OTHER,
  unassigned_ram: OTHER,
  unassigned_destroyed: OTHER,
  assigned_empty: OTHER,
  assigned_ram: OTHER,
  assigned_destroyed: OTHER,
} as const;
const NOT: Cell = { kind: 'not-stated' };
const RTT_AT_LEVEL: Cell = { kind: 'error', ret: 'RMI_ERROR_RTT(level)' };

/**
 * Which RMI command succeeds on which RTT entry, and what it leaves. Source: the rule table of the
 * brief §6.3, from TF-RMM main @9a7f8ef46378 runtime/rmi/rtt.c, rtt_map.c, rtt_unmap.c and tag
 * rmm-spec-v1.0-rel0 (smc_rtt_create), for RMM DEN0137 2.0-bet1 as v14 uses it; simplified as the
 * brief simplifies it. Every command the model implements that acts on RTT entries has a row
 * (tests/unit/content-gen-reference.test.ts).
 */
export const RMI_RTT_RULES: readonly CommandRule[] = [
  {
    cmd: 'RMI_RTT_CREATE',
    entry: 'the parent entry at level − 1',
    cells: {
      unassigned_empty: { kind: 'to', state: 'table', note: '512 children in the same state' },
      unassigned_ram: { kind: 'to', state: 'table', note: '512 children in the same state' },
      unassigned_destroyed: { kind: 'to', state: 'table', note: '512 children in the same state' },
      assigned_empty: { kind: 'to', state: 'table', note: 'a block: 512 children mapping consecutive PAs' },
      assigned_ram: { kind: 'to', state: 'table', note: 'a block: 512 children mapping consecutive PAs' },
      assigned_destroyed: {
        kind: 'to',
        state: 'table',
        note: 'a block: 512 children mapping consecutive PAs',
      },
      table: { kind: 'error', ret: 'RMI_ERROR_RTT(level − 1)' },
      unassigned_ns: { kind: 'to', state: 'table', note: '512 children in the same state' },
      assigned_ns: { kind: 'to', state: 'table', note: 'a block: 512 children mapping consecutive PAs' },
    },
    also: 'addr aligned to the parent’s block size; level from start level + 1 to 3; a walk that ends above level − 1 gives RMI_ERROR_RTT(walk level).',
  },
  {
    cmd: 'RMI_RTT_DATA_MAP',
    entry: 'the entry at the descriptor’s level (protected half)',
    rmm10: 'RMI_DATA_CREATE_UNKNOWN (0xC4000154), 4 KiB only',
    cells: {
      unassigned_empty: { kind: 'to', state: 'assigned_empty', note: 'inaccessible to the realm' },
      unassigned_ram: { kind: 'to', state: 'assigned_ram', note: 'contents zeroed' },
      unassigned_destroyed: { kind: 'to', state: 'assigned_destroyed', note: 'inaccessible to the realm' },
      assigned_empty: RTT_AT_LEVEL,
      assigned_ram: RTT_AT_LEVEL,
      assigned_destroyed: RTT_AT_LEVEL,
      table: NOT,
      ...NS_OTHER,
    },
    also: 'descriptor ST = DELEGATED and the granules delegated, else RMI_ERROR_INPUT; realm NEW or ACTIVE, else RMI_ERROR_REALM; a walk too shallow gives RMI_ERROR_RTT(walk level).',
  },
  {
    cmd: 'RMI_RTT_UNPROT_MAP',
    entry: 'the entry at the level of the descriptor’s SIZE (unprotected half)',
    rmm10: 'RMI_RTT_MAP_UNPROTECTED (0xC400015F), the host passes the descriptor',
    cells: {
      ...PROT_OTHER,
      table: RTT_AT_LEVEL,
      unassigned_ns: { kind: 'to', state: 'assigned_ns', note: 'MEMATTR and S2AP from the flags' },
      assigned_ns: {
        kind: 'error',
        ret: 'RMI_ERROR_RTT(level)',
        note: 'when the mapping differs (e.g. a permission upgrade); an identical mapping succeeds as a no-op',
      },
    },
    also: 'ST = UNDELEGATED (the check is relaxed in TF-RMM since 7626d97b, 2026-07-08); a walk shallower than the descriptor gives RMI_ERROR_RTT(walk level).',
  },
  {
    cmd: 'RMI_RTT_UNPROT_UNMAP',
    entry: 'the entry at the address (unprotected half)',
    rmm10: 'RMI_RTT_UNMAP_UNPROTECTED (0xC4000162)',
    cells: {
      ...PROT_OTHER,
      table: NOT,
      unassigned_ns: { kind: 'error', ret: 'RMI_ERROR_RTT(level)', note: 'with progress: nothing mapped' },
      assigned_ns: { kind: 'to', state: 'unassigned_ns', note: 'and TLBI; ret1 = next non-live IPA' },
    },
    also: 'realm_unmap_shared_range() skips ahead on RMI_ERROR_RTT at or below the level it needs.',
  },
  {
    cmd: 'RMI_RTT_DATA_UNMAP',
    entry: 'the entry at the address (protected half)',
    rmm10: 'RMI_DATA_DESTROY (0xC4000155)',
    cells: {
      unassigned_empty: { kind: 'error', ret: 'RMI_ERROR_RTT(level)', note: 'with progress' },
      unassigned_ram: { kind: 'error', ret: 'RMI_ERROR_RTT(level)', note: 'with progress' },
      unassigned_destroyed: { kind: 'error', ret: 'RMI_ERROR_RTT(level)', note: 'with progress' },
      assigned_empty: { kind: 'to', state: 'unassigned_empty' },
      assigned_ram: { kind: 'to', state: 'unassigned_destroyed' },
      assigned_destroyed: { kind: 'to', state: 'unassigned_destroyed' },
      table: NOT,
      ...NS_OTHER,
    },
    also: 'returns the unmapped PA range; the host then undelegates it.',
  },
  {
    cmd: 'RMI_RTT_INIT_RIPAS',
    entry: 'whole entries in the range (protected half)',
    cells: {
      unassigned_empty: { kind: 'to', state: 'unassigned_ram' },
      unassigned_ram: NOT,
      unassigned_destroyed: NOT,
      assigned_empty: NOT,
      assigned_ram: NOT,
      assigned_destroyed: NOT,
      table: NOT,
      ...NS_OTHER,
    },
    also: 'realm NEW only, else RMI_ERROR_REALM; a range below the entry’s granularity gives RMI_ERROR_RTT(level).',
  },
  {
    cmd: 'RMI_RTT_SET_RIPAS',
    entry: 'whole entries from the REC’s pending RIPAS-change address (protected half)',
    cells: {
      unassigned_empty: { kind: 'to', state: 'unassigned_ram', note: 'when the request is RAM' },
      unassigned_ram: { kind: 'to', state: 'unassigned_empty', note: 'when the request is EMPTY' },
      unassigned_destroyed: { kind: 'effect', text: 'to the requested RIPAS only with RSI_CHANGE_DESTROYED' },
      assigned_empty: { kind: 'to', state: 'assigned_ram', note: 'when the request is RAM' },
      assigned_ram: { kind: 'to', state: 'assigned_empty', note: 'when the request is EMPTY' },
      assigned_destroyed: { kind: 'effect', text: 'to the requested RIPAS only with RSI_CHANGE_DESTROYED' },
      table: NOT,
      ...NS_OTHER,
    },
    also: 'base must be the REC’s next address and top at most the pending top, else RMI_ERROR_INPUT; RMI_ERROR_REC, RMI_ERROR_RTT(level); TLBI.',
  },
  {
    cmd: 'RMI_RTT_FOLD',
    entry: 'a child table whose entries are all alike',
    cells: {
      unassigned_empty: NOT,
      unassigned_ram: NOT,
      unassigned_destroyed: NOT,
      assigned_empty: NOT,
      assigned_ram: NOT,
      assigned_destroyed: NOT,
      table: {
        kind: 'effect',
        text: 'the parent entry takes the children’s common state (a block when they map consecutive PAs); the RTT’s PA is returned',
      },
      unassigned_ns: NOT,
      assigned_ns: NOT,
    },
    also: 'a child table that is not homogeneous gives RMI_ERROR_RTT.',
  },
];

/** The cell's text as the table shows it. */
export function cellText(c: Cell): string {
  switch (c.kind) {
    case 'to':
      return `→ ${c.state}${c.note === undefined ? '' : ` (${c.note})`}`;
    case 'effect':
      return c.text;
    case 'error':
      return `${c.ret}${c.note === undefined ? '' : ` (${c.note})`}`;
    case 'other-half':
      return 'RMI_ERROR_INPUT: other half of the IPA space';
    case 'not-stated':
      return '—';
    default:
      return c satisfies never;
  }
}

/** Every RMI command the model implements, with its SMC function ID (packages/model/src/rmm/constants.ts). */
export function rmiCommands(): { cmd: RmiCommand; fid: string }[] {
  return (Object.keys(RMI_FID) as RmiCommand[]).map((cmd) => ({
    cmd,
    fid: `0x${RMI_FID[cmd].toString(16).toUpperCase()}`,
  }));
}

/* ------------------------------------------------------------ KVM UAPI */

export interface UapiRow {
  readonly name: string;
  readonly what: 'exit reason' | 'flag' | 'attribute' | 'ioctl' | 'capability' | 'VM type';
  readonly value: string;
  readonly fields?: string;
  readonly meaning: string;
  readonly source: string;
  readonly label?: 'UNCERTAIN';
}

const KVM_H = 'include/uapi/linux/kvm.h';
const API_RST = 'Documentation/virt/kvm/api.rst';
const bitOf = (v: bigint): string => `1ULL << ${v.toString(2).length - 1} (${hex(v)})`;

/**
 * The KVM UAPI pieces on the realm fault path. Values the model uses come from the model's
 * constants; the rest are from the brief §4.3 and §1.1 (v14 patches 13 and 16, thread messages 14
 * and 17, for the CCA additions).
 */
export const KVM_UAPI: readonly UapiRow[] = [
  {
    name: 'KVM_EXIT_MEMORY_FAULT',
    what: 'exit reason',
    value: String(KVM_EXIT_MEMORY_FAULT),
    fields: 'run->memory_fault: __u64 flags, __u64 gpa, __u64 size',
    meaning:
      'KVM cannot resolve the fault without the VMM, e.g. the guest’s private/shared view and the memory attribute disagree. It accompanies a KVM_RUN return of −1 with errno EFAULT, not 0.',
    source: `${KVM_H}; ${API_RST}; kvm_prepare_memory_fault_exit() in include/linux/kvm_host.h`,
  },
  {
    name: 'KVM_MEMORY_EXIT_FLAG_PRIVATE',
    what: 'flag',
    value: bitOf(KVM_MEMORY_EXIT_FLAG_PRIVATE),
    meaning:
      'in memory_fault.flags: the access was to private memory. Bit 3 to match KVM_MEMORY_ATTRIBUTE_PRIVATE (commit 8dd2eee9d526).',
    source: `${KVM_H}; ${API_RST}`,
  },
  {
    name: 'KVM_MEMORY_EXIT_FLAG_READ / WRITE / EXEC',
    what: 'flag',
    value: 'bits 0–2 (proposed)',
    meaning:
      'proposed on the lists; mainline kvm_prepare_memory_fault_exit() ignores is_write and is_exec. Not modelled.',
    source: 'patches on the KVM list',
    label: 'UNCERTAIN',
  },
  {
    name: 'KVM_EXIT_MMIO',
    what: 'exit reason',
    value: String(KVM_EXIT_MMIO),
    fields: 'run->mmio: phys_addr, is_write (and the data)',
    meaning:
      'an access with no memslot behind it, for the VMM to emulate. For a realm, phys_addr has the shared bit stripped (INFERRED from kvm_handle_guest_abort()); KVM_RUN returns 0.',
    source: `${KVM_H}; ${API_RST}`,
  },
  {
    name: 'KVM_SET_MEMORY_ATTRIBUTES',
    what: 'ioctl',
    value: 'struct kvm_memory_attributes',
    fields: 'address, size, attributes, flags',
    meaning:
      'set the attributes of a GPA range; address and size page-aligned. There is no “get”. KVM unmaps the range on a change (kvm_arch_post_set_memory_attributes()).',
    source: `${API_RST}; v14 patch 25 (thread message 26)`,
  },
  {
    name: 'KVM_MEMORY_ATTRIBUTE_PRIVATE',
    what: 'attribute',
    value: bitOf(KVM_MEMORY_ATTRIBUTE_PRIVATE),
    meaning:
      'the GFN is private: the guest’s protected alias, backed by guest_memfd. Every GFN starts shared (0).',
    source: `${KVM_H}; ${API_RST}`,
  },
  {
    name: 'KVM_CAP_MEMORY_ATTRIBUTES',
    what: 'capability',
    value: 'arm64: realms',
    meaning: 'v14 adds arm64, with kvm_arch_has_private_mem(kvm) = kvm->arch.is_realm.',
    source: 'v14 patch 25 (thread message 26)',
  },
  {
    name: 'KVM_CAP_ARM_RMI',
    what: 'capability',
    value: '249',
    meaning: 'the v14 CCA capability.',
    source: 'v14 series (thread message 14)',
  },
  {
    name: 'KVM_ARM_RMI_POPULATE',
    what: 'ioctl',
    value: '_IOWR(KVMIO, 0xd7, struct kvm_arm_rmi_populate)',
    fields: 'base, size, source_uaddr, flags, reserved; KVM_ARM_RMI_POPULATE_FLAGS_MEASURE = 1 << 0',
    meaning: 'populate (and optionally measure) realm memory; realm creation and activation are implicit.',
    source: 'v14 series (thread message 14)',
  },
  {
    name: 'KVM_VM_TYPE_ARM_REALM',
    what: 'VM type',
    value: '1UL << 30',
    meaning:
      'a realm VM; mutually exclusive with KVM_VM_TYPE_ARM_PROTECTED (1UL << 31). The IPA size is in type bits [7:0].',
    source: 'v14 series (thread message 17)',
  },
];
