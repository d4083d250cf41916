/**
 * The VMM, as upstream QEMU behaves [@qemu-kvm-all.c]: the vCPU loop around KVM_RUN
 * (kvm_cpu_exec()), its answer to KVM_EXIT_MEMORY_FAULT (kvm_convert_memory(): flip the memory
 * attributes, then discard the backing no longer in use) and to KVM_EXIT_MMIO (a trivial device that
 * remembers what was written), and VMM reads and writes of guest RAM through its own mapping.
 */
import type { Gpa } from '../types/addr.js';
import { gpa as asGpa } from '../types/addr.js';
import type { AccessSize } from '../scenario/types.js';
import { KVM_MEMORY_EXIT_FLAG_PRIVATE } from '../rmm/constants.js';
import type { GuestOp } from '../rmm/exit.js';
import { granuleState } from '../rmm/rtt.js';
import { EINVAL, errnoName } from '../sim/errno.js';
import type { Outcome } from '../sim/result.js';
import { call, decide, type VcpuState, type World } from '../sim/world.js';
import { kvm_gmem_punch_hole, kvm_vm_set_mem_attributes, splitByAttr } from '../kernel/memattr.js';
import { kvm_arch_vcpu_ioctl_run } from '../kernel/run.js';
import { discardHostRange, gfnToHva, handleHostFault, memslotForGfn, readPhys, writePhys } from './host.js';

/** REC entries one guest operation may use before it counts as `no_progress`. */
export const MAX_REC_ENTRIES = 24;
/** KVM_RUN calls one guest operation may use before it counts as `no_progress`. */
export const MAX_KVM_RUNS = 16;

export interface OpResult {
  outcome: Outcome;
  value?: bigint;
  errno?: string;
  /** For a guest RSI call: the RSI status and response the realm got. */
  rsi?: string;
  rsiResponse?: string;
}

/**
 * kvm_convert_memory(start, size, to_private) [@qemu-kvm-all.c:3057-3152]: start and size must be
 * page-aligned and size non-zero (-EINVAL); memory outside guest RAM converts to shared as a no-op
 * and to private with -EINVAL; RAM without guest_memfd is refused (-EINVAL). Then
 * KVM_SET_MEMORY_ATTRIBUTES, and the backing no longer used is discarded: the VMM's shared RAM
 * when going private (not for hugetlb RAM, whose page size is not the host's), the guest_memfd
 * range when going shared. The RamDiscardManager notification in between has no effect in the
 * model (no VFIO). Returns 0 or a negative errno.
 */
export function kvm_convert_memory(w: World, start: Gpa, size: bigint, toPrivate: boolean): number {
  return call(w, 'kvm_convert_memory', { start, size, to_private: toPrivate }, () => {
    const fn = 'kvm_convert_memory';
    if ((start & 0xfffn) !== 0n || (size & 0xfffn) !== 0n || size === 0n) return EINVAL;
    const slot = memslotForGfn(w, start >> 12n);
    if (slot === undefined || start + size > slot.gpa + slot.size) {
      decide(w, fn, toPrivate ? 'not guest RAM: -EINVAL' : 'not guest RAM: converting to shared is accepted');
      return toPrivate ? EINVAL : 0;
    }
    if (!slot.guestMemfd) {
      decide(w, fn, 'Convert non guest_memfd backed memory region: -EINVAL');
      return EINVAL;
    }
    const ret = kvm_vm_set_mem_attributes(w, start, size, toPrivate);
    if (ret !== 0) return ret;
    if (toPrivate) {
      if (slot.backing === 'hugetlb-2m') decide(w, fn, 'hugetlb RAM: the shared backing is not discarded');
      else discardSharedBacking(w, start, size);
    } else kvm_gmem_punch_hole(w, start, size);
    return 0;
  });
}

/**
 * Discard the VMM's own (shared) backing of guest RAM for [gpa, gpa+size): madvise(MADV_DONTNEED)
 * or a punched hole on its mapping, per memslot. The host mm brackets the zap with the MMU notifier.
 */
function discardSharedBacking(w: World, gpa: bigint, size: bigint): void {
  for (const m of w.sc.memslots) {
    const s = gpa > m.gpa ? gpa : m.gpa;
    const e = gpa + size < m.gpa + m.size ? gpa + size : m.gpa + m.size;
    if (s < e) discardHostRange(w, gfnToHva(m, s >> 12n), e - s);
  }
}

/**
 * The VMM's vCPU thread for one guest operation, as kvm_cpu_exec() [@qemu-kvm-all.c:3154-3344]:
 * KVM_RUN until the operation is done. -EAGAIN (and -EINTR) re-run; 0 with KVM_EXIT_MMIO is
 * emulated and re-run; -EFAULT with KVM_EXIT_MEMORY_FAULT converts the range (the PRIVATE flag
 * means to private) and re-runs; KVM_EXIT_SHUTDOWN, any other exit and any other error stop the
 * vCPU ("kvm run failed", the VM stops with an internal error).
 */
export function vmmRunVcpu(w: World, vcpu: VcpuState, op: GuestOp): OpResult {
  const entries = { left: MAX_REC_ENTRIES };
  for (let runs = 0; runs < MAX_KVM_RUNS; runs++) {
    const r = kvm_arch_vcpu_ioctl_run(w, vcpu, op, entries);
    if (r.kind === 'guest') {
      const { outcome, value, rsi, rsiResponse } = r;
      return {
        outcome,
        ...(value === undefined ? {} : { value }),
        ...(rsi === undefined ? {} : { rsi }),
        ...(rsiResponse === undefined ? {} : { rsiResponse }),
      };
    }
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
    if (errno === 'EAGAIN' || errno === 'EINTR') {
      if (w.t.on)
        w.t.ev({ type: 'vmm_action', what: `KVM_RUN returned ${errno}: run the vCPU again`, args: {} });
      continue;
    }
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
      const what =
        run.exitReason === 'KVM_EXIT_SHUTDOWN'
          ? 'KVM_EXIT_SHUTDOWN: QEMU requests a guest reset (qemu_system_reset_request); the run stops here'
          : 'exit reason the VMM does not handle: stop';
      if (w.t.on) w.t.ev({ type: 'vmm_action', what, args: {} });
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
      if (kvm_convert_memory(w, asGpa(mf.gpa), mf.size, toPrivate) !== 0) {
        if (w.t.on)
          w.t.ev({ type: 'vmm_action', what: 'kvm_convert_memory failed: the vCPU stops', args: {} });
        return { outcome: 'vmm_exit', errno: 'EFAULT' };
      }
      continue;
    }
    if (w.t.on)
      w.t.ev({ type: 'vmm_action', what: `kvm run failed ${errno ?? ret}: the vCPU stops`, args: {} });
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
    if (part.priv) discardSharedBacking(w, s, len);
    else kvm_gmem_punch_hole(w, s, len);
  }
  return { outcome: 'completed' };
}
