/**
 * The VMM (QEMU-like, brief §4.1 VMM side, §8): the vCPU loop around KVM_RUN, its reaction to
 * KVM_EXIT_MEMORY_FAULT (kvm_convert_memory() — set attributes, then discard the unused backing
 * [S-QEMU-CONV]; or stop) and to KVM_EXIT_MMIO (a trivial device that remembers what was written),
 * and VMM reads/writes of guest RAM through its own mapping.
 */
import type { Gpa } from '../types/addr.js';
import { gpa as asGpa } from '../types/addr.js';
import type { AccessSize } from '../scenario/types.js';
import { KVM_MEMORY_EXIT_FLAG_PRIVATE } from '../rmm/constants.js';
import type { GuestOp } from '../rmm/exit.js';
import { granuleState } from '../rmm/rtt.js';
import { errnoName } from '../sim/errno.js';
import type { Outcome } from '../sim/result.js';
import { call, decide, type VcpuState, type World } from '../sim/world.js';
import {
  kvm_gmem_punch_hole,
  kvm_mmu_notifier_invalidate_range_start,
  kvm_vm_set_mem_attributes,
  splitByAttr,
} from '../kernel/memattr.js';
import { kvm_arch_vcpu_ioctl_run } from '../kernel/run.js';
import { gfnToHva, handleHostFault, memslotForGfn, readPhys, writePhys } from './host.js';

/** REC entries one guest operation may use before it counts as `no_progress`. */
export const MAX_REC_ENTRIES = 24;
/** KVM_RUN calls one guest operation may use before it counts as `no_progress`. */
export const MAX_KVM_RUNS = 16;

export interface OpResult {
  outcome: Outcome;
  value?: bigint;
  errno?: string;
}

/**
 * kvm_convert_memory(start, size, to_private): KVM_SET_MEMORY_ATTRIBUTES, then discard the
 * backing that is no longer used: the shared RAM when going private, the guest_memfd range when
 * going shared. Returns 0, or -1 when the range is not guest_memfd RAM (QEMU refuses).
 */
export function kvm_convert_memory(w: World, start: Gpa, size: bigint, toPrivate: boolean): number {
  return call(w, 'kvm_convert_memory', { start, size, to_private: toPrivate }, () => {
    for (let a = start as bigint; a < start + size; a += 0x1000n) {
      if (memslotForGfn(w, a >> 12n)?.guestMemfd !== true) {
        decide(w, 'kvm_convert_memory', `0x${a.toString(16)} is not guest_memfd RAM: cannot convert`);
        return -1;
      }
    }
    kvm_vm_set_mem_attributes(w, start, size, toPrivate);
    if (toPrivate) kvm_mmu_notifier_invalidate_range_start(w, start, size);
    else kvm_gmem_punch_hole(w, start, size);
    return 0;
  });
}

/** The VMM's vCPU thread for one guest operation: KVM_RUN until the operation is done. */
export function vmmRunVcpu(w: World, vcpu: VcpuState, op: GuestOp): OpResult {
  const entries = { left: MAX_REC_ENTRIES };
  for (let runs = 0; runs < MAX_KVM_RUNS; runs++) {
    const r = kvm_arch_vcpu_ioctl_run(w, vcpu, op, entries);
    if (r.kind === 'guest')
      return r.value === undefined ? { outcome: r.outcome } : { outcome: r.outcome, value: r.value };
    if (r.kind === 'no_progress') return { outcome: 'no_progress' };
    const ret = r.ret;
    const run = vcpu.run;
    const errno = ret < 0 ? errnoName(-ret) : null;
    const mf = run.exitReason === 'KVM_EXIT_MEMORY_FAULT' ? run.memoryFault : null;
    const mmio = run.exitReason === 'KVM_EXIT_MMIO' ? run.mmio : null;
    if (w.t.on)
      w.t.ev({
        type: 'exit_to_vmm',
        ret: ret < 0 ? -1 : ret,
        errno,
        exitReason: run.exitReason,
        gpa: mf?.gpa ?? mmio?.physAddr ?? null,
        size: mf?.size ?? (mmio !== null ? BigInt(mmio.len) : null),
        flags: mf?.flags ?? null,
        isWrite: mmio?.isWrite ?? null,
      });
    if (ret === 0 && mmio !== null) {
      w.t.acc.exits.push({ reason: 'KVM_EXIT_MMIO', gpa: asGpa(mmio.physAddr), isWrite: mmio.isWrite });
      if (mmio.isWrite) w.vmm.mmio.set(mmio.physAddr, mmio.data);
      else mmio.data = w.vmm.mmio.get(mmio.physAddr) ?? 0n;
      if (w.t.on)
        w.t.ev({
          type: 'vmm_action',
          what: mmio.isWrite ? 'MMIO write emulated' : 'MMIO read emulated',
          args: { phys_addr: mmio.physAddr, data: mmio.data },
        });
      continue;
    }
    if (ret === 0) {
      if (w.t.on) w.t.ev({ type: 'vmm_action', what: 'exit reason the VMM does not handle: stop', args: {} });
      return { outcome: 'vmm_exit' };
    }
    if (errno === 'EFAULT' && mf !== null) {
      w.t.acc.exits.push({
        reason: 'KVM_EXIT_MEMORY_FAULT',
        gpa: asGpa(mf.gpa),
        size: mf.size,
        flags: mf.flags,
      });
      if (w.sc.vmm.onMemoryFault === 'stop') {
        if (w.t.on) w.t.ev({ type: 'vmm_action', what: 'KVM_EXIT_MEMORY_FAULT: policy stop', args: {} });
        return { outcome: 'vmm_exit', errno: 'EFAULT' };
      }
      const toPrivate = (mf.flags & KVM_MEMORY_EXIT_FLAG_PRIVATE) !== 0n;
      if (kvm_convert_memory(w, asGpa(mf.gpa), mf.size, toPrivate) !== 0)
        return { outcome: 'vmm_exit', errno: 'EFAULT' };
      continue;
    }
    if (w.t.on)
      w.t.ev({ type: 'vmm_action', what: `KVM_RUN failed (${errno ?? ret}): vCPU stopped`, args: {} });
    return { outcome: 'kvm_run_error', errno: errno ?? String(ret) };
  }
  return { outcome: 'no_progress' };
}

function vmmHva(w: World, g: Gpa): bigint | undefined {
  const m = memslotForGfn(w, g >> 12n);
  return m === undefined ? undefined : gfnToHva(m, g >> 12n) + (g & 0xfffn);
}

/**
 * Resolve a VMM access to guest RAM through the VMM's own mapping, faulting the host page in as
 * the access would (a write breaks copy-on-write). Returns the host address and PTE, or the
 * outcome when the access cannot complete: outside guest RAM, or on a page delegated to the
 * realm (a granule protection fault, which the VMM sees as SIGBUS).
 */
function vmmAccess(
  w: World,
  g: Gpa,
  write: boolean,
): { hva: bigint; pte: ReturnType<typeof handleHostFault> } | OpResult {
  const hva = vmmHva(w, g);
  if (hva === undefined) {
    if (w.t.on)
      w.t.ev({ type: 'vmm_action', what: `${write ? 'write' : 'read'} outside guest RAM`, args: { gpa: g } });
    return { outcome: 'vmm_exit' };
  }
  const pte = handleHostFault(w, hva, write);
  if (granuleState(w, pte.pfn << 12n) !== 'undelegated') {
    if (w.t.on)
      w.t.ev({
        type: 'vmm_action',
        what: 'granule protection fault: the page is delegated to the realm (SIGBUS)',
        args: { gpa: g, pfn: pte.pfn },
      });
    return { outcome: 'vmm_exit' };
  }
  return { hva, pte };
}

/** The VMM reads guest RAM through its own mapping (how "QEMU reads zeros" is observed). */
export function vmmRead(w: World, g: Gpa, size: AccessSize): OpResult {
  const access = vmmAccess(w, g, false);
  if ('outcome' in access) return access;
  const { hva, pte } = access;
  const value = readPhys(w, (pte.pfn << 12n) + (hva & 0xfffn), size);
  if (w.t.on) w.t.ev({ type: 'vmm_read', gpa: g, hva, pfn: pte.pfn, value });
  return { outcome: 'completed', value };
}

/** The VMM writes guest RAM through its own mapping (breaking copy-on-write as a store does). */
export function vmmWrite(w: World, g: Gpa, size: AccessSize, value: bigint): OpResult {
  const access = vmmAccess(w, g, true);
  if ('outcome' in access) return access;
  const { hva, pte } = access;
  writePhys(w, (pte.pfn << 12n) + (hva & 0xfffn), size, value);
  if (w.t.on) w.t.ev({ type: 'vmm_write', gpa: g, hva, pfn: pte.pfn, value });
  return { outcome: 'completed' };
}

/** KVM_SET_MEMORY_ATTRIBUTES issued by the VMM on its own. */
export function vmmSetAttributes(w: World, g: Gpa, size: bigint, priv: boolean): OpResult {
  kvm_vm_set_mem_attributes(w, g, size, priv);
  return { outcome: 'completed' };
}

/**
 * The VMM discards the backing not in use for each part of the range: the shared RAM where the
 * attribute is private, the guest_memfd pages where it is shared (as kvm_convert_memory does).
 */
export function vmmDiscard(w: World, g: Gpa, size: bigint): OpResult {
  for (const part of splitByAttr(w, g >> 12n, (g + size) >> 12n)) {
    const s = part.start << 12n;
    const len = (part.end - part.start) << 12n;
    if (part.priv) kvm_mmu_notifier_invalidate_range_start(w, s, len);
    else kvm_gmem_punch_hole(w, s, len);
  }
  return { outcome: 'completed' };
}
