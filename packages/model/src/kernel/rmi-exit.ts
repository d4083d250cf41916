/**
 * arch/arm64/kvm/rmi-exit.c of the v14 series (patch 22, [S-THREAD msg 23]) by function name:
 * decoding a REC exit and dispatching it (brief §3.1, §4.1 host side).
 */
import { ESR_ELx_EC_DABT_LOW, RMI_RAM, REC_ENTER_FLAG_RIPAS_RESPONSE } from '../rmm/constants.js';
import type { RecRunResult } from '../rmm/exit.js';
import { EFAULT, EINVAL, ENXIO } from '../sim/errno.js';
import { hex } from '../sim/trace.js';
import { call, decide, type VcpuState, type World } from '../sim/world.js';
import { kvm_prepare_memory_fault_exit } from './memattr.js';
import {
  kvm_handle_guest_abort,
  kvm_vcpu_dabt_get_rd,
  kvm_vcpu_dabt_isvalid,
  kvm_vcpu_dabt_iswrite,
} from './mmu.js';

/** HPFAR_EL2.NS, reused by KVM as a "valid" flag (brief §2.2 item 7). */
export const HPFAR_EL2_NS = 1n << 63n;

/**
 * rec_exit_sync_dabt(vcpu): for a valid-syndrome write, copy rec_exit.gprs[0] into the register
 * named by SRT (which the RMM masked to 0), then kvm_handle_guest_abort(). Returns its result.
 */
export function rec_exit_sync_dabt(w: World, vcpu: VcpuState, gprs0: bigint): number {
  return call(w, 'rec_exit_sync_dabt', { esr: vcpu.fault.esr }, () => {
    if (kvm_vcpu_dabt_iswrite(vcpu) && kvm_vcpu_dabt_isvalid(vcpu)) {
      const rt = kvm_vcpu_dabt_get_rd(vcpu);
      vcpu.regs.set(rt, gprs0);
      decide(w, 'rec_exit_sync_dabt', `valid-syndrome write: x${rt} = gprs[0] = ${hex(gprs0)}`);
    }
    return kvm_handle_guest_abort(w, vcpu);
  });
}

/**
 * rec_exit_ripas_change(vcpu): the range must lie wholly in the protected half, else the REC is
 * told to reject (REC_ENTER_FLAG_RIPAS_RESPONSE) and -EINVAL; otherwise a KVM_EXIT_MEMORY_FAULT
 * with PRIVATE set for RAM, and -EFAULT (brief §4.1 host side item 2).
 */
export function rec_exit_ripas_change(
  w: World,
  vcpu: VcpuState,
  base: bigint,
  top: bigint,
  ripas: number,
): number {
  return call(w, 'rec_exit_ripas_change', { base, top, ripas }, () => {
    const bit = w.geom.sharedBit;
    if (base >= bit || top > bit) {
      decide(w, 'rec_exit_ripas_change', 'range not wholly in the protected half: reject');
      const rec = w.rmm.recs.get(vcpu.id);
      if (rec !== undefined) rec.enterFlags |= REC_ENTER_FLAG_RIPAS_RESPONSE;
      return EINVAL;
    }
    kvm_prepare_memory_fault_exit(w, vcpu, base, top - base, false, false, ripas === RMI_RAM);
    return EFAULT;
  });
}

/**
 * handle_rec_exit(vcpu, rec_run_ret): store esr/far/hpfar|NS in vcpu->arch.fault and dispatch:
 * RMI_EXIT_SYNC with a lower-EL data abort → rec_exit_sync_dabt(); other ECs → -ENXIO;
 * RMI_EXIT_RIPAS_CHANGE → rec_exit_ripas_change(). Returns > 0 to re-enter, 0 to exit to
 * userspace, < 0 for a KVM_RUN error.
 */
export function handle_rec_exit(
  w: World,
  vcpu: VcpuState,
  ex: Extract<RecRunResult, { kind: 'exit' }>,
): number {
  if (ex.reason === 'RMI_EXIT_SYNC') {
    if (w.t.on)
      w.t.ev({
        type: 'rec_exit',
        reason: ex.reason,
        esr: ex.esr,
        far: ex.far,
        hpfar: ex.hpfar,
        gprs0: ex.gprs0,
        ripasBase: 0n,
        ripasTop: 0n,
        ripas: 0,
      });
  } else {
    if (w.t.on)
      w.t.ev({
        type: 'rec_exit',
        reason: ex.reason,
        esr: 0n,
        far: 0n,
        hpfar: 0n,
        gprs0: 0n,
        ripasBase: ex.base,
        ripasTop: ex.top,
        ripas: ex.ripas,
      });
  }
  return call(w, 'handle_rec_exit', { exit_reason: ex.reason }, () => {
    if (ex.reason === 'RMI_EXIT_SYNC') {
      const fault = vcpu.fault;
      fault.esr = ex.esr;
      fault.far = ex.far;
      fault.hpfar = ex.hpfar | HPFAR_EL2_NS;
      vcpu.lastExit = { reason: ex.reason, ripasBase: 0n, ripasTop: 0n, ripas: 0, gprs0: ex.gprs0 };
      const ec = (ex.esr >> 26n) & 0x3fn;
      if (ec !== ESR_ELx_EC_DABT_LOW) {
        decide(w, 'handle_rec_exit', `unhandled EC ${hex(ec)}`);
        return ENXIO;
      }
      return rec_exit_sync_dabt(w, vcpu, ex.gprs0);
    }
    const fault = vcpu.fault;
    fault.esr = 0n;
    fault.far = 0n;
    fault.hpfar = 0n;
    vcpu.lastExit = { reason: ex.reason, ripasBase: ex.base, ripasTop: ex.top, ripas: ex.ripas, gprs0: 0n };
    return rec_exit_ripas_change(w, vcpu, ex.base, ex.top, ex.ripas);
  });
}
