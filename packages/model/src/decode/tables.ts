/**
 * Constant tables for the decoders, exported so the site's reference pages are generated from
 * the same data the decoders use. Each table names its source.
 */

/**
 * ESR_ELx.EC values (Arm ARM D24.2 "ESR_EL2", exception class encodings), with the names Linux
 * gives them in arch/arm64/include/asm/esr.h (ESR_ELx_EC_*). The realm fault path meets DABT_LOW
 * (0x24) and IABT_LOW (0x20) [@tf-rmm-arch.h:377-380]; the rest are listed so that any syndrome
 * from a log decodes.
 */
export interface EsrEcInfo {
  readonly ec: number;
  /** Linux's ESR_ELx_EC_* suffix. */
  readonly name: string;
  readonly description: string;
}

export const ESR_EC_TABLE: readonly EsrEcInfo[] = [
  { ec: 0x00, name: 'UNKNOWN', description: 'unknown reason' },
  { ec: 0x01, name: 'WFx', description: 'trapped WFI or WFE' },
  { ec: 0x03, name: 'CP15_32', description: 'trapped MCR/MRC (AArch32, coproc 0b1111)' },
  { ec: 0x04, name: 'CP15_64', description: 'trapped MCRR/MRRC (AArch32, coproc 0b1111)' },
  { ec: 0x05, name: 'CP14_MR', description: 'trapped MCR/MRC (AArch32, coproc 0b1110)' },
  { ec: 0x06, name: 'CP14_LS', description: 'trapped LDC/STC (AArch32)' },
  { ec: 0x07, name: 'FP_ASIMD', description: 'trapped access to SVE, Advanced SIMD or floating point' },
  { ec: 0x08, name: 'CP10_ID', description: 'trapped VMRS (AArch32)' },
  { ec: 0x09, name: 'PAC', description: 'trapped pointer authentication instruction' },
  { ec: 0x0c, name: 'CP14_64', description: 'trapped MRRC/MCRR (AArch32, coproc 0b1110)' },
  { ec: 0x0d, name: 'BTI', description: 'branch target exception' },
  { ec: 0x0e, name: 'ILL', description: 'illegal execution state' },
  { ec: 0x11, name: 'SVC32', description: 'SVC (AArch32)' },
  { ec: 0x12, name: 'HVC32', description: 'HVC (AArch32)' },
  { ec: 0x13, name: 'SMC32', description: 'SMC (AArch32)' },
  { ec: 0x15, name: 'SVC64', description: 'SVC (AArch64)' },
  { ec: 0x16, name: 'HVC64', description: 'HVC (AArch64)' },
  { ec: 0x17, name: 'SMC64', description: 'SMC (AArch64)' },
  { ec: 0x18, name: 'SYS64', description: 'trapped MSR, MRS or system instruction (AArch64)' },
  { ec: 0x19, name: 'SVE', description: 'trapped SVE access' },
  { ec: 0x1a, name: 'ERET', description: 'trapped ERET, ERETAA or ERETAB' },
  { ec: 0x1c, name: 'FPAC', description: 'pointer authentication failure' },
  { ec: 0x1d, name: 'SME', description: 'trapped SME access' },
  { ec: 0x1f, name: 'IMP_DEF', description: 'implementation defined exception to EL3' },
  { ec: 0x20, name: 'IABT_LOW', description: 'instruction abort from a lower exception level' },
  { ec: 0x21, name: 'IABT_CUR', description: 'instruction abort from the current exception level' },
  { ec: 0x22, name: 'PC_ALIGN', description: 'PC alignment fault' },
  { ec: 0x24, name: 'DABT_LOW', description: 'data abort from a lower exception level' },
  { ec: 0x25, name: 'DABT_CUR', description: 'data abort from the current exception level' },
  { ec: 0x26, name: 'SP_ALIGN', description: 'SP alignment fault' },
  { ec: 0x27, name: 'MOPS', description: 'memory copy or set instruction exception' },
  { ec: 0x28, name: 'FP_EXC32', description: 'trapped floating-point exception (AArch32)' },
  { ec: 0x2c, name: 'FP_EXC64', description: 'trapped floating-point exception (AArch64)' },
  { ec: 0x2d, name: 'GCS', description: 'guarded control stack exception' },
  { ec: 0x2f, name: 'SERROR', description: 'SError interrupt' },
  { ec: 0x30, name: 'BREAKPT_LOW', description: 'breakpoint from a lower exception level' },
  { ec: 0x31, name: 'BREAKPT_CUR', description: 'breakpoint from the current exception level' },
  { ec: 0x32, name: 'SOFTSTP_LOW', description: 'software step from a lower exception level' },
  { ec: 0x33, name: 'SOFTSTP_CUR', description: 'software step from the current exception level' },
  { ec: 0x34, name: 'WATCHPT_LOW', description: 'watchpoint from a lower exception level' },
  { ec: 0x35, name: 'WATCHPT_CUR', description: 'watchpoint from the current exception level' },
  { ec: 0x38, name: 'BKPT32', description: 'BKPT (AArch32)' },
  { ec: 0x3a, name: 'VECTOR32', description: 'vector catch (AArch32)' },
  { ec: 0x3c, name: 'BRK64', description: 'BRK (AArch64)' },
];

/** The kinds of fault a DFSC/IFSC encodes. */
export type FaultStatusKind =
  | 'address_size'
  | 'translation'
  | 'access_flag'
  | 'permission'
  | 'sea'
  | 'sea_walk'
  | 'tag_check'
  | 'parity'
  | 'parity_walk'
  | 'alignment'
  | 'gpf_walk'
  | 'gpf'
  | 'tlb_conflict'
  | 'atomic_hw_update'
  | 'impdef';

export interface FaultStatusInfo {
  readonly code: number;
  readonly kind: FaultStatusKind;
  /** The translation level the fault was taken at (−1…3), when the code names one. */
  readonly level: number | null;
  readonly description: string;
}

function levels(
  first: number,
  fromLevel: number,
  count: number,
  kind: FaultStatusKind,
  what: string,
): FaultStatusInfo[] {
  return Array.from({ length: count }, (_, i) => ({
    code: first + i,
    kind,
    level: fromLevel + i,
    description: `${what}, level ${fromLevel + i}`,
  }));
}

/**
 * DFSC values (ESR_ELx.ISS[5:0] for data aborts; Arm ARM D24.2). TF-RMM names
 * ESR_EL2_ABORT_FSC_TRANSLATION_FAULT_L0 = 0x04, PERM_FAULT_START/END = 0x0c/0x0f, FSC_SEA = 0x10,
 * SEA_TTW 0x13–0x17 and FSC_GPF = 0x28 [@tf-rmm-arch.h:413-420]. Level −1 exists only with
 * FEAT_LPA2.
 */
export const DFSC_TABLE: readonly FaultStatusInfo[] = [
  ...levels(0x00, 0, 4, 'address_size', 'address size fault'),
  ...levels(0x04, 0, 4, 'translation', 'translation fault'),
  ...levels(0x08, 0, 4, 'access_flag', 'access flag fault'),
  ...levels(0x0c, 0, 4, 'permission', 'permission fault'),
  {
    code: 0x10,
    kind: 'sea',
    level: null,
    description: 'synchronous external abort, not on a translation table walk',
  },
  { code: 0x11, kind: 'tag_check', level: null, description: 'synchronous tag check fault' },
  ...levels(0x13, -1, 5, 'sea_walk', 'synchronous external abort on a translation table walk'),
  { code: 0x18, kind: 'parity', level: null, description: 'synchronous parity or ECC error, not on a walk' },
  ...levels(0x1b, -1, 5, 'parity_walk', 'synchronous parity or ECC error on a translation table walk'),
  { code: 0x21, kind: 'alignment', level: null, description: 'alignment fault' },
  ...levels(0x23, -1, 5, 'gpf_walk', 'granule protection fault on a translation table walk'),
  {
    code: 0x28,
    kind: 'gpf',
    level: null,
    description: 'granule protection fault, not on a translation table walk',
  },
  { code: 0x29, kind: 'address_size', level: -1, description: 'address size fault, level -1' },
  { code: 0x2b, kind: 'translation', level: -1, description: 'translation fault, level -1' },
  { code: 0x30, kind: 'tlb_conflict', level: null, description: 'TLB conflict abort' },
  {
    code: 0x31,
    kind: 'atomic_hw_update',
    level: null,
    description: 'unsupported atomic hardware update fault',
  },
  { code: 0x34, kind: 'impdef', level: null, description: 'implementation defined fault (lockdown)' },
  {
    code: 0x35,
    kind: 'impdef',
    level: null,
    description: 'implementation defined fault (unsupported exclusive or atomic access)',
  },
];

/** ESR.SET values for a synchronous external abort (Arm ARM, FEAT_RAS; [@tf-rmm-arch.h:399-403]). */
export const ESR_SET_TABLE: readonly {
  readonly value: number;
  readonly name: string;
  readonly description: string;
}[] = [
  { value: 0, name: 'UER', description: 'recoverable error' },
  { value: 2, name: 'UC', description: 'uncontainable error' },
  { value: 3, name: 'UEO', description: 'restartable error' },
];

/**
 * RMI command status codes, as TF-RMM defines them in lib/smc/include/smc-rmi.h
 * [@tf-rmm-smc-rmi.h:26-113] (DEN0137 2.0-bet1 [@rmm-spec]); status.h packs a status with an
 * index, `index << 8 | status` [@tf-rmm-status.h:42-67].
 */
export type RmiStatusName =
  | 'RMI_SUCCESS'
  | 'RMI_ERROR_INPUT'
  | 'RMI_ERROR_REALM'
  | 'RMI_ERROR_REC'
  | 'RMI_ERROR_RTT'
  | 'RMI_ERROR_NOT_SUPPORTED'
  | 'RMI_ERROR_DEVICE'
  | 'RMI_ERROR_RTT_AUX'
  | 'RMI_ERROR_PSMMU_ST'
  | 'RMI_ERROR_DPT'
  | 'RMI_BUSY'
  | 'RMI_ERROR_GLOBAL'
  | 'RMI_ERROR_TRACKING'
  | 'RMI_INCOMPLETE'
  | 'RMI_BLOCKED'
  | 'RMI_ERROR_GPT'
  | 'RMI_ERROR_GRANULE';

export interface RmiStatusInfo {
  readonly status: number;
  readonly name: RmiStatusName;
  readonly description: string;
  /** What RMI_RETURN_INDEX means for this status. */
  readonly index: 'rtt_level' | 'sro' | 'unused';
  /** The TF-RMM source of the description, as a citation. */
  readonly source: string;
}

export const RMI_STATUS_TABLE: readonly RmiStatusInfo[] = [
  {
    status: 0,
    name: 'RMI_SUCCESS',
    description: 'command completed successfully; the index is 0',
    index: 'unused',
    source: '[@tf-rmm-smc-rmi.h:26-27]',
  },
  {
    status: 1,
    name: 'RMI_ERROR_INPUT',
    description:
      'an input value made the command fail (misalignment, outside PAR or the IPA space, wrong granule state, bad descriptor or flags)',
    index: 'unused',
    source: '[@tf-rmm-smc-rmi.h:29-33]',
  },
  {
    status: 2,
    name: 'RMI_ERROR_REALM',
    description:
      'the realm is in the wrong state (e.g. not NEW for RMI_RTT_INIT_RIPAS, not ACTIVE for RMI_REC_ENTER); the index is 0 on every path of TF-RMM 9a7f8ef4, though the header says it varies',
    index: 'unused',
    source: '[@tf-rmm-smc-rmi.h:35-39; @tf-rmm-run.c:447-454]',
  },
  {
    status: 3,
    name: 'RMI_ERROR_REC',
    description: 'the REC is in the wrong state (running, or its last exit does not allow the entry flags)',
    index: 'unused',
    source: '[@tf-rmm-smc-rmi.h:41-45; @tf-rmm-run.c:293-315]',
  },
  {
    status: 4,
    name: 'RMI_ERROR_RTT',
    description: 'RTT walk terminated early, or the RTT entry has an unexpected value',
    index: 'rtt_level',
    source: '[@tf-rmm-smc-rmi.h:47-56]',
  },
  {
    status: 5,
    name: 'RMI_ERROR_NOT_SUPPORTED',
    description: 'not supported',
    index: 'unused',
    source: '[@tf-rmm-smc-rmi.h:58-59]',
  },
  {
    status: 6,
    name: 'RMI_ERROR_DEVICE',
    description: 'an attribute of a device does not match the expected value',
    index: 'unused',
    source: '[@tf-rmm-smc-rmi.h:61-62]',
  },
  {
    status: 7,
    name: 'RMI_ERROR_RTT_AUX',
    description:
      'an entry of an auxiliary (per-plane) RTT has an unexpected value; the index is an RTT level, 0 from RMI_RTT_DATA_UNMAP',
    index: 'rtt_level',
    source: '[@tf-rmm-smc-rmi.h:64-65; @tf-rmm-rtt.c:219; @tf-rmm-rtt_unmap.c:231-235]',
  },
  {
    status: 8,
    name: 'RMI_ERROR_PSMMU_ST',
    description: 'a PSMMU stream table walk stopped early or found an unexpected entry',
    index: 'unused',
    source: '[@tf-rmm-smc-rmi.h:67-71]',
  },
  {
    status: 9,
    name: 'RMI_ERROR_DPT',
    description: 'a device permission table walk stopped early or found an unexpected entry',
    index: 'unused',
    source: '[@tf-rmm-smc-rmi.h:73-77]',
  },
  {
    status: 10,
    name: 'RMI_BUSY',
    description: 'no progress for a possibly temporary reason, nothing changed; Linux retries',
    index: 'unused',
    source: '[@tf-rmm-smc-rmi.h:79-84]',
  },
  {
    status: 11,
    name: 'RMI_ERROR_GLOBAL',
    description: 'RMM global state (e.g. the RMM not activated yet)',
    index: 'unused',
    source: '[@tf-rmm-smc-rmi.h:86-87; @tf-rmm-handler.c:332-354]',
  },
  {
    status: 12,
    name: 'RMI_ERROR_TRACKING',
    description: 'the state of a tracking region does not match',
    index: 'unused',
    source: '[@tf-rmm-smc-rmi.h:89-90]',
  },
  {
    status: 13,
    name: 'RMI_INCOMPLETE',
    description: 'stateful RMI operation (SRO) in progress',
    index: 'sro',
    source: '[@tf-rmm-smc-rmi.h:92-97; @tf-rmm-smc-rmi.h:1235-1249]',
  },
  {
    status: 14,
    name: 'RMI_BLOCKED',
    description: 'blocked by another incomplete operation; Linux retries',
    index: 'unused',
    source: '[@tf-rmm-smc-rmi.h:99-104]',
  },
  {
    status: 15,
    name: 'RMI_ERROR_GPT',
    description: 'a GPT walk reached an entry with an unexpected level',
    index: 'unused',
    source: '[@tf-rmm-smc-rmi.h:106-107]',
  },
  {
    status: 16,
    name: 'RMI_ERROR_GRANULE',
    description: 'an attribute of a granule does not match',
    index: 'unused',
    source: '[@tf-rmm-smc-rmi.h:109-110]',
  },
];

/** MEMREQ in bits [9:8] of an RMI_INCOMPLETE return [@tf-rmm-smc-rmi.h:1235-1245]. */
export const RMI_MEMREQ_TABLE: readonly { readonly value: number; readonly description: string }[] = [
  { value: 0, description: 'no memory request' },
  { value: 1, description: 'donate: the RMM asks the host for memory' },
  { value: 2, description: 'reclaim: the RMM returns memory to the host' },
];

/**
 * Linux stage-1 MAIR indices (arch/arm64/include/asm/memory.h MT_*), used by a
 * stage-1 descriptor's AttrIndx.
 */
export const MT_TABLE: readonly {
  readonly value: number;
  readonly name: string;
  readonly description: string;
}[] = [
  { value: 0, name: 'MT_NORMAL', description: 'Normal memory, write-back cacheable' },
  { value: 1, name: 'MT_NORMAL_TAGGED', description: 'Normal memory, write-back cacheable, MTE tagged' },
  { value: 2, name: 'MT_NORMAL_NC', description: 'Normal memory, non-cacheable' },
  { value: 3, name: 'MT_DEVICE_nGnRnE', description: 'Device-nGnRnE' },
  { value: 4, name: 'MT_DEVICE_nGnRE', description: 'Device-nGnRE' },
];

/**
 * Stage-2 memory attributes with FEAT_S2FWB (Linux arch/arm64/include/asm/memory.h MT_S2_FWB_*).
 * realm_map_non_secure puts one of these in RmiRttUnprotMapFlags.MEMATTR [@v14-29]. TF-RMM copies
 * MEMATTR into the descriptor's bits [4:2] and refuses only 4 (0b100), the FWB reserved encoding,
 * with RMI_ERROR_INPUT [@tf-rmm-s2tt_pvt_defs.h:197-200; @tf-rmm-s2tt.c:960-965]; see
 * MEMATTR_RESERVED.
 */
export const MT_S2_FWB_TABLE: readonly {
  readonly value: number;
  readonly name: string;
  readonly description: string;
}[] = [
  { value: 1, name: 'MT_S2_FWB_DEVICE_nGnRE', description: 'Device-nGnRE (KVM_PGTABLE_PROT_DEVICE)' },
  { value: 5, name: 'MT_S2_FWB_NORMAL_NC', description: 'Normal non-cacheable (KVM_PGTABLE_PROT_NORMAL_NC)' },
  { value: 6, name: 'MT_S2_FWB_NORMAL', description: 'Normal write-back, forced by FWB (the default)' },
];

/**
 * The MEMATTR value TF-RMM refuses: S2TTE_MEMATTR_FWB_RESERVED, 0b100 in the descriptor's bits
 * [4:2] [@tf-rmm-s2tt_pvt_defs.h:200; @tf-rmm-s2tt.c:960-965].
 */
export const MEMATTR_RESERVED = 4;

/**
 * RMI_S2AP_DIRECT_* bits of RmiRttUnprotMapFlags.S2AP [@tf-rmm-smc-rmi.h:1315-1320; @v14-rmi_smc.h].
 * With the direct encoding TF-RMM refuses any other S2AP bit with RMI_ERROR_INPUT
 * [@tf-rmm-rtt_map.c:1029-1043].
 */
export const RMI_S2AP_TABLE: readonly {
  readonly bit: number;
  readonly name: string;
  readonly description: string;
}[] = [
  { bit: 0, name: 'RMI_S2AP_DIRECT_WRITE', description: 'write permitted' },
  { bit: 1, name: 'RMI_S2AP_DIRECT_READ', description: 'read permitted' },
];

/**
 * RmiRttAddrType, the OADDR_TYPE of the range commands' flags [@tf-rmm-smc-rmi.h:1290-1293]. The
 * map commands take SINGLE or LIST and refuse NONE [@tf-rmm-rtt_map.c:136-169]; the unmap commands
 * take all three, with oaddr and LIST_COUNT 0 for NONE and SINGLE [@tf-rmm-rtt_unmap.c:91-136].
 */
export const RMI_ADDR_TYPE_TABLE: readonly {
  readonly value: number;
  readonly name: string;
  readonly description: string;
}[] = [
  {
    value: 0,
    name: 'RMI_ADDR_TYPE_NONE',
    description: 'no output address: unmap commands only (the map commands return RMI_ERROR_INPUT)',
  },
  {
    value: 1,
    name: 'RMI_ADDR_TYPE_SINGLE',
    description: 'one RmiAddrRangeDesc in the address argument (in for a map, out in X2 for an unmap)',
  },
  {
    value: 2,
    name: 'RMI_ADDR_TYPE_LIST',
    description: 'the address argument is the NS PA of a list of LIST_COUNT RmiAddrRangeDescs',
  },
];

/**
 * RmiAddrRangeDesc.SIZE for 4 KiB granules (RMI_PAGE_L3 … RMI_BLOCK_L0 [@tf-rmm-smc-rmi.h:1210-1214]).
 * The map commands need a level from S2TT_MIN_BLOCK_LEVEL (1) to 3, so they refuse SIZE 3 with
 * RMI_ERROR_INPUT [@tf-rmm-rtt_map.c:31-39; @tf-rmm-s2tt.h:69].
 */
export const RMI_RANGE_SIZE_TABLE: readonly {
  readonly value: number;
  readonly level: number;
  readonly bytes: bigint;
  /** Whether RMI_RTT_DATA_MAP and RMI_RTT_UNPROT_MAP accept a descriptor of this SIZE. */
  readonly mapAccepts: boolean;
}[] = [
  { value: 0, level: 3, bytes: 0x1000n, mapAccepts: true },
  { value: 1, level: 2, bytes: 0x20_0000n, mapAccepts: true },
  { value: 2, level: 1, bytes: 0x4000_0000n, mapAccepts: true },
  { value: 3, level: 0, bytes: 0x80_0000_0000n, mapAccepts: false },
];

/** RmiAddrRangeDesc.ST: whether the memory is delegated to the realm world [@tf-rmm-smc-rmi.h:1227-1228]. */
export const RMI_OP_MEM_TABLE: readonly { readonly value: number; readonly name: string }[] = [
  { value: 0, name: 'RMI_OP_MEM_DELEGATED' },
  { value: 1, name: 'RMI_OP_MEM_UNDELEGATED' },
];

/**
 * enum kvm_pgtable_prot bits (arch/arm64/include/asm/kvm_pgtable.h) [@linux-kvm_pgtable.h:272-287];
 * v14 does not change them.
 */
export const KVM_PGTABLE_PROT_TABLE: readonly {
  readonly bit: number;
  readonly name: string;
  readonly description: string;
}[] = [
  { bit: 0, name: 'KVM_PGTABLE_PROT_PX', description: 'privileged execute' },
  { bit: 1, name: 'KVM_PGTABLE_PROT_UX', description: 'unprivileged execute' },
  { bit: 2, name: 'KVM_PGTABLE_PROT_W', description: 'write' },
  { bit: 3, name: 'KVM_PGTABLE_PROT_R', description: 'read' },
  { bit: 4, name: 'KVM_PGTABLE_PROT_DEVICE', description: 'device memory' },
  { bit: 5, name: 'KVM_PGTABLE_PROT_NORMAL_NC', description: 'normal non-cacheable memory' },
];

/** Look up an entry by a numeric key; undefined when absent. */
export function lookup<T, K extends keyof T>(table: readonly T[], key: K, value: T[K]): T | undefined {
  return table.find((e) => e[key] === value);
}
