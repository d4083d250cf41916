/**
 * The realm guest: loads and stores to an IPA, and set_memory_decrypted()/set_memory_encrypted()
 * reduced to what reaches the RMM: __set_memory_enc_dec() → rsi_set_memory_range_{shared,
 * protected}() → RSI_IPA_STATE_SET (FID 0xC4000197 [@linux-rsi_smc.h:166]) with
 * RSI_CHANGE_DESTROYED. The guest retries a faulting access after every re-entry; the VMM/KVM loop
 * bounds it.
 */
import type { Ipa } from '../types/addr.js';
import type { AccessSize } from '../scenario/types.js';
import type { GuestOp } from '../rmm/exit.js';
import { EINVAL } from '../sim/errno.js';
import { call, decide, type VcpuState, type World } from '../sim/world.js';
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
 * set_memory_decrypted() (shared = true) / set_memory_encrypted(): __set_memory_enc_dec() →
 * rsi_set_memory_range_shared() / _protected(), both with RSI_CHANGE_DESTROYED, which call
 * RSI_IPA_STATE_SET from the start of the range until X1 reaches its end; a status other than
 * RSI_SUCCESS, a REJECT in X2 or an X1 outside the range gives -EINVAL [@linux-rsi.h:26-69],
 * [@linux-pageattr.c:278-322], and realm_set_memory_decrypted()/_encrypted() then WARN that the
 * pages are leaked [@linux-pageattr.c:324-346]. The repeated calls happen inside the vCPU run
 * (src/rmm/exit.ts). Returns the run's outcome with the RSI status.
 */
export function guestSetMemory(w: World, vcpu: VcpuState, shared: boolean, ipa: Ipa, size: bigint): OpResult {
  let res: OpResult = { outcome: 'completed' };
  call(w, shared ? 'set_memory_decrypted' : 'set_memory_encrypted', { addr: ipa, size }, () => {
    const fn = shared ? 'rsi_set_memory_range_shared' : 'rsi_set_memory_range_protected';
    const ret = call(w, fn, { start: ipa, end: ipa + size }, () => {
      if (w.t.on)
        w.t.ev({ type: 'guest_access', op: 'RSI_IPA_STATE_SET', ipa, size, isv: false, value: null });
      const op: GuestOp = { kind: 'rsi', base: ipa, end: ipa + size, ripas: shared ? 'empty' : 'ram' };
      res = vmmRunVcpu(w, vcpu, op);
      const ok =
        res.outcome === 'completed' &&
        res.rsi === 'RSI_SUCCESS' &&
        res.rsiResponse === 'RSI_ACCEPT' &&
        op.base >= op.end;
      return ok ? 0 : EINVAL;
    });
    if (ret !== 0 && res.outcome === 'completed')
      decide(
        w,
        shared ? 'realm_set_memory_decrypted' : 'realm_set_memory_encrypted',
        `guest WARN: Failed to ${shared ? 'decrypt' : 'encrypt'} memory, the pages will be leaked`,
      );
    return ret;
  });
  return res;
}
