/**
 * RMI/RSI constants used by the model: command FIDs, status codes, RTT entry vocabulary, ESR
 * fields and masks, as TF-RMM main at 9a7f8ef4 defines them. The RMI status values and FIDs are in
 * lib/smc/include/smc-rmi.h [@tf-rmm-smc-rmi.h:26-113], their packing with an index in
 * lib/common/include/status.h [@tf-rmm-status.h:42-67], the ESR fields and masks in
 * lib/arch/include/arch.h [@tf-rmm-arch.h:359-437].
 */

/**
 * RMI commands with their SMC function IDs: SMC64_RMI_FID(offset) = 0xC4000150 + offset. The
 * model implements every one of them except RMI_REC_ENTER, whose RMM side is rmm_rec_enter() in
 * exit.ts (it returns an exit record, not an RMI result).
 */
export const RMI_FID = {
  /** [@tf-rmm-smc-rmi.h:916] */
  RMI_GRANULE_RANGE_DELEGATE: 0xc40001f1,
  /** [@tf-rmm-smc-rmi.h:926] */
  RMI_GRANULE_RANGE_UNDELEGATE: 0xc40001f2,
  /** [@tf-rmm-smc-rmi.h:401] */
  RMI_REALM_CREATE: 0xc4000158,
  /** [@tf-rmm-smc-rmi.h:393] */
  RMI_REALM_ACTIVATE: 0xc4000157,
  /** [@tf-rmm-smc-rmi.h:439] */
  RMI_REC_ENTER: 0xc400015c,
  /** [@tf-rmm-smc-rmi.h:449] */
  RMI_RTT_CREATE: 0xc400015d,
  /** [@tf-rmm-smc-rmi.h:382] (0xC4000153 was RMI_DATA_CREATE in RMM 1.0) */
  RMI_RTT_DATA_MAP_INIT: 0xc4000153,
  /** [@tf-rmm-smc-rmi.h:953] */
  RMI_RTT_DATA_MAP: 0xc40001f5,
  /** [@tf-rmm-smc-rmi.h:1040] */
  RMI_RTT_UNPROT_MAP: 0xc40001fb,
  /** [@tf-rmm-smc-rmi.h:1056] */
  RMI_RTT_UNPROT_UNMAP: 0xc40001fc,
  /** [@tf-rmm-smc-rmi.h:978] */
  RMI_RTT_DATA_UNMAP: 0xc40001f6,
  /** [@tf-rmm-smc-rmi.h:530] */
  RMI_RTT_INIT_RIPAS: 0xc4000168,
  /** [@tf-rmm-smc-rmi.h:543] */
  RMI_RTT_SET_RIPAS: 0xc4000169,
  /** [@tf-rmm-smc-rmi.h:518] */
  RMI_RTT_FOLD: 0xc4000166,
} as const;
export type RmiCommand = keyof typeof RMI_FID;

/** RMI status values [@tf-rmm-smc-rmi.h:26-113]. */
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

/**
 * `status | index << 8`: pack_return_code() [@tf-rmm-status.h:42-58]. The index is an unsigned
 * char there; TF-RMM puts an RTT level in it for RMI_ERROR_RTT and RMI_ERROR_RTT_AUX.
 */
export const rmiRet = (status: number, index = 0): number => status | ((index & 0xff) << 8);
/** RMI_RETURN_STATUS(ret): the low byte. */
export const RMI_RETURN_STATUS = (ret: number): number => ret & 0xff;
/** RMI_RETURN_INDEX(ret): bits [15:8]. */
export const RMI_RETURN_INDEX = (ret: number): number => (ret >> 8) & 0xff;

/**
 * RMI_ADDR_TYPE_* of the range commands' flags [@tf-rmm-smc-rmi.h:1290-1293]. The map commands
 * take SINGLE or LIST and reject NONE [@tf-rmm-rtt_map.c:136-169]; the unmap commands take all
 * three [@tf-rmm-rtt_unmap.c:91-136].
 */
export const RMI_ADDR_TYPE_NONE = 0n;
export const RMI_ADDR_TYPE_SINGLE = 1n;
export const RMI_ADDR_TYPE_LIST = 2n;

/** RmiAddrRangeDesc ST values [@tf-rmm-smc-rmi.h:1227-1228]. */
export const RMI_OP_MEM_DELEGATED = 0n;
export const RMI_OP_MEM_UNDELEGATED = 1n;

/** RMI_S2AP_DIRECT_* bits of RmiRttUnprotMapFlags.S2AP [@tf-rmm-smc-rmi.h:1315-1320]. */
export const RMI_S2AP_DIRECT_WRITE = 1;
export const RMI_S2AP_DIRECT_READ = 2;

/**
 * MT_S2_FWB_* values (Linux arch/arm64/include/asm/memory.h) that realm_map_non_secure() puts in
 * RmiRttUnprotMapFlags.MEMATTR [@v14-29]. TF-RMM copies MEMATTR into the descriptor's bits [4:2]
 * and rejects only the FWB reserved encoding 0b100 [@tf-rmm-s2tt_pvt_defs.h:197-200;
 * @tf-rmm-s2tt.c:960-965].
 */
export const MT_S2_FWB_DEVICE_nGnRE = 1;
export const MT_S2_FWB_NORMAL_NC = 5;
export const MT_S2_FWB_NORMAL = 6;
/** S2TTE_MEMATTR_FWB_RESERVED as a MEMATTR value: host_ns_s2tte_is_valid() refuses it. */
export const S2TTE_MEMATTR_FWB_RESERVED = 4;

/**
 * RIPAS values: RmiRipas [@tf-rmm-smc-rmi.h:299-311]. The model's RTT entries carry EMPTY, RAM
 * or DESTROYED (device memory is not modelled).
 */
export type Ripas = 'empty' | 'ram' | 'destroyed';
export const RMI_EMPTY = 0;
export const RMI_RAM = 1;
export const RMI_DESTROYED = 2;
export const RMI_DEV = 3;

/**
 * REC entry flags, with the kernel's names; TF-RMM calls them REC_ENTRY_FLAG_EMUL_MMIO,
 * REC_ENTRY_FLAG_INJECT_SEA and REC_ENTRY_FLAG_RIPAS_RESPONSE [@tf-rmm-smc-rmi.h:150-161].
 */
export const REC_ENTER_FLAG_EMULATED_MMIO = 1 << 0;
export const REC_ENTER_FLAG_INJECT_SEA = 1 << 1;
export const REC_ENTER_FLAG_RIPAS_RESPONSE = 1 << 4;

/** RSI_IPA_STATE_SET [@tf-rmm-smc-rsi.h:170-181] and its flag [@tf-rmm-smc-rsi.h:60-67]. */
export const RSI_IPA_STATE_SET_FID = 0xc4000197;
export const RSI_CHANGE_DESTROYED = 1n;

/** RsiCommandReturnCode [@tf-rmm-smc-rsi.h:26-46] and RsiResponse [@tf-rmm-smc-rsi.h:69-74]. */
export const RSI_SUCCESS = 0;
export const RSI_ERROR_INPUT = 1;
export const RSI_ACCEPT = 0;
export const RSI_REJECT = 1;

/* ---- ESR_EL2 fields [@tf-rmm-arch.h:359-422] ---- */
export const ESR_ELx_EC_SHIFT = 26n;
export const ESR_ELx_EC_DABT_LOW = 0x24n;
/** EC of an SMC from AArch64 (ESR_EL2_EC_SMC): what TF-RMM saves as the last exit of an RSI call. */
export const ESR_ELx_EC_SMC64 = 0x17n;
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

/**
 * DFSC bases (Arm ARM ESR_EL2.ISS.DFSC; TF-RMM names the translation, permission and SEA codes
 * [@tf-rmm-arch.h:413-420]).
 */
export const FSC_TRANSLATION_L0 = 0x04n;
export const FSC_ACCESS_L0 = 0x08n;
export const FSC_PERM_L0 = 0x0cn;
export const FSC_SEA = 0x10n;

/** TF-RMM ESR_NONEMULATED_ABORT_MASK: EC | SET | FnV | EA | DFSC [@tf-rmm-arch.h:424-430]. */
export const ESR_NONEMULATED_ABORT_MASK = ESR_ELx_EC | ESR_ELx_SET | ESR_ELx_FnV | ESR_ELx_EA | ESR_ELx_FSC;
/** TF-RMM ESR_EMULATED_ABORT_MASK: the above plus ISV, SAS, SF, WnR; not IL [@tf-rmm-arch.h:432-437]. */
export const ESR_EMULATED_ABORT_MASK =
  ESR_NONEMULATED_ABORT_MASK | ESR_ELx_ISV | ESR_ELx_SAS | ESR_ELx_SF | ESR_ELx_WNR;

/* ---- KVM / host constants ---- */
/**
 * enum kvm_pgtable_prot bits in the v7.x layout (Linux arch/arm64/include/asm/kvm_pgtable.h).
 * UNCERTAIN source quality: read from a transliterated copy, corroborated by the seed's prot=0xf
 * with MEMATTR 6.
 */
export const KVM_PGTABLE_PROT_PX = 1 << 0;
export const KVM_PGTABLE_PROT_UX = 1 << 1;
export const KVM_PGTABLE_PROT_X = KVM_PGTABLE_PROT_PX | KVM_PGTABLE_PROT_UX;
export const KVM_PGTABLE_PROT_W = 1 << 2;
export const KVM_PGTABLE_PROT_R = 1 << 3;
export const KVM_PGTABLE_PROT_DEVICE = 1 << 4;
export const KVM_PGTABLE_PROT_NORMAL_NC = 1 << 5;

/** Linux include/uapi/linux/kvm.h. */
export const KVM_EXIT_MMIO = 6;
export const KVM_EXIT_MEMORY_FAULT = 39;
export const KVM_MEMORY_EXIT_FLAG_PRIVATE = 1n << 3n;
export const KVM_MEMORY_ATTRIBUTE_PRIVATE = 1n << 3n;
