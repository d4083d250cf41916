/**
 * The scenario the Fault explorer runs for a selection, in the public scenario format
 * (packages/model/scenario.schema.json), so the model's own parser validates it exactly as it
 * validates a file given to `npx realmfault run`. The set-up is the built-in scenarios' common
 * one (packages/model/src/scenarios/builtin.ts): a 41-bit realm and one memslot GPA [0x40000000, 0xC0000000) at HVA
 * 0xffff23e00000, with RIPAS RAM over the memslot when it has guest_memfd (the parser's default).
 */
import type { Json } from '@realmfault/model';
import { inapplicable, PAGE_GPA, type Selection } from './choices';

/** The realm's IPA width: the seed's, whose shared bit is bit 40 (IPA 0x10046880000 for GPA 0x46880000) [@v14-29-shan-0625]. */
export const EXPLORER_IPA_BITS = 41;
const SHARED_BIT = 1n << BigInt(EXPLORER_IPA_BITS - 1);

/** The value the guest stores and the value the VMM writes beforehand (as in the built-in scenarios). */
export const GUEST_VALUE = 0x1234n;
export const VMM_VALUE = 0x5a5an;

const hex = (v: bigint): string => `0x${v.toString(16)}`;

/** The IPA the guest accesses: the page's GPA, with the shared bit for the shared half. */
export function selectionIpa(sel: Pick<Selection, 'half' | 'page'>): bigint {
  return PAGE_GPA[sel.page] | (sel.half === 'shared' ? SHARED_BIT : 0n);
}

/** The selection as a scenario document (JSON-ready), for parseScenario(). */
export function buildScenario(sel: Selection): { readonly [k: string]: Json } {
  const gpa = PAGE_GPA[sel.page];
  const ipa = hex(selectionIpa(sel));
  const na = inapplicable(sel);
  const access: Json =
    sel.access === 'read'
      ? { guest: 'read', ipa, size: 8, isv: sel.isv }
      : { guest: 'write', ipa, value: hex(GUEST_VALUE), size: 8, isv: sel.isv };
  const steps: Json[] = [];
  if (sel.before === 'vmm-write' && !na.vmmWrite) {
    steps.push({ vmm: 'write', gpa: hex(gpa), value: hex(VMM_VALUE), size: 8 });
  } else if (sel.before === 'guest-read') {
    steps.push({ guest: 'read', ipa, size: 8, isv: sel.isv });
  }
  steps.push(access);
  const toggles: Record<string, boolean> = { ...sel.toggles };
  return {
    name: 'fault-explorer',
    description: `Fault explorer: ${sel.access} at IPA ${ipa} (${sel.half} half, ISV=${sel.isv ? 1 : 0}), attribute ${sel.attribute}, ${sel.backing}${sel.guestMemfd ? ' with guest_memfd' : ' without guest_memfd'}, before: ${sel.before}.`,
    variant: sel.variant === 'post-v14-review' ? 'post-v14-review' : 'v14',
    seed: 1,
    toggles,
    realm: { ipaBits: EXPLORER_IPA_BITS },
    memslots: [
      {
        gpa: '0x40000000',
        size: '0x80000000',
        hva: '0xffff23e00000',
        guestMemfd: sel.guestMemfd,
        backing: sel.backing,
      },
    ],
    // The attribute is the reader's choice: the memslot is not made private wholesale at creation
    // (as QEMU does [@qemu-kvm-all.c:1612-1619]), only the faulting page when "private" is chosen.
    vmm: { gmemPrivateAtCreation: false },
    private: sel.attribute === 'private' && !na.attribute ? [{ gpa: hex(gpa), size: '0x1000' }] : [],
    steps,
  };
}
