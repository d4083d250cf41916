/**
 * Branded address types. The seed's bugs are IPA/GPA and GFN/PFN mix-ups, so the model makes
 * each kind of address its own type: passing an `Ipa` where a `Gpa` is expected, or a `Gfn`
 * where a `Pfn` is expected, is a compile-time error. All are bigint because IPAs reach 52 bits
 * and descriptors 64.
 *
 * Converters keep the kernel's names so that grep works across the kernel tree and this one.
 */
declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

/** Intermediate physical address as the realm issues it: may carry the shared bit. */
export type Ipa = Brand<bigint, 'Ipa'>;
/** Guest physical address: an IPA with the shared bit stripped (what memslots are indexed by). */
export type Gpa = Brand<bigint, 'Gpa'>;
/** Guest frame number: GPA >> PAGE_SHIFT. */
export type Gfn = Brand<bigint, 'Gfn'>;
/** Host virtual address in the VMM's address space. */
export type Hva = Brand<bigint, 'Hva'>;
/** Host page frame number. */
export type Pfn = Brand<bigint, 'Pfn'>;
/** Host physical address. */
export type Pa = Brand<bigint, 'Pa'>;

/** 4 KiB granules only: PAGE_SHIFT 12 (TF-RMM requires GRANULE_SHIFT 12; the model does not cover 16K/64K hosts). */
export const PAGE_SHIFT = 12n;
export const PAGE_SIZE = 1n << PAGE_SHIFT;

export const ipa = (v: bigint): Ipa => v as Ipa;
export const gpa = (v: bigint): Gpa => v as Gpa;
export const gfn = (v: bigint): Gfn => v as Gfn;
export const hva = (v: bigint): Hva => v as Hva;
export const pfn = (v: bigint): Pfn => v as Pfn;
export const pa = (v: bigint): Pa => v as Pa;

/** gpa_to_gfn() in include/linux/kvm_host.h. */
export const gpa_to_gfn = (g: Gpa): Gfn => gfn(g >> PAGE_SHIFT);
/** gfn_to_gpa() in include/linux/kvm_host.h. */
export const gfn_to_gpa = (f: Gfn): Gpa => gpa(f << PAGE_SHIFT);
/** __pfn_to_phys() in arch/arm64/include/asm/memory.h. */
export const __pfn_to_phys = (p: Pfn): Pa => pa(p << PAGE_SHIFT);
/** __phys_to_pfn() in arch/arm64/include/asm/memory.h. */
export const __phys_to_pfn = (p: Pa): Pfn => pfn(p >> PAGE_SHIFT);

/** sharedBit() by IPA width, computed once (every fault asks for it). */
const SHARED_BITS: readonly bigint[] = Array.from({ length: 65 }, (_, b) =>
  b > 0 ? 1n << BigInt(b - 1) : 0n,
);

/** ~sharedBit() by IPA width (the mask kvm_gpa_from_fault() applies). */
const NOT_SHARED_BITS: readonly bigint[] = SHARED_BITS.map((b) => ~b);

/** The shared ("unprotected") bit of a realm IPA: bit ipaBits-1 [@v14-kvm_rmi.h:121-125]. */
export const sharedBit = (ipaBits: number): bigint => SHARED_BITS[ipaBits] ?? 1n << BigInt(ipaBits - 1);

/**
 * kvm_gpa_from_fault() in arch/arm64/include/asm/kvm_emulate.h, added by v14 patch 29 [@v14-29]:
 * for a realm, strip the shared bit; memslots are indexed by the result.
 */
export const kvm_gpa_from_fault = (ipaBits: number, fault: Ipa): Gpa =>
  gpa(fault & (NOT_SHARED_BITS[ipaBits] ?? ~sharedBit(ipaBits)));
