/**
 * The KVM_RUN path for a REC (arch/arm64/kvm/arm.c, rmi.c and mmio.c of v14, patches 22–24
 * [@v14-22; @v14-23; @v14-24]):
 * kvm_rec_pre_enter() finishes what the last exit left (MMIO result, RIPAS change), then the
 * REC is entered until handle_rec_exit() returns ≤ 0. Run-loop convention, as for every KVM exit
 * handler [@v14-arm.c:1485-1488]:
 * > 0 re-enter, 0 exit to userspace with run->exit_reason, < 0 KVM_RUN fails with that errno.
 */
import { REC_ENTER_FLAG_EMULATED_MMIO } from '../rmm/constants.js';
import { rmm_rec_enter, type GuestOp, type RecRunResult } from '../rmm/exit.js';
import { EINVAL, EIO } from '../sim/errno.js';
import { hex } from '../sim/trace.js';
import { call, decide, type VcpuState, type World } from '../sim/world.js';
import { kvm_complete_ripas_change } from './rmi.js';
import { handle_rec_exit } from './rmi-exit.js';

/**
 * kvm_handle_mmio_return(vcpu) (arch/arm64/kvm/mmio.c, as v14 patch 24 changes it): KVM_RUN after
 * a KVM_EXIT_MMIO. For a read, the value the VMM put in run->mmio.data goes to the REC's
 * enter.gprs[0] (the host cannot write the realm's registers); either way
 * REC_ENTER_FLAG_EMULATED_MMIO tells the RMM to complete the instruction, instead of
 * kvm_incr_pc(). Returns 1.
 */
export function kvm_handle_mmio_return(w: World, vcpu: VcpuState): number {
  return call(w, 'kvm_handle_mmio_return', {}, () => {
    const rec = w.rmm.recs.get(vcpu.id);
    const mmio = vcpu.run.mmio;
    if (rec === undefined || mmio === null) throw new Error(`no REC or MMIO state for vCPU ${vcpu.id}`);
    if (!mmio.isWrite) {
      rec.enterGprs0 = mmio.data;
      decide(w, 'kvm_handle_mmio_return', `MMIO read: enter.gprs[0] = ${hex(mmio.data)}`);
    }
    rec.enterFlags |= REC_ENTER_FLAG_EMULATED_MMIO;
    vcpu.mmioReadPending = null;
    vcpu.run.exitReason = null;
    vcpu.run.mmio = null;
    return 1;
  });
}

/**
 * kvm_rec_pre_enter(vcpu) (arch/arm64/kvm/rmi.c, v14 patch 22): before every REC entry, refuse
 * with -EINVAL when KVM's realm state is not ACTIVE; then finish what the last REC exit left —
 * for RMI_EXIT_RIPAS_CHANGE, kvm_complete_ripas_change(). Returns 1 to enter or a negative errno.
 * (RMI_EXIT_HOST_CALL and RMI_EXIT_PSCI, which it also completes, are not modelled.) The model
 * traces it only when it does something.
 */
export function kvm_rec_pre_enter(w: World, vcpu: VcpuState): number {
  const last = vcpu.lastExit;
  const active = w.kvm.realmState === 'ACTIVE';
  if (active && last?.reason !== 'RMI_EXIT_RIPAS_CHANGE') return 1;
  return call(w, 'kvm_rec_pre_enter', {}, () => {
    if (!active) {
      decide(w, 'kvm_rec_pre_enter', `realm state ${w.kvm.realmState} is not REALM_STATE_ACTIVE: -EINVAL`);
      return EINVAL;
    }
    const ret = kvm_complete_ripas_change(w, vcpu);
    if (ret > 0) vcpu.lastExit = null;
    return ret;
  });
}

export type KvmRunResult =
  | {
      readonly kind: 'guest';
      readonly outcome: 'completed' | 'guest_sea';
      readonly value?: bigint;
      /** The RSI status an RSI call returned to the realm. */
      readonly rsi?: string;
      readonly rsiResponse?: string;
    }
  | { readonly kind: 'ret'; readonly ret: number }
  | { readonly kind: 'no_progress' };

/**
 * kvm_arch_vcpu_ioctl_run(vcpu) for a REC (arch/arm64/kvm/arm.c with v14 patches 22 and 24,
 * [@v14-arm.c:1341-1342], [@v14-arm.c:1391-1394], [@v14-arm.c:1485-1488]): after a KVM_EXIT_MMIO,
 * kvm_handle_mmio_return(); then, while the result stays positive, kvm_rec_pre_enter(),
 * RMI_REC_ENTER and handle_rec_exit(). The model stops when the guest's operation completes (or
 * takes an SEA), or when `entries.left` REC entries have been used (no progress).
 */
export function kvm_arch_vcpu_ioctl_run(
  w: World,
  vcpu: VcpuState,
  op: GuestOp,
  entries: { left: number },
): KvmRunResult {
  if (w.kvm.vmDead) {
    // kvm_vcpu_ioctl() refuses every vCPU ioctl of a dead VM before KVM_RUN reaches arm64 code.
    decide(w, 'kvm_vcpu_ioctl', 'kvm->vm_dead is set (kvm_vm_dead()): -EIO');
    return { kind: 'ret', ret: EIO };
  }
  if (vcpu.run.exitReason === 'KVM_EXIT_MMIO') {
    const ret = kvm_handle_mmio_return(w, vcpu);
    if (ret <= 0) return { kind: 'ret', ret };
  }
  vcpu.run.exitReason = null;
  vcpu.run.memoryFault = null;
  vcpu.run.mmio = null;
  for (;;) {
    const pre = kvm_rec_pre_enter(w, vcpu);
    if (pre <= 0) return { kind: 'ret', ret: pre };
    if (entries.left-- <= 0) return { kind: 'no_progress' };
    const r: RecRunResult = rmm_rec_enter(w, vcpu.id, op);
    if (r.kind === 'done') {
      const { outcome, value, rsi, rsiResponse } = r;
      return {
        kind: 'guest',
        outcome,
        ...(value === undefined ? {} : { value }),
        ...(rsi === undefined ? {} : { rsi }),
        ...(rsiResponse === undefined ? {} : { rsiResponse }),
      };
    }
    const ret = handle_rec_exit(w, vcpu, r);
    if (ret <= 0) return { kind: 'ret', ret };
  }
}
