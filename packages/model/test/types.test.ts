/**
 * Type tests: the branded addresses make the seed's class of bug (an IPA used as a GPA, a GFN
 * used as a PFN) a compile-time error. `tsc -p packages/model` checks the @ts-expect-error lines;
 * the runtime assertions show what the unchecked mix-up would compute.
 */
import { describe, expect, it } from 'vitest';
import {
  __pfn_to_phys,
  gfn,
  gpa_to_gfn,
  ipa,
  kvm_gpa_from_fault,
  pfn,
  type Gpa,
  type Ipa,
} from '../src/types/addr.js';
import { realm_map_ipa } from '../src/kernel/rmi.js';

describe('kvm_gpa_from_fault / gpa_to_gfn (branded addresses)', () => {
  it('rejects an Ipa where a Gpa is expected, at compile time', () => {
    const fault: Ipa = ipa(0x10046880000n);
    // @ts-expect-error an Ipa (with the shared bit) is not a Gpa: strip it with kvm_gpa_from_fault
    const wrong = gpa_to_gfn(fault);
    expect(wrong).toBe(0x10046880n);
    const g: Gpa = kvm_gpa_from_fault(41, fault);
    expect(gpa_to_gfn(g)).toBe(0x46880n);
  });

  it('rejects a Gfn where a Pfn is expected, at compile time', () => {
    // @ts-expect-error a guest frame number is not a host page frame number
    const wrong = __pfn_to_phys(gfn(0x46880n));
    expect(wrong).toBe(0x46880000n);
    expect(__pfn_to_phys(pfn(0xb8b59n))).toBe(0xb8b59000n);
  });

  it('rejects a Gpa where realm_map_ipa expects the fault Ipa', () => {
    const typed: (typeof realm_map_ipa)['length'] = 6;
    expect(typed).toBe(realm_map_ipa.length);
    const check = (): void => {
      // @ts-expect-error realm_map_ipa takes the (unstripped) Ipa and a Pfn
      realm_map_ipa(undefined as never, kvm_gpa_from_fault(41, ipa(0x10046880000n)), pfn(1n), 0x1000n, 0, []);
    };
    expect(typeof check).toBe('function');
  });
});
