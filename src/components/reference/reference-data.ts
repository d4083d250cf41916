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
import { RMM_VIEW_EXIT } from '../../widgets/decoder/view';

export const hex = (v: bigint | number): string => `0x${v.toString(16)}`;

/**
 * A table cell: text, an identifier shown as code, a labelled text (e.g. UNCERTAIN: …), or HTML
 * a component built itself (every text in it escaped, e.g. by citeHtml). Text may carry source
 * citations: RefTable renders text through citeHtml, so they become links.
 */
export type RefCell =
  | string
  | { readonly code: string }
  | { readonly label: string; readonly text: string }
  | { readonly html: string };

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
    columns: ['Status', 'Name', 'Meaning', 'Index holds', 'Source'],
    rows: RMI_STATUS_TABLE.map((s) => ({
      key: s.name,
      cells: [{ code: String(s.status) }, { code: s.name }, s.description, INDEX_TEXT[s.index], s.source],
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
    columns: ['SIZE', 'RTT level', 'Block size', 'RMI_RTT_DATA_MAP, RMI_RTT_UNPROT_MAP'],
    rows: RMI_RANGE_SIZE_TABLE.map((r) => ({
      key: String(r.value),
      cells: [
        { code: String(r.value) },
        String(r.level),
        `${sizeText(r.bytes)} (${hex(r.bytes)})`,
        r.mapAccepts
          ? 'accepted'
          : 'RMI_ERROR_INPUT: no map command above level 1 [@tf-rmm-rtt_map.c:31-39; @tf-rmm-s2tt.h:69]',
      ],
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

/** The value layouts the reference shows, each decoded from a value of the seed message or a TF-RMM return. */
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
    rmiRet: layout(
      'rmi-ret',
      decodeRmiReturn('0x204'),
      'RMI_ERROR_RTT at level 2: RMI_RTT_UNPROT_MAP of a 2 MiB block where the L2 entry is a table [@tf-rmm-rtt_map.c:1145-1154]',
    ),
  };
}

/* ------------------------------------------------------- ESR sanitising */

/**
 * TF-RMM's reporting paths for a realm data abort (handle_data_abort() [@tf-rmm-exit.c:139-290]),
 * plus the unprotected ISV = 0 path as TF-RMM took it before commit 4de93bb0
 * [@tf-rmm-before-4de93bb0-exit.c:210-278]. `far`, `hpfar` and `gprs0` say what the host gets in
 * those rec_exit fields, in the decoder widget's words (RMM_VIEW_EXIT, one table for both). The first three rows are TF-RMM main's paths for an
 * aborting access; the ids are RmmEsrView values where decodeEsr() can tell the path from the
 * value (an external abort's syndrome fits 'protected').
 */
export const ESR_VIEWS = [
  {
    id: 'protected',
    label: 'Protected IPA',
    mask: ESR_NONEMULATED_ABORT_MASK,
    maskName: 'ESR_NONEMULATED_ABORT_MASK',
    ...RMM_VIEW_EXIT.protected,
    source: '[@tf-rmm-exit.c:258-263; @tf-rmm-exit.c:282-289]',
  },
  {
    id: 'unprotected_no_isv',
    label: 'Unprotected IPA, ISV = 0',
    mask: ESR_NONEMULATED_ABORT_MASK_WITH_IL,
    maskName: 'ESR_NONEMULATED_ABORT_MASK | IL (since TF-RMM 4de93bb0)',
    ...RMM_VIEW_EXIT.unprotected_no_isv,
    source: '[@tf-rmm-exit.c:265-273; @tf-rmm-4de93bb0]',
  },
  {
    id: 'unprotected_isv',
    label: 'Unprotected IPA, ISV = 1',
    mask: ESR_EMULATED_ABORT_MASK,
    maskName: 'ESR_EMULATED_ABORT_MASK',
    ...RMM_VIEW_EXIT.unprotected_isv,
    source: '[@tf-rmm-exit.c:275-289; @tf-rmm-exit.c:56-66; @tf-rmm-utils_def.h:151-152]',
  },
  {
    id: 'unprotected_no_isv_pre_4de93bb0',
    label: 'Unprotected IPA, ISV = 0, TF-RMM before 4de93bb0',
    mask: ESR_EMULATED_ABORT_MASK,
    maskName: 'ESR_EMULATED_ABORT_MASK: IL dropped, WnR kept; ISV, SAS, SF are 0 in the syndrome',
    ...RMM_VIEW_EXIT.unprotected_no_isv_pre_4de93bb0,
    source: '[@tf-rmm-before-4de93bb0-exit.c:256-277]',
  },
  {
    id: 'external_abort',
    label: 'External abort, SET UER or UEO (UC: the RMM panics)',
    mask: ESR_NONEMULATED_ABORT_MASK,
    maskName: 'ESR_NONEMULATED_ABORT_MASK',
    ...RMM_VIEW_EXIT.external_abort,
    source: '[@tf-rmm-exit.c:139-189; @tf-rmm-exit.c:221-226; @tf-rmm-run.c:385-390]',
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
  /** The pair cannot arise for the command (shown as —). */
  | { readonly kind: 'not-stated' };

export interface CommandRule {
  readonly cmd: RmiCommand;
  /** What the command's address selects: the entry itself, or the parent of the new table. */
  readonly entry: string;
  /** The RMM 1.0 command it replaces, with its FID. */
  readonly rmm10?: string;
  readonly cells: Readonly<Record<RtteState, Cell>>;
  /** Other conditions and failures, with their TF-RMM sources. */
  readonly also: string;
  /** The TF-RMM handler the row follows, at 9a7f8ef4, as a citation. */
  readonly source: string;
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
const RTT_AT_LEVEL: Cell = { kind: 'error', ret: 'RMI_ERROR_RTT(level)' };
const SAME_PA: Readonly<Record<'assigned_empty' | 'assigned_ram' | 'assigned_destroyed', Cell>> = {
  assigned_empty: {
    kind: 'to',
    state: 'assigned_empty',
    note: 'the same PA: RMI_SUCCESS, nothing changes; another PA: RMI_ERROR_RTT(level)',
  },
  assigned_ram: {
    kind: 'to',
    state: 'assigned_ram',
    note: 'the same PA: RMI_SUCCESS, nothing changes; another PA: RMI_ERROR_RTT(level)',
  },
  assigned_destroyed: {
    kind: 'to',
    state: 'assigned_destroyed',
    note: 'the same PA: RMI_SUCCESS, nothing changes; another PA: RMI_ERROR_RTT(level)',
  },
};
const SKIPPED =
  'skipped: RMI_SUCCESS with X1 past it (RMI_ERROR_RTT(level) only as the first entry, if larger than the range)';
const SWEPT_THROUGH = 'the walk from base descends into it and sweeps the entries below';
const INIT_STOP: Cell = {
  kind: 'effect',
  text: 'stops the walk: RMI_ERROR_RTT(level) if it is the first entry',
};

/**
 * Which RMI command does what to an RTT entry in each state, as TF-RMM main at 9a7f8ef4 implements
 * it (each row's `source`; rtt.c, rtt_map.c, rtt_unmap.c). The range commands act on the entries of
 * one leaf RTT per call and report partial progress as RMI_SUCCESS with X1 = the address reached.
 * Every RTT command in RMI_FID has a row (tests/unit/content-gen-reference.test.ts), and the cells
 * of the commands on the fault path are checked against the simulator's RMM there.
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
      assigned_ram: {
        kind: 'to',
        state: 'table',
        note: 'a block: 512 children mapping consecutive PAs (break-before-make, TLBI)',
      },
      assigned_destroyed: {
        kind: 'to',
        state: 'table',
        note: 'a block: 512 children mapping consecutive PAs',
      },
      table: { kind: 'error', ret: 'RMI_ERROR_RTT(level − 1)' },
      unassigned_ns: { kind: 'to', state: 'table', note: '512 children in the same state' },
      assigned_ns: {
        kind: 'to',
        state: 'table',
        note: 'a block: 512 children mapping consecutive PAs with its attributes (break-before-make, TLBI)',
      },
    },
    also: 'The new RTT granule must be DELEGATED (and below 2^48 without LPA2), else RMI_ERROR_INPUT; level from the start level + 1 to 3, the address inside the IPA space and aligned to the parent level, else RMI_ERROR_INPUT; a walk that ends above level − 1 gives RMI_ERROR_RTT(walk level). No realm-state check; either half of the IPA space [@tf-rmm-rtt.c:221-269; @tf-rmm-rtt.c:474-476; @tf-rmm-rtt.c:36-59].',
    source: '[@tf-rmm-rtt.c:204-512]',
  },
  {
    cmd: 'RMI_RTT_DATA_MAP',
    entry: 'the entries at the descriptor’s level, from base, in one leaf RTT (protected half)',
    rmm10: 'RMI_DATA_CREATE_UNKNOWN (0xC4000154), 4 KiB only',
    cells: {
      unassigned_empty: {
        kind: 'to',
        state: 'assigned_empty',
        note: 'RIPAS unchanged: inaccessible to the realm; contents zeroed',
      },
      unassigned_ram: { kind: 'to', state: 'assigned_ram', note: 'contents zeroed' },
      unassigned_destroyed: {
        kind: 'to',
        state: 'assigned_destroyed',
        note: 'RIPAS unchanged: inaccessible to the realm; contents zeroed',
      },
      ...SAME_PA,
      table: { kind: 'error', ret: 'RMI_ERROR_RTT(level)', note: 'a table at the descriptor’s level' },
      ...NS_OTHER,
    },
    also: 'Realm NEW or ACTIVE, else RMI_ERROR_REALM; OADDR_TYPE SINGLE or LIST and the descriptor’s ST = DELEGATED, else RMI_ERROR_INPUT; SIZE 3 (level 0), a base not aligned to the descriptor’s block or a range not wholly in PAR give RMI_ERROR_INPUT; a range shorter than one block gives RMI_ERROR_RTT(level); a walk that ends above the level gives RMI_ERROR_RTT(walk level); each block must fit below top (else RMI_ERROR_RTT(level)) and every granule of it be DELEGATED (else RMI_ERROR_INPUT), and it is zeroed and becomes DATA; an entry still draining for another operation gives RMI_BUSY; an error after some progress is RMI_SUCCESS with X1 = the IPA reached [@tf-rmm-rtt_map.c:108-206; @tf-rmm-rtt_map.c:230-284; @tf-rmm-rtt_map.c:362-411; @tf-rmm-rtt_map.c:449-493; @tf-rmm-rtt_map.c:51-65].',
    source: '[@tf-rmm-rtt_map.c:576-732]',
  },
  {
    cmd: 'RMI_RTT_DATA_MAP_INIT',
    entry: 'the level-3 entry at the address (protected half), before the realm runs',
    rmm10: 'RMI_DATA_CREATE (0xC4000153, the same FID)',
    cells: {
      unassigned_empty: {
        kind: 'to',
        state: 'assigned_ram',
        note: 'whatever the RIPAS; contents copied from the NS source page and measured if the flags say so',
      },
      unassigned_ram: {
        kind: 'to',
        state: 'assigned_ram',
        note: 'contents copied from the NS source page and measured if the flags say so',
      },
      unassigned_destroyed: {
        kind: 'to',
        state: 'assigned_ram',
        note: 'whatever the RIPAS; contents copied from the NS source page and measured if the flags say so',
      },
      assigned_empty: {
        kind: 'error',
        ret: 'RMI_ERROR_RTT(3)',
        note: 'a block above level 3 stops the walk: RMI_ERROR_RTT(walk level)',
      },
      assigned_ram: {
        kind: 'error',
        ret: 'RMI_ERROR_RTT(3)',
        note: 'a block above level 3 stops the walk: RMI_ERROR_RTT(walk level)',
      },
      assigned_destroyed: {
        kind: 'error',
        ret: 'RMI_ERROR_RTT(3)',
        note: 'a block above level 3 stops the walk: RMI_ERROR_RTT(walk level)',
      },
      table: { kind: 'effect', text: 'the walk descends through it to level 3' },
      ...NS_OTHER,
    },
    also: 'Realm NEW only, else RMI_ERROR_REALM; flags RMI_NO_MEASURE_CONTENT (0) or RMI_MEASURE_CONTENT (1), the source an NS granule, the data granule DELEGATED and neither the RD nor the leaf RTT, the address 4 KiB-aligned in PAR, else RMI_ERROR_INPUT; an unassigned block above level 3 stops the walk: RMI_ERROR_RTT(walk level); one 4 KiB page per call [@tf-rmm-rtt_map.c:758-867; @tf-rmm-rtt_map.c:877-893].',
    source: '[@tf-rmm-rtt_map.c:740-900]',
  },
  {
    cmd: 'RMI_RTT_UNPROT_MAP',
    entry: 'the entries at the level of the descriptor’s SIZE, from base, in one leaf RTT (unprotected half)',
    rmm10: 'RMI_RTT_MAP_UNPROTECTED (0xC400015F), the host passes the descriptor',
    cells: {
      ...PROT_OTHER,
      table: RTT_AT_LEVEL,
      unassigned_ns: { kind: 'to', state: 'assigned_ns', note: 'MEMATTR and S2AP from the flags' },
      assigned_ns: {
        kind: 'error',
        ret: 'RMI_ERROR_RTT(level)',
        note: 'when the mapping differs (PA, MEMATTR or S2AP, e.g. a permission upgrade); the same mapping succeeds and nothing changes',
      },
    },
    also: 'Realm NEW or ACTIVE, else RMI_ERROR_REALM; OADDR_TYPE SINGLE or LIST, SIZE 0–2 with a base aligned to it, else RMI_ERROR_INPUT; the descriptor’s ST is not checked since TF-RMM 7626d97b (2026-07-08) [@tf-rmm-7626d97b]; S2AP bits other than WRITE and READ, or MEMATTR 4 (the FWB reserved encoding), give RMI_ERROR_INPUT; only a range with both base and top − 4 KiB in PAR is refused with RMI_ERROR_INPUT, so one that starts in PAR fails on its first, protected entry with RMI_ERROR_RTT(level); a range shorter than one block, or a block past top, gives RMI_ERROR_RTT(level); a walk shallower than the descriptor gives RMI_ERROR_RTT(walk level); an error after some progress is RMI_SUCCESS with X1 = the IPA reached [@tf-rmm-rtt_map.c:108-206; @tf-rmm-rtt_map.c:1015-1159; @tf-rmm-s2tt.c:960-965].',
    source: '[@tf-rmm-rtt_map.c:1192-1291]',
  },
  {
    cmd: 'RMI_RTT_UNPROT_UNMAP',
    entry: 'the entries of one leaf RTT from base to top (unprotected half)',
    rmm10: 'RMI_RTT_UNMAP_UNPROTECTED (0xC4000162)',
    cells: {
      ...PROT_OTHER,
      table: { kind: 'to', state: 'table', note: SWEPT_THROUGH },
      unassigned_ns: { kind: 'to', state: 'unassigned_ns', note: SKIPPED },
      assigned_ns: {
        kind: 'to',
        state: 'unassigned_ns',
        note: 'and TLBI; the sweep goes on to top or the end of the leaf RTT',
      },
    },
    also: 'base and top 4 KiB-aligned inside the IPA space with both ends outside PAR, OADDR_TYPE NONE or SINGLE with oaddr and LIST_COUNT 0, or LIST, else RMI_ERROR_INPUT; no realm-state check; base not aligned to the entry the walk lands on, or a first entry larger than the range, gives RMI_ERROR_RTT(level) with X1 = 0; the result is RMI_SUCCESS with X1 = the IPA after the last entry swept, also when nothing was mapped [@tf-rmm-rtt_unmap.c:55-141; @tf-rmm-rtt_unmap.c:360-546; @tf-rmm-rtt_unmap.c:1000-1119].',
    source: '[@tf-rmm-rtt_unmap.c:1392-1507]',
  },
  {
    cmd: 'RMI_RTT_DATA_UNMAP',
    entry: 'the entries of one leaf RTT from base to top (protected half)',
    rmm10: 'RMI_DATA_DESTROY (0xC4000155)',
    cells: {
      unassigned_empty: { kind: 'to', state: 'unassigned_empty', note: SKIPPED },
      unassigned_ram: { kind: 'to', state: 'unassigned_ram', note: SKIPPED },
      unassigned_destroyed: { kind: 'to', state: 'unassigned_destroyed', note: SKIPPED },
      assigned_empty: { kind: 'to', state: 'unassigned_empty' },
      assigned_ram: { kind: 'to', state: 'unassigned_destroyed', note: 'and TLBI' },
      assigned_destroyed: { kind: 'to', state: 'unassigned_destroyed' },
      table: { kind: 'to', state: 'table', note: SWEPT_THROUGH },
      ...NS_OTHER,
    },
    also: 'base and top 4 KiB-aligned with both ends in PAR, OADDR_TYPE NONE, SINGLE or LIST, else RMI_ERROR_INPUT; no realm-state check; base not aligned to the entry the walk lands on, a first entry larger than the range, or a device entry first gives RMI_ERROR_RTT(level) with X1 = 0, a live auxiliary-RTT mapping first RMI_ERROR_RTT_AUX with index 0; the sweep stops at top, the end of the leaf RTT or (SINGLE) a PA discontinuity; the result is RMI_SUCCESS with X1 = the IPA reached and, for SINGLE, X2 = the unmapped PAs as an RmiAddrRangeDesc (ST 0), whose granules are DELEGATED again for the host to undelegate [@tf-rmm-rtt_unmap.c:218-299; @tf-rmm-rtt_unmap.c:360-546; @tf-rmm-rtt_unmap.c:898-942].',
    source: '[@tf-rmm-rtt_unmap.c:1228-1377]',
  },
  {
    cmd: 'RMI_RTT_INIT_RIPAS',
    entry: 'the entries of one leaf RTT from base that fit below top (protected half)',
    cells: {
      unassigned_empty: { kind: 'to', state: 'unassigned_ram' },
      unassigned_ram: { kind: 'to', state: 'unassigned_ram', note: 'unchanged; the walk goes on' },
      unassigned_destroyed: INIT_STOP,
      assigned_empty: { kind: 'to', state: 'assigned_ram' },
      assigned_ram: { kind: 'to', state: 'assigned_ram', note: 'unchanged; the walk goes on' },
      assigned_destroyed: INIT_STOP,
      table: {
        kind: 'effect',
        text: 'at base the walk descends into it; later in the range it stops the walk',
      },
      ...NS_OTHER,
    },
    also: 'top > base, base and top 4 KiB-aligned inside the IPA space, base and top − 4 KiB in PAR, else RMI_ERROR_INPUT (checked before the realm state); realm NEW only, else RMI_ERROR_REALM; base not aligned to the entry the walk lands on gives RMI_ERROR_RTT(level); progress gives RMI_SUCCESS with X1 = the end reached, none RMI_ERROR_RTT(level) [@tf-rmm-rtt.c:1251-1336].',
    source: '[@tf-rmm-rtt.c:1236-1343]',
  },
  {
    cmd: 'RMI_RTT_SET_RIPAS',
    entry: 'the entries of one leaf RTT from the REC’s progress address that fit below top (protected half)',
    cells: {
      unassigned_empty: { kind: 'effect', text: '→ unassigned_ram for a RAM request; unchanged for EMPTY' },
      unassigned_ram: { kind: 'effect', text: '→ unassigned_empty for an EMPTY request; unchanged for RAM' },
      unassigned_destroyed: {
        kind: 'effect',
        text: '→ unassigned_empty for an EMPTY request, whatever the flag; → unassigned_ram for RAM only with RSI_CHANGE_DESTROYED, else it stops the walk',
      },
      assigned_empty: { kind: 'effect', text: '→ assigned_ram for a RAM request; unchanged for EMPTY' },
      assigned_ram: {
        kind: 'effect',
        text: '→ assigned_empty for an EMPTY request (and TLBI); unchanged for RAM',
      },
      assigned_destroyed: {
        kind: 'effect',
        text: '→ assigned_empty for an EMPTY request, whatever the flag; → assigned_ram for RAM only with RSI_CHANGE_DESTROYED, else it stops the walk',
      },
      table: {
        kind: 'effect',
        text: 'no RIPAS: at base the walk descends into it; later in the range it stops the walk',
      },
      ...NS_OTHER,
    },
    also: 'top > base and 4 KiB-aligned, else RMI_ERROR_INPUT; base must be the REC’s progress address and top at most the requested top, else RMI_ERROR_INPUT (also when nothing is pending); a REC that is running or belongs to another realm gives RMI_ERROR_REC; base not aligned to the entry the walk lands on gives RMI_ERROR_RTT(level); with per-plane RTTs, RAM → EMPTY of a page an auxiliary RTT still maps gives RMI_ERROR_RTT_AUX; EMPTY requests change DESTROYED entries whatever the flag since commit 4c40d408 (at rmm-spec-v1.0-rel0 they needed RSI_CHANGE_DESTROYED too) [@tf-rmm-4c40d408; @tf-rmm-rtt.c:1152-1234]; progress gives RMI_SUCCESS with X1 = the new progress address, which the REC keeps, none RMI_ERROR_RTT(level) [@tf-rmm-rtt.c:1378-1470; @tf-rmm-rtt.c:1487-1562].',
    source: '[@tf-rmm-rtt.c:1472-1573]',
  },
  {
    cmd: 'RMI_RTT_FOLD',
    entry: 'the RTT at level, by the state of its 512 entries',
    cells: {
      unassigned_empty: { kind: 'effect', text: '512 of them fold into one unassigned_empty entry' },
      unassigned_ram: { kind: 'effect', text: '512 of them fold into one unassigned_ram entry' },
      unassigned_destroyed: { kind: 'effect', text: '512 of them fold into one unassigned_destroyed entry' },
      assigned_empty: {
        kind: 'effect',
        text: '512 at consecutive PAs, the first aligned to the parent’s block, fold into an assigned_empty block; folding a level-1 RTT: RMI_ERROR_RTT(level − 1)',
      },
      assigned_ram: {
        kind: 'effect',
        text: '512 at consecutive PAs, the first aligned to the parent’s block, fold into an assigned_ram block; folding a level-1 RTT: RMI_ERROR_RTT(level − 1)',
      },
      assigned_destroyed: {
        kind: 'effect',
        text: '512 at consecutive PAs, the first aligned to the parent’s block, fold into an assigned_destroyed block; folding a level-1 RTT: RMI_ERROR_RTT(level − 1)',
      },
      table: {
        kind: 'error',
        ret: 'RMI_ERROR_RTT(level)',
        note: 'a table among the entries: the RTT does not fold',
      },
      unassigned_ns: { kind: 'effect', text: '512 of them fold into one unassigned_ns entry' },
      assigned_ns: {
        kind: 'effect',
        text: '512 at consecutive PAs with the same attributes fold into an assigned_ns block; folding a level-1 RTT: RMI_ERROR_RTT(level − 1)',
      },
    },
    also: 'level from the start level + 1 to 3 and the address aligned to the parent level, else RMI_ERROR_INPUT; a walk that ends above level − 1 gives RMI_ERROR_RTT(walk level), a parent that is not a table RMI_ERROR_RTT(level − 1); entries of mixed states give RMI_ERROR_RTT(level); no block above level 1 (S2TT_MIN_BLOCK_LEVEL), so a level-1 RTT of assigned or assigned_ns entries gives RMI_ERROR_RTT(level − 1); on success X1 = the folded RTT’s PA, and that granule is DELEGATED again [@tf-rmm-rtt.c:584-810].',
    source: '[@tf-rmm-rtt.c:562-831]',
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

const bitOf = (v: bigint): string => `1ULL << ${v.toString(2).length - 1} (${hex(v)})`;

/**
 * The KVM UAPI pieces on the realm fault path. Values the model uses come from the model's
 * constants; the rest from the UAPI header and API document, and, for the CCA additions, v14
 * patches 13 and 16 [@v14-13; @v14-16].
 */
export const KVM_UAPI: readonly UapiRow[] = [
  {
    name: 'KVM_EXIT_MEMORY_FAULT',
    what: 'exit reason',
    value: String(KVM_EXIT_MEMORY_FAULT),
    fields: 'run->memory_fault: __u64 flags, __u64 gpa, __u64 size',
    meaning:
      'KVM cannot resolve the fault without the VMM, e.g. the guest’s private/shared view and the memory attribute disagree. It accompanies a KVM_RUN return of −1 with errno EFAULT, not 0.',
    source:
      '[@linux-uapi-kvm.h:191; @linux-uapi-kvm.h:458-464; @linux-api.rst:7245-7267; @linux-kvm_host.h:2513-2526]',
  },
  {
    name: 'KVM_MEMORY_EXIT_FLAG_PRIVATE',
    what: 'flag',
    value: bitOf(KVM_MEMORY_EXIT_FLAG_PRIVATE),
    meaning:
      'in memory_fault.flags: the access was to private memory; clear, to shared memory. The same bit as KVM_MEMORY_ATTRIBUTE_PRIVATE.',
    source: '[@linux-uapi-kvm.h:460; @linux-uapi-kvm.h:1651; @linux-api.rst:7255-7262]',
  },
  {
    name: 'KVM_MEMORY_EXIT_FLAG_READ / WRITE / EXEC',
    what: 'flag',
    value: 'bits 0–2 (proposed)',
    meaning:
      'not defined: mainline kvm_prepare_memory_fault_exit() takes is_write and is_exec but sets no flag for them (“RWX flags are not (yet) defined”). Not modelled.',
    source: '[@linux-kvm_host.h:2513-2526]',
    label: 'UNCERTAIN',
  },
  {
    name: 'KVM_EXIT_MMIO',
    what: 'exit reason',
    value: String(KVM_EXIT_MMIO),
    fields: 'run->mmio: phys_addr, is_write (and the data)',
    meaning:
      'an access with no memslot behind it, for the VMM to emulate. For a realm, v14 passes io_mem_abort() the IPA with the shared bit stripped, so phys_addr is the GPA; KVM_RUN returns 0.',
    source: '[@linux-uapi-kvm.h:158; @linux-uapi-kvm.h:274-280; @v14-mmu.c:2454]',
  },
  {
    name: 'KVM_SET_MEMORY_ATTRIBUTES',
    what: 'ioctl',
    value: 'struct kvm_memory_attributes',
    fields: 'address, size, attributes, flags',
    meaning:
      'set the attributes of a GPA range; address and size page-aligned. There is no “get”. KVM unmaps the range on a change (kvm_arch_post_set_memory_attributes()).',
    source:
      '[@linux-uapi-kvm.h:1642; @linux-api.rst:6364-6394; @linux-kvm_main.c:2537-2598; @v14 kvm_arch_post_set_memory_attributes()]',
  },
  {
    name: 'KVM_MEMORY_ATTRIBUTE_PRIVATE',
    what: 'attribute',
    value: bitOf(KVM_MEMORY_ATTRIBUTE_PRIVATE),
    meaning:
      'the GFN is private: the guest’s protected alias, backed by guest_memfd. In KVM every GFN starts shared (0); QEMU sets guest_memfd RAM private when it creates the memslot [@qemu-kvm-all.c:1612-1619].',
    source: '[@linux-uapi-kvm.h:1651; @linux-api.rst:6364-6394]',
  },
  {
    name: 'KVM_CAP_MEMORY_ATTRIBUTES',
    what: 'capability',
    value: 'arm64: realms',
    meaning: 'v14 adds arm64, with kvm_arch_has_private_mem(kvm) = kvm->arch.is_realm.',
    source: '[@v14-25]',
  },
  {
    name: 'KVM_CAP_ARM_RMI',
    what: 'capability',
    value: '249',
    meaning: 'the v14 CCA capability.',
    source: '[@v14-13]',
  },
  {
    name: 'KVM_ARM_RMI_POPULATE',
    what: 'ioctl',
    value: '_IOWR(KVMIO, 0xd7, struct kvm_arm_rmi_populate)',
    fields: 'base, size, source_uaddr, flags, reserved; KVM_ARM_RMI_POPULATE_FLAGS_MEASURE = 1 << 0',
    meaning: 'populate (and optionally measure) realm memory; realm creation and activation are implicit.',
    source: '[@v14-13]',
  },
  {
    name: 'KVM_VM_TYPE_ARM_REALM',
    what: 'VM type',
    value: '1UL << 30',
    meaning:
      'a realm VM; mutually exclusive with KVM_VM_TYPE_ARM_PROTECTED (1UL << 31). The IPA size is in type bits [7:0].',
    source: '[@v14-16]',
  },
];
