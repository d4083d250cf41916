/**
 * arch/arm64/kvm/rmi-exit.c of the v14 series (patch 22 [@v14-22], with patch 24's MMIO change) by
 * function name: decoding a REC exit and dispatching it.
 */
import {
  ESR_ELx_EC_DABT_LOW,
  REC_ENTER_FLAG_RIPAS_RESPONSE,
  RMI_RAM,
  RMI_STATUS,
  rmiStatusName,
} from '../rmm/constants.js';
import type { RecRunResult } from '../rmm/exit.js';
import { EAGAIN, EFAULT, EINVAL, ENXIO } from '../sim/errno.js';
import { hex } from '../sim/trace.js';
import { call, decide, type VcpuState, type World } from '../sim/world.js';
import { kvm_prepare_memory_fault_exit } from './memattr.js';
import {
  kvm_handle_guest_abort,
  kvm_vcpu_dabt_get_rd,
  kvm_vcpu_dabt_isvalid,
  kvm_vcpu_dabt_iswrite,
} from './mmu.js';

/** ESR_ELx_EC_IABT_LOW (arch/arm64/include/asm/esr.h): an instruction abort from a lower EL. */
const ESR_ELx_EC_IABT_LOW = 0x20n;

/** HPFAR_EL2.NS, which KVM reuses as a "valid" flag for the HPFAR it stores [@v14-rmi-exit.c:192-197]. */
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
 * with PRIVATE set for RAM, and -EFAULT [@v14-rmi-exit.c:90-117].
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
 * handle_rec_exit(vcpu, rec_run_ret): first the status of RMI_REC_ENTER — RMI_ERROR_REALM (a
 * realm the RMM no longer runs, e.g. after SYSTEM_OFF) → KVM_EXIT_SHUTDOWN and 0; RMI_ERROR_REC →
 * -EAGAIN; any other failure → -ENXIO. Then, for every exit, store esr and far in
 * vcpu->arch.fault with hpfar 0, and dispatch on the exit reason: RMI_EXIT_SYNC sets hpfar to
 * rec_exit.hpfar | HPFAR_EL2_NS (NS reused as "valid") and goes by EC (a lower-EL data abort →
 * rec_exit_sync_dabt(); an instruction abort, and an EC the model does not produce, → -ENXIO);
 * RMI_EXIT_RIPAS_CHANGE → rec_exit_ripas_change() [@v14-rmi-exit.c:148-215]. Returns > 0 to
 * re-enter, 0 to exit to userspace, < 0 for a KVM_RUN error.
 */
export function handle_rec_exit(
  w: World,
  vcpu: VcpuState,
  r: Exclude<RecRunResult, { kind: 'done' }>,
): number {
  if (r.kind === 'exit' && w.t.on) {
    if (r.reason === 'RMI_EXIT_SYNC')
      w.t.ev({ type: 'rec_exit', reason: r.reason, esr: r.esr, far: r.far, hpfar: r.hpfar, gprs0: r.gprs0 });
    else w.t.ev({ type: 'rec_exit', reason: r.reason, ripasBase: r.base, ripasTop: r.top, ripas: r.ripas });
  }
  const reason = r.kind === 'exit' ? r.reason : `RMI_REC_ENTER status ${rmiStatusName(r.status)}`;
  return call(w, 'handle_rec_exit', { exit_reason: reason }, () => {
    const fn = 'handle_rec_exit';
    if (r.kind === 'error') {
      if (r.status === RMI_STATUS.RMI_ERROR_REALM) {
        decide(w, fn, 'RMI_ERROR_REALM: the realm cannot run; exit to userspace with KVM_EXIT_SHUTDOWN');
        vcpu.run.exitReason = 'KVM_EXIT_SHUTDOWN';
        return 0;
      }
      if (r.status === RMI_STATUS.RMI_ERROR_REC) {
        decide(w, fn, 'RMI_ERROR_REC: -EAGAIN, userspace retries');
        return EAGAIN;
      }
      return ENXIO;
    }
    const fault = vcpu.fault;
    if (r.reason === 'RMI_EXIT_SYNC') {
      fault.esr = r.esr;
      fault.far = r.far;
      fault.hpfar = r.hpfar | HPFAR_EL2_NS;
      vcpu.lastExit = { reason: r.reason, ripasBase: 0n, ripasTop: 0n, ripas: 0, gprs0: r.gprs0 };
      const ec = (r.esr >> 26n) & 0x3fn;
      if (ec !== ESR_ELx_EC_DABT_LOW) {
        decide(
          w,
          fn,
          `EC ${hex(ec)}: ${ec === ESR_ELx_EC_IABT_LOW ? 'rec_exit_sync_iabt(): Unhandled instruction abort' : 'no handler in the model'}, -ENXIO`,
        );
        return ENXIO;
      }
      return rec_exit_sync_dabt(w, vcpu, r.gprs0);
    }
    // The RMM writes no syndrome for a RIPAS change; what handle_rec_exit() copies is whatever
    // rec_exit holds, which TF-RMM zeroes before every REC entry [@tf-rmm-run.c:385-390].
    fault.esr = 0n;
    fault.far = 0n;
    fault.hpfar = 0n;
    vcpu.lastExit = { reason: r.reason, ripasBase: r.base, ripasTop: r.top, ripas: r.ripas, gprs0: 0n };
    return rec_exit_ripas_change(w, vcpu, r.base, r.top, r.ripas);
  });
}
