/**
 * The KVM_RUN path for a REC (arch/arm64/kvm/arm.c + rmi.c of v14, [S-THREAD msgs 23–25]):
 * kvm_rec_pre_enter() finishes what the last exit left (MMIO result, RIPAS change), then the
 * REC is entered until handle_rec_exit() returns ≤ 0. Run-loop convention (brief §3.2 item 12):
 * > 0 re-enter, 0 exit to userspace with run->exit_reason, < 0 KVM_RUN fails with that errno.
 */
import { REC_ENTER_FLAG_EMULATED_MMIO } from '../rmm/constants.js';
import { rmm_rec_enter, type GuestOp, type RecRunResult } from '../rmm/exit.js';
import { call, decide, type VcpuState, type World } from '../sim/world.js';
import { kvm_complete_ripas_change } from './rmi.js';
import { handle_rec_exit } from './rmi-exit.js';

/**
 * kvm_rec_pre_enter(vcpu): after KVM_EXIT_MMIO put the emulated value in x0 and set
 * REC_ENTER_FLAG_EMULATED_MMIO (brief §8.15); after RMI_EXIT_RIPAS_CHANGE run
 * kvm_complete_ripas_change(). Returns 1 to enter or a negative errno.
 */
export function kvm_rec_pre_enter(w: World, vcpu: VcpuState): number {
  const last = vcpu.lastExit;
  const mmio = vcpu.run.exitReason === 'KVM_EXIT_MMIO' ? vcpu.run.mmio : null;
  if (mmio === null && last?.reason !== 'RMI_EXIT_RIPAS_CHANGE') return 1;
  return call(w, 'kvm_rec_pre_enter', {}, () => {
    const rec = w.rmm.recs.get(vcpu.id);
    if (rec === undefined) throw new Error(`no REC for vCPU ${vcpu.id}`);
    if (mmio !== null) {
      const pend = vcpu.mmioReadPending;
      if (pend !== null) {
        vcpu.regs.set(pend.srt, mmio.data);
        vcpu.mmioReadPending = null;
      }
      rec.enterGprs0 = vcpu.regs.get(0) ?? 0n;
      rec.enterFlags |= REC_ENTER_FLAG_EMULATED_MMIO;
      decide(w, 'kvm_rec_pre_enter', 'KVM_EXIT_MMIO done: enter.gprs[0] = x0, REC_ENTER_FLAG_EMULATED_MMIO');
      vcpu.run.exitReason = null;
      vcpu.run.mmio = null;
      return 1;
    }
    const ret = kvm_complete_ripas_change(w, vcpu);
    if (ret > 0) vcpu.lastExit = null;
    return ret;
  });
}

export type KvmRunResult =
  | { readonly kind: 'guest'; readonly outcome: 'completed' | 'guest_sea'; readonly value?: bigint }
  | { readonly kind: 'ret'; readonly ret: number }
  | { readonly kind: 'no_progress' };

/**
 * kvm_arch_vcpu_ioctl_run(vcpu) for a realm: pre-enter, then RMI_REC_ENTER / handle_rec_exit()
 * until the latter returns ≤ 0. The model stops when the guest operation completes (or takes an
 * SEA), or when `entries.left` REC entries have been used (no progress).
 */
export function kvm_arch_vcpu_ioctl_run(
  w: World,
  vcpu: VcpuState,
  op: GuestOp,
  entries: { left: number },
): KvmRunResult {
  const pre = kvm_rec_pre_enter(w, vcpu);
  if (pre <= 0) return { kind: 'ret', ret: pre };
  vcpu.run.exitReason = null;
  vcpu.run.memoryFault = null;
  vcpu.run.mmio = null;
  for (;;) {
    if (entries.left-- <= 0) return { kind: 'no_progress' };
    const r: RecRunResult = rmm_rec_enter(w, vcpu.id, op);
    if (r.kind === 'done')
      return r.value === undefined
        ? { kind: 'guest', outcome: r.outcome }
        : { kind: 'guest', outcome: r.outcome, value: r.value };
    const ret = handle_rec_exit(w, vcpu, r);
    if (ret <= 0) return { kind: 'ret', ret };
  }
}
