/**
 * Stage-2 geometry of a realm with 4 KiB granules.
 *
 * KVM derives the number of stage-2 levels from the IPA width with stage2_pgtable_levels()
 * (arch/arm64/include/asm/stage2_pgtable.h: ARM64_HW_PGTABLE_LEVELS(ipa - 4), which is
 * (ipa - 8) / 9 for 4 KiB pages) and the start level with get_start_level() = 4 - levels
 * [@v14-rmi.c:63-66], used by realm_create_rd() [@v14-rmi.c:504-580]. The root may concatenate up to 16 tables; KVM passes the
 * count as rtt_num_start = pgd_size / PAGE_SIZE.
 */
import { PAGE_SHIFT } from '../types/addr.js';

export const MIN_IPA_BITS = 32;
export const MAX_IPA_BITS = 52;
/** Bits resolved by one 4 KiB-granule table (512 entries). */
export const BITS_PER_LEVEL = 9;
/** Deepest level: L3 maps 4 KiB pages (TF-RMM S2TT_PAGE_LEVEL). */
export const PAGE_LEVEL = 3;
/** Shallowest level at which a block can be mapped (TF-RMM S2TT_MIN_BLOCK_LEVEL). */
export const MIN_BLOCK_LEVEL = 1;

export interface Stage2Geometry {
  readonly ipaBits: number;
  /** stage2_pgtable_levels(ipaBits). */
  readonly levels: number;
  /** get_start_level(): 4 - levels. */
  readonly startLevel: number;
  /** Entries in the (possibly concatenated) root table. */
  readonly rootEntries: number;
  /** rtt_num_start: how many 4 KiB tables the root spans. */
  readonly rootTables: number;
  /** The shared bit, 1 << (ipaBits - 1). */
  readonly sharedBit: bigint;
  /** 1 << ipaBits: the first IPA beyond the realm's IPA space. */
  readonly ipaLimit: bigint;
}

/** levelSize() for levels 0…3, computed once (the fault path asks for it on every walk). */
const LEVEL_SIZE: readonly bigint[] = [0, 1, 2, 3].map(
  (l) => 1n << (PAGE_SHIFT + BigInt(BITS_PER_LEVEL * (PAGE_LEVEL - l))),
);

/** Bytes mapped by one entry at `level` (L3: 4 KiB, L2: 2 MiB, L1: 1 GiB, L0: 512 GiB). */
export function levelSize(level: number): bigint {
  const size = LEVEL_SIZE[level];
  if (size === undefined || !Number.isInteger(level)) {
    throw new RangeError(`level: expected an integer 0…3, got ${String(level)}`);
  }
  return size;
}

/** levelSize() as a number: exact, every level size is a power of two below 2^53. */
export function levelSizeNumber(level: number): number {
  return Number(levelSize(level));
}

/** The stage-2 geometry for an IPA width of 32…52 bits. */
export function stage2Geometry(ipaBits: number): Stage2Geometry {
  if (!Number.isInteger(ipaBits) || ipaBits < MIN_IPA_BITS || ipaBits > MAX_IPA_BITS) {
    throw new RangeError(
      `ipaBits: expected an integer ${MIN_IPA_BITS}…${MAX_IPA_BITS}, got ${String(ipaBits)}`,
    );
  }
  const levels = Math.floor((ipaBits - 8) / BITS_PER_LEVEL);
  const startLevel = 4 - levels;
  // Bits below the root level's entries, i.e. what one root entry maps.
  const belowRoot = Number(PAGE_SHIFT) + BITS_PER_LEVEL * (PAGE_LEVEL - startLevel);
  const rootEntries = 2 ** (ipaBits - belowRoot);
  return {
    ipaBits,
    levels,
    startLevel,
    rootEntries,
    rootTables: Math.max(1, rootEntries / 512),
    sharedBit: 1n << BigInt(ipaBits - 1),
    ipaLimit: 1n << BigInt(ipaBits),
  };
}
