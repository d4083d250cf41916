/**
 * RMI/RSI constants used by the model: command FIDs, status codes, RTT entry vocabulary, ESR
 * fields and masks. Values are facts from the brief (§2.1, §6.1, §6.3) which cites TF-RMM
 * `lib/smc/include/smc-rmi.h`, `lib/common/include/status.h` and `lib/arch/include/arch.h`.
 */

/** RMI command names the model implements, with their SMC function IDs (brief §6.3). */
export const RMI_FID = {
  RMI_GRANULE_RANGE_DELEGATE: 0xc40001f1,
  RMI_GRANULE_RANGE_UNDELEGATE: 0xc40001f2,
  RMI_RTT_CREATE: 0xc400015d,
  RMI_RTT_DATA_MAP: 0xc40001f5,
  RMI_RTT_UNPROT_MAP: 0xc40001fb,
  RMI_RTT_UNPROT_UNMAP: 0xc40001fc,
  RMI_RTT_DATA_UNMAP: 0xc40001f6,
  RMI_RTT_INIT_RIPAS: 0xc4000168,
  RMI_RTT_SET_RIPAS: 0xc4000169,
  RMI_RTT_FOLD: 0xc4000166,
} as const;
export type RmiCommand = keyof typeof RMI_FID;

/**
 * RMI_GRANULE_RANGE_UNDELEGATE's FID is not in the brief; the model uses DELEGATE + 1 by analogy
 * with the 1.0 pair GRANULE_DELEGATE/UNDELEGATE (0xC4000151/0xC4000152). INFERRED.
 */
export const RMI_UNDELEGATE_FID_INFERRED = true;

/** RMI status values (brief §6.1). */
export const RMI_STATUS = {
  RMI_SUCCESS: 0,
  RMI_ERROR_INPUT: 1,
  RMI_ERROR_REALM: 2,
  RMI_ERROR_REC: 3,
  RMI_ERROR_RTT: 4,
  RMI_ERROR_NOT_SUPPORTED: 5,
  RMI_ERROR_DEVICE: 6,
  RMI_ERROR_RTT_AUX: 7,
  RMI_ERROR_PSMMU_ST: 8,
  RMI_ERROR_DPT: 9,
  RMI_BUSY: 10,
  RMI_ERROR_GLOBAL: 11,
  RMI_ERROR_TRACKING: 12,
  RMI_INCOMPLETE: 13,
  RMI_BLOCKED: 14,
  RMI_ERROR_GPT: 15,
  RMI_ERROR_GRANULE: 16,
} as const;
export type RmiStatusName = keyof typeof RMI_STATUS;

const STATUS_NAMES = new Map<number, RmiStatusName>(
  (Object.keys(RMI_STATUS) as RmiStatusName[]).map((k) => [RMI_STATUS[k], k]),
);

/** The name of an RMI status value, e.g. 4 → RMI_ERROR_RTT. */
export function rmiStatusName(status: number): RmiStatusName {
  const n = STATUS_NAMES.get(status);
  if (n === undefined) throw new RangeError(`status: expected a known RMI status 0…16, got ${status}`);
  return n;
}

/** `status | index << 8` (brief §6.1). */
export const rmiRet = (status: number, index = 0): number => status | (index << 8);
/** RMI_RETURN_STATUS(ret). */
export const RMI_RETURN_STATUS = (ret: number): number => ret & 0xff;
/** RMI_RETURN_INDEX(ret). */
export const RMI_RETURN_INDEX = (ret: number): number => (ret >> 8) & 0xff;

/** RMI_ADDR_TYPE_* for the range commands (brief §3.5, §3.7). */
export const RMI_ADDR_TYPE_NONE = 0n;
export const RMI_ADDR_TYPE_SINGLE = 1n;

/** RmiAddrRangeDesc ST values (brief §3.5). */
export const RMI_OP_MEM_DELEGATED = 0n;
export const RMI_OP_MEM_UNDELEGATED = 1n;

/** RMI_S2AP_DIRECT_* bits of RmiRttUnprotMapFlags.S2AP (brief §3.5). */
export const RMI_S2AP_DIRECT_WRITE = 1;
export const RMI_S2AP_DIRECT_READ = 2;

/** MT_S2_FWB_* values from arch/arm64/include/asm/memory.h (brief §3.5). */
export const MT_S2_FWB_DEVICE_nGnRE = 1;
export const MT_S2_FWB_NORMAL_NC = 5;
export const MT_S2_FWB_NORMAL = 6;

/** RIPAS values (brief §6.2). */
export type Ripas = 'empty' | 'ram' | 'destroyed';
export const RMI_EMPTY = 0;
export const RMI_RAM = 1;

/** REC entry flags the model uses (brief §3.1, §8.15–8.16, §8.20). */
export const REC_ENTER_FLAG_EMULATED_MMIO = 1 << 0;
export const REC_ENTER_FLAG_INJECT_SEA = 1 << 1;
export const REC_ENTER_FLAG_RIPAS_RESPONSE = 1 << 4;

/** RSI_IPA_STATE_SET (brief §4.1). */
export const RSI_IPA_STATE_SET_FID = 0xc4000197;
export const RSI_CHANGE_DESTROYED = 1n;

/* ---- ESR_EL2 (brief §2.1) ---- */
export const ESR_ELx_EC_SHIFT = 26n;
export const ESR_ELx_EC_DABT_LOW = 0x24n;
export const ESR_ELx_IL = 1n << 25n;
export const ESR_ELx_ISV = 1n << 24n;
export const ESR_ELx_SAS_SHIFT = 22n;
export const ESR_ELx_SAS = 3n << 22n;
export const ESR_ELx_SSE = 1n << 21n;
export const ESR_ELx_SRT_SHIFT = 16n;
export const ESR_ELx_SRT = 0x1fn << 16n;
export const ESR_ELx_SF = 1n << 15n;
export const ESR_ELx_SET = 3n << 11n;
export const ESR_ELx_FnV = 1n << 10n;
export const ESR_ELx_EA = 1n << 9n;
export const ESR_ELx_CM = 1n << 8n;
export const ESR_ELx_S1PTW = 1n << 7n;
export const ESR_ELx_WNR = 1n << 6n;
export const ESR_ELx_FSC = 0x3fn;
export const ESR_ELx_EC = 0x3fn << 26n;

/** DFSC bases (brief §2.1). */
export const FSC_TRANSLATION_L0 = 0x04n;
export const FSC_ACCESS_L0 = 0x08n;
export const FSC_PERM_L0 = 0x0cn;
export const FSC_SEA = 0x10n;

/** TF-RMM ESR_NONEMULATED_ABORT_MASK: EC | SET | FnV | EA | DFSC (brief §2.2 item 4). */
export const ESR_NONEMULATED_ABORT_MASK = ESR_ELx_EC | ESR_ELx_SET | ESR_ELx_FnV | ESR_ELx_EA | ESR_ELx_FSC;
/** TF-RMM ESR_EMULATED_ABORT_MASK: non-emulated + ISV, SAS, SF, WnR (brief §2.2 item 6). */
export const ESR_EMULATED_ABORT_MASK =
  ESR_NONEMULATED_ABORT_MASK | ESR_ELx_ISV | ESR_ELx_SAS | ESR_ELx_SF | ESR_ELx_WNR;

/* ---- KVM / host constants ---- */
/** enum kvm_pgtable_prot bits in the v7.1 layout (brief §3.5, UNCERTAIN source quality [S-PGT]). */
export const KVM_PGTABLE_PROT_PX = 1 << 0;
export const KVM_PGTABLE_PROT_UX = 1 << 1;
export const KVM_PGTABLE_PROT_X = KVM_PGTABLE_PROT_PX | KVM_PGTABLE_PROT_UX;
export const KVM_PGTABLE_PROT_W = 1 << 2;
export const KVM_PGTABLE_PROT_R = 1 << 3;
export const KVM_PGTABLE_PROT_DEVICE = 1 << 4;
export const KVM_PGTABLE_PROT_NORMAL_NC = 1 << 5;

/** include/uapi/linux/kvm.h (brief §4.3). */
export const KVM_EXIT_MMIO = 6;
export const KVM_EXIT_MEMORY_FAULT = 39;
export const KVM_MEMORY_EXIT_FLAG_PRIVATE = 1n << 3n;
export const KVM_MEMORY_ATTRIBUTE_PRIVATE = 1n << 3n;
