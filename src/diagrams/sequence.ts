/**
 * Sequence diagrams from any trace, with four lanes: the realm guest, the RMM, KVM (the host
 * kernel) and the VMM. Messages are the events that cross a boundary: the VMM's KVM_RUN and its
 * other system calls (KVM_SET_MEMORY_ATTRIBUTES, the guest_memfd hole punch, a store that breaks
 * copy-on-write), KVM's REC entries and RMI commands, the guest's accesses and RSI calls trapping
 * to the RMM, REC exits, the RMM answering the realm itself, and KVM_RUN returning. The functions
 * each side ran in between are summarised in notes over its own lane — the guest kernel's over
 * the guest, QEMU's over the VMM, the host kernel's over KVM — so the diagram shows who acts when
 * without the whole trace.
 *
 * A step's outcome is noted only when the step ends: a step interleaved into another's fault
 * window (between its mmu_seq sample and kvm_fault_lock()) gets no outcome note in the middle of
 * that fault.
 */
import { MIRRORED_FUNCTIONS, type TraceEvent } from '@realmfault/model';

export interface SequenceOptions {
  /** Which scenario steps to draw (indexes as in the trace); default: all but the setup (-1). */
  readonly steps?: readonly number[] | undefined;
  /** At most this many messages and notes; the rest is summarised in one final note. */
  readonly maxItems?: number | undefined;
}

/** The lanes, as Mermaid participant ids. */
export type Lane = 'G' | 'R' | 'K' | 'V';

/** Which lane a mirrored function runs on: the guest kernel, QEMU, or the host kernel. */
const LANE_OF: ReadonlyMap<string, Lane> = new Map(
  MIRRORED_FUNCTIONS.filter((f) => f.tree !== 'tf-rmm').map((f) => [
    f.name,
    f.model.startsWith('src/guest/') ? 'G' : f.tree === 'qemu' ? 'V' : 'K',
  ]),
);

/** The lane of a function the trace enters (functions the table does not list run in the host kernel). */
export const laneOf = (fn: string): Lane => LANE_OF.get(fn) ?? 'K';

const hex = (v: bigint | number | null): string => (v === null ? '?' : `0x${v.toString(16)}`);
/** Text safe inside a Mermaid message or note (no line breaks, no ";" statement separator). */
const text = (s: string): string =>
  s
    .replace(/[\r\n]+/g, ' ')
    .replace(/;/g, ',')
    .replace(/#/g, 'no. ')
    .trim();

/** RIPAS values as the RSI and RMI specifications number them. */
const RIPAS: Readonly<Record<number, string>> = { 0: 'EMPTY', 1: 'RAM', 2: 'DESTROYED', 3: 'DEV' };

const arg = (args: Readonly<Record<string, unknown>>, k: string): string => {
  const v = args[k];
  return typeof v === 'bigint' || typeof v === 'number' ? hex(v) : String(v);
};

/** What the VMM's system call is, for a host-kernel function the VMM (not KVM_RUN) entered. */
function syscallText(e: Extract<TraceEvent, { type: 'fn_enter' }>): string {
  const a = e.args;
  switch (e.fn) {
    case 'kvm_vm_set_mem_attributes': {
      const attrs = a['attributes'];
      const priv = typeof attrs === 'bigint' ? (attrs & 8n) !== 0n : false;
      return `KVM_SET_MEMORY_ATTRIBUTES ${arg(a, 'address')} +${arg(a, 'size')} → ${priv ? 'private' : 'shared'}`;
    }
    case 'kvm_gmem_punch_hole':
      return `fallocate(guest_memfd, PUNCH_HOLE) ${arg(a, 'gpa')} +${arg(a, 'size')}`;
    case 'wp_page_copy':
      return `store to HVA ${arg(a, 'address')} breaks copy-on-write`;
    case 'kvm_mmu_notifier_invalidate_range_start':
      return `discard of HVA ${arg(a, 'start')}..${arg(a, 'end')}: MMU notifier`;
    default:
      return `${e.fn}()`;
  }
}

/** The REC exit as the message label: what rec_exit carries for this exit reason. */
function recExitText(e: Extract<TraceEvent, { type: 'rec_exit' }>): string {
  if (e.reason === 'RMI_EXIT_RIPAS_CHANGE') {
    return `REC exit RMI_EXIT_RIPAS_CHANGE [${hex(e.ripasBase)}, ${hex(e.ripasTop)}) to RIPAS ${RIPAS[e.ripas] ?? String(e.ripas)}`;
  }
  const extra = [
    ...(e.far !== 0n ? [`FAR ${hex(e.far)}`] : []),
    ...(e.gprs0 !== 0n ? [`gprs[0] ${hex(e.gprs0)}`] : []),
  ];
  return `REC exit ${e.reason}, ESR ${hex(e.esr)}, HPFAR ${hex(e.hpfar)}${extra.length ? `, ${extra.join(', ')}` : ''}`;
}

function guestAccessText(e: Extract<TraceEvent, { type: 'guest_access' }>): string {
  if (e.op.startsWith('RSI_')) return `${e.op} [${hex(e.ipa)}, ${hex(e.ipa + e.size)})`;
  const what = e.op === 'write' && e.value !== null ? `write ${hex(e.value)} to` : e.op;
  // Whether the instruction left a syndrome (ISV) shows in the ESR of the REC exit that follows.
  return `${what} IPA ${hex(e.ipa)}, ${String(e.size)} bytes`;
}

function exitToVmmText(e: Extract<TraceEvent, { type: 'exit_to_vmm' }>): string {
  const parts = [`KVM_RUN returns ${e.ret}${e.errno ? ` (${e.errno})` : ''}`];
  if (e.exitReason) {
    let r = e.exitReason;
    if (e.gpa !== null) r += ` at ${hex(e.gpa)}`;
    if (e.size !== null) r += ` +${hex(e.size)}`;
    if (e.flags !== null) r += ` flags ${hex(e.flags)}${(e.flags & 8n) !== 0n ? ' (PRIVATE)' : ''}`;
    if (e.isWrite !== null) r += e.isWrite ? ' write' : ' read';
    parts.push(r);
  }
  return parts.join(', ');
}

/** Who acts first in a step, from the step's description ("guest vCPU0: …", "VMM: …"). */
const actorOf = (what: string): 'guest' | 'vmm' => (/^(interleaved: )?VMM\b/.test(what) ? 'vmm' : 'guest');
/** The vCPU a guest step runs on, from its description, or null. */
const vcpuOf = (what: string): number | null => {
  const m = /\bvCPU(\d+)/.exec(what);
  return m ? Number(m[1]) : null;
};

/** Mermaid sequenceDiagram text for a trace. */
export function traceToSequence(trace: readonly TraceEvent[], options: SequenceOptions = {}): string {
  const max = options.maxItems ?? 80;
  // Name the vCPU in guest accesses and REC entries only when the trace has more than one.
  const vcpus = new Set(
    trace.flatMap((e) => (e.type === 'step' ? [vcpuOf(e.what)] : [])).filter((v) => v !== null),
  );
  const multi = vcpus.size > 1;
  const wanted = (i: number): boolean => (options.steps ? options.steps.includes(i) : i !== -1);
  const items: string[] = [];
  let messages = 0;
  /** Functions entered since the last message, with their lane, to be noted over it. */
  let fns: { lane: Lane; fn: string }[] = [];
  let on = false;

  /** Per (possibly interleaved) step: the call stack, who has the vCPU, and who started the step. */
  interface Frame {
    stack: string[];
    /** 'vmm': the VMM holds the vCPU thread (before KVM_RUN, after it returns). */
    control: 'vmm' | 'kvm' | 'guest';
    actor: 'guest' | 'vmm';
    /**
     * The guest's access or RSI call, and the guest functions that led to it, waiting for the REC
     * entry that runs them: the trace records the access first, the diagram draws KVM_RUN and the
     * REC entry before it. Dropped if the REC never runs (KVM refuses to enter it, or
     * RMI_REC_ENTER fails).
     */
    access: string | null;
    guestFns: string[];
    /** The REC entry for the pending access has been drawn. */
    entered: boolean;
    /** Stack depth of the VMM's system call in progress (its callees are that call's work), or null. */
    syscallAt: number | null;
    /** ", vCPU n" when the trace has several vCPUs, else "". */
    vcpu: string;
  }
  const newFrame = (what: string): Frame => {
    const v = vcpuOf(what);
    return {
      stack: [],
      control: 'vmm',
      actor: actorOf(what),
      access: null,
      guestFns: [],
      entered: false,
      syscallAt: null,
      vcpu: multi && v !== null ? `, vCPU${String(v)}` : '',
    };
  };
  let frame: Frame = newFrame('');
  const saved: Frame[] = [];

  const note = (over: string, what: string): void => {
    items.push(`  Note over ${over}: ${text(what)}`);
  };
  /** The functions run since the last message, per lane, three to a note (notes are one line). */
  const flushFns = (): void => {
    let i = 0;
    while (i < fns.length) {
      const lane = fns[i]?.lane ?? 'K';
      const run: string[] = [];
      while (i < fns.length && fns[i]?.lane === lane) run.push(fns[i++]?.fn ?? '');
      for (let k = 0; k < run.length; k += 3) note(lane, run.slice(k, k + 3).join(' → '));
    }
    fns = [];
  };
  const msg = (from: Lane, arrow: '->>' | '-->>', to: Lane, label: string): void => {
    flushFns();
    items.push(`  ${from}${arrow}${to}: ${text(label)}`);
    messages++;
  };
  /** The pending guest access, drawn now if its REC entry was (else dropped: the guest never ran). */
  const flushAccess = (): void => {
    const a = frame.access;
    const gf = frame.guestFns;
    frame.access = null;
    frame.guestFns = [];
    if (!frame.entered) return;
    frame.entered = false;
    for (let k = 0; k < gf.length; k += 3) note('G', gf.slice(k, k + 3).join(' → '));
    if (a !== null) msg('G', '->>', 'R', a);
  };
  /** KVM starts running for this vCPU: if the VMM held it, that is a KVM_RUN. */
  const kvmRuns = (): void => {
    if (frame.control === 'vmm' && frame.actor === 'guest') msg('V', '->>', 'K', `KVM_RUN${frame.vcpu}`);
    frame.control = 'kvm';
  };

  for (const e of trace) {
    if (e.type === 'step') {
      flushAccess();
      flushFns();
      if (e.index <= -2) {
        saved.push(frame);
        frame = newFrame(e.what);
        // What runs inside the step in progress (in its fault window) says so over every lane.
        if (on) note('G,V', e.what.startsWith('interleaved') ? e.what : `interleaved: ${e.what}`);
      } else {
        on = wanted(e.index);
        frame = newFrame(e.what);
        if (on) note('G,V', e.index === -1 ? `setup: ${e.what}` : `step ${String(e.index)}: ${e.what}`);
      }
      continue;
    }
    if (e.type === 'outcome' && e.index <= -2) {
      flushAccess();
      flushFns();
      frame = saved.pop() ?? frame;
      continue;
    }
    if (!on) {
      // Keep the call stack right while a step is not drawn.
      if (e.type === 'fn_enter') frame.stack.push(e.fn);
      else if (e.type === 'fn_return') {
        const at = frame.stack.lastIndexOf(e.fn);
        if (at >= 0) frame.stack.length = at;
      }
      continue;
    }
    const recEnterFails =
      e.type === 'decision' && e.fn === 'rmm_rec_enter' && e.what.startsWith('RMI_REC_ENTER fails');
    if (recEnterFails) {
      // The REC did not run: the guest's access never happened.
      frame.access = null;
      frame.guestFns = [];
      frame.entered = false;
    } else if (frame.entered && e.type !== 'guest_access') flushAccess();
    switch (e.type) {
      case 'guest_access':
        if (frame.access !== null) flushAccess();
        frame.access = `${guestAccessText(e)}${frame.vcpu}`;
        break;
      case 'rec_enter':
        kvmRuns();
        msg('K', '->>', 'R', `REC enter${frame.vcpu}${e.flags.length ? ` ${e.flags.join(', ')}` : ''}`);
        frame.control = 'guest';
        if (frame.access !== null) frame.entered = true;
        break;
      case 'rec_exit':
        frame.control = 'kvm';
        msg('R', '->>', 'K', recExitText(e));
        break;
      case 'rmm_inject_sea':
        msg('R', '-->>', 'G', `SEA injected at ${hex(e.ipa)}: ${e.why}`);
        break;
      case 'rmi_call':
        if (frame.syscallAt === null) kvmRuns();
        msg('K', '->>', 'R', `${e.cmd} → ${e.status}${e.index ? ` (index ${e.index})` : ''}`);
        break;
      case 'exit_to_vmm':
        msg('K', '-->>', 'V', exitToVmmText(e));
        frame.control = 'vmm';
        break;
      case 'vmm_action':
        flushFns();
        note('V', e.what);
        break;
      case 'fn_enter': {
        const lane = laneOf(e.fn);
        const caller = frame.stack[frame.stack.length - 1];
        const callerLane = caller === undefined ? (frame.actor === 'vmm' ? 'V' : 'G') : laneOf(caller);
        const inSyscall = frame.syscallAt !== null && frame.stack.length > frame.syscallAt;
        if (lane === 'K' && callerLane === 'V' && e.fn === 'kvm_mmu_notifier_invalidate_range_end') {
          // The end of the discard the VMM started: part of the same call.
          fns.push({ lane, fn: e.fn });
          frame.syscallAt = frame.stack.length;
        } else if (lane === 'K' && callerLane === 'V') {
          // The VMM's own system call into the host kernel (not KVM_RUN).
          msg('V', '->>', 'K', syscallText(e));
          frame.syscallAt = frame.stack.length;
        } else if (lane === 'K' && !inSyscall && frame.control !== 'kvm') {
          kvmRuns();
          if (fns[fns.length - 1]?.fn !== e.fn) fns.push({ lane, fn: e.fn });
        } else if (lane === 'G' && frame.control !== 'guest') {
          // The guest kernel runs once its REC is entered: noted with the access it leads to.
          frame.guestFns.push(e.fn);
        } else if (fns[fns.length - 1]?.fn !== e.fn) {
          fns.push({ lane, fn: e.fn });
        }
        frame.stack.push(e.fn);
        break;
      }
      case 'fn_return': {
        const at = frame.stack.lastIndexOf(e.fn);
        if (at >= 0) frame.stack.length = at;
        if (frame.syscallAt !== null && frame.stack.length <= frame.syscallAt) frame.syscallAt = null;
        break;
      }
      case 'decision':
        if (e.fn === 'rmm_rec_enter') {
          if (e.what.startsWith('RMI_REC_ENTER fails')) msg('R', '-->>', 'K', e.what);
          else msg('R', '-->>', 'G', e.what);
        } else if (e.what.startsWith('guest WARN')) {
          flushFns();
          note('G', e.what);
        } else if (e.what.startsWith('livelock')) {
          flushFns();
          note('K', `${e.fn}: ${e.what}`);
        }
        break;
      case 'warn_on':
        flushFns();
        note('K', `WARN_ON in ${e.fn}: ${e.cond}`);
        break;
      case 'guest_read':
        flushFns();
        note('G', `reads ${hex(e.value)}`);
        break;
      case 'vmm_read':
        flushFns();
        note('V', `reads ${hex(e.value)} at GPA ${hex(e.gpa)}`);
        break;
      case 'vmm_write':
        flushFns();
        note('V', `writes ${hex(e.value)} at GPA ${hex(e.gpa)}`);
        break;
      case 'outcome':
        flushFns();
        note('G,V', `step ${e.index} ends: ${e.outcome}`);
        break;
      case 'violation':
        flushFns();
        note('G,V', `invariant ${e.invariant} broken: ${e.message}`);
        break;
      case 'rtte_change':
      case 'granule_change':
      case 'attribute_change':
      case 'host_mm':
      case 'guest_write':
        // Inside one lane; the trace (and the text beside the diagram) has them.
        break;
      default: {
        const never: never = e;
        throw new Error(`traceToSequence: unhandled event ${JSON.stringify(never)}`);
      }
    }
  }
  flushAccess();
  flushFns();
  // A trace with nothing to draw in these steps: say so.
  if (messages === 0) items.push('  Note over G,V: no party calls another in these steps');
  const shown =
    items.length > max
      ? [...items.slice(0, max - 1), `  Note over G,V: … ${items.length - max + 1} more`]
      : items;
  return [
    'sequenceDiagram',
    '  participant G as guest',
    '  participant R as RMM',
    '  participant K as KVM',
    '  participant V as VMM',
    ...shown,
  ].join('\n');
}
