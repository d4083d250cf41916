/**
 * The realm guest (brief §4.1 guest side, §5): loads and stores to an IPA, and
 * set_memory_decrypted()/set_memory_encrypted() reduced to what reaches the RMM:
 * __set_memory_enc_dec() → rsi_set_memory_range_{shared,protected}() → RSI_IPA_STATE_SET
 * (FID 0xC4000197) with RSI_CHANGE_DESTROYED, looping until top == end [S-PAGEATTR, S-RSI-H].
 * The guest retries a faulting access after every re-entry; the VMM/KVM loop bounds it.
 */
import type { Ipa } from '../types/addr.js';
import type { AccessSize } from '../scenario/types.js';
import type { GuestOp } from '../rmm/exit.js';
import { call, type VcpuState, type World } from '../sim/world.js';
import { vmmRunVcpu, type OpResult } from '../vmm/qemu.js';

/** A load or store by the guest at `ipa` (with the shared bit for shared memory). */
export function guestAccess(
  w: World,
  vcpu: VcpuState,
  write: boolean,
  ipa: Ipa,
  size: AccessSize,
  value: bigint,
  isv: boolean,
): OpResult {
  if (w.t.on)
    w.t.ev({
      type: 'guest_access',
      op: write ? 'write' : 'read',
      ipa,
      size: BigInt(size),
      isv,
      value: write ? value : null,
    });
  const op: GuestOp = { kind: 'access', write, ipa, size, value, isv };
  return vmmRunVcpu(w, vcpu, op);
}

/**
 * set_memory_decrypted (shared = true) / set_memory_encrypted: RSI_IPA_STATE_SET over
 * [ipa, ipa+size) to EMPTY or RAM. Returns the outcome of the vCPU run; the C returns 0 or an
 * error, which the trace shows.
 */
export function guestSetMemory(w: World, vcpu: VcpuState, shared: boolean, ipa: Ipa, size: bigint): OpResult {
  let res: OpResult = { outcome: 'completed' };
  call(w, shared ? 'set_memory_decrypted' : 'set_memory_encrypted', { addr: ipa, size }, () => {
    const fn = shared ? 'rsi_set_memory_range_shared' : 'rsi_set_memory_range_protected';
    return call(w, fn, { start: ipa, end: ipa + size }, () => {
      if (w.t.on)
        w.t.ev({ type: 'guest_access', op: 'RSI_IPA_STATE_SET', ipa, size, isv: false, value: null });
      const op: GuestOp = { kind: 'rsi', base: ipa, end: ipa + size, ripas: shared ? 'empty' : 'ram' };
      res = vmmRunVcpu(w, vcpu, op);
      return res.outcome === 'completed' && op.base >= op.end ? 0 : -22;
    });
  });
  return res;
}
