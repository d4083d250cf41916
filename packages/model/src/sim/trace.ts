/**
 * The trace: a typed discriminated union of everything a run does. It is the one contract between
 * the model and its consumers (CLI, prose, diagrams, code highlighting, tests; design.md §1).
 * Addresses and 64-bit values are bigint; `traceToJSON` gives the "0x…" string form.
 *
 * `depth` is the call depth at which the event happened (0 = top level of a scenario step).
 */
import type { Outcome } from './result.js';

export type ArgValue = bigint | number | string | boolean;
export type Args = Readonly<Record<string, ArgValue>>;

export type TraceEvent =
  /** A scenario step starts (index -1 is the setup: realm creation and activation). */
  | { readonly type: 'step'; readonly depth: number; readonly index: number; readonly what: string }
  /** A mirrored function is entered (`fn` is its C name). */
  | { readonly type: 'fn_enter'; readonly depth: number; readonly fn: string; readonly args: Args }
  /** It returns; `ret` is the value as the C shows it (`0`, `1`, `-EFAULT`, `0x204`, `true`). */
  | { readonly type: 'fn_return'; readonly depth: number; readonly fn: string; readonly ret: string }
  /** A branch taken inside `fn`, in words a reader can match to the source. */
  | { readonly type: 'decision'; readonly depth: number; readonly fn: string; readonly what: string }
  /** An RMI command and its result (`ret` = status | index << 8). */
  | {
      readonly type: 'rmi_call';
      readonly depth: number;
      readonly cmd: string;
      readonly fid: number;
      readonly args: Args;
      readonly status: string;
      readonly index: number;
      readonly ret: number;
      readonly out: Args;
    }
  /** An RTT entry changed state (TF-RMM vocabulary: unassigned_ram, assigned_ns, table, …). */
  | {
      readonly type: 'rtte_change';
      readonly depth: number;
      readonly ipa: bigint;
      readonly level: number;
      readonly from: string;
      readonly to: string;
    }
  /** A granule's delegation state changed (undelegated, delegated, rtt, data). */
  | {
      readonly type: 'granule_change';
      readonly depth: number;
      readonly pa: bigint;
      readonly from: string;
      readonly to: string;
    }
  /** A WARN_ON / VM_WARN_ON_ONCE fired in `fn`. */
  | {
      readonly type: 'warn_on';
      readonly depth: number;
      readonly fn: string;
      readonly cond: string;
      /** The macro when it is not WARN_ON (WARN, WARN_ON_ONCE, VM_WARN_ON_ONCE, WARN_RATELIMIT). */
      readonly macro?: string;
      /** What made it fire in this run. */
      readonly note?: string;
    }
  /**
   * The REC exited to the host: what the RMM wrote into rec_exit that means something for this
   * exit reason (the syndrome for a synchronous exit, the requested range for a RIPAS change).
   */
  | {
      readonly type: 'rec_exit';
      readonly depth: number;
      readonly reason: 'RMI_EXIT_SYNC';
      readonly esr: bigint;
      readonly far: bigint;
      readonly hpfar: bigint;
      readonly gprs0: bigint;
    }
  | {
      readonly type: 'rec_exit';
      readonly depth: number;
      readonly reason: 'RMI_EXIT_RIPAS_CHANGE';
      readonly ripasBase: bigint;
      readonly ripasTop: bigint;
      readonly ripas: number;
    }
  /** The RMM entered the REC with these flags from the host. */
  | { readonly type: 'rec_enter'; readonly depth: number; readonly flags: readonly string[] }
  /** The RMM injected an SEA into the realm, without exiting to the host [@tf-rmm-exit.c:228-256]. */
  | { readonly type: 'rmm_inject_sea'; readonly depth: number; readonly ipa: bigint; readonly why: string }
  /** KVM_RUN returned to the VMM. */
  | {
      readonly type: 'exit_to_vmm';
      readonly depth: number;
      readonly ret: number;
      readonly errno: string | null;
      readonly exitReason: string | null;
      readonly gpa: bigint | null;
      readonly size: bigint | null;
      readonly flags: bigint | null;
      readonly isWrite: boolean | null;
    }
  /** A VMM action (kvm_convert_memory, MMIO emulation, discard, stop). */
  | { readonly type: 'vmm_action'; readonly depth: number; readonly what: string; readonly args: Args }
  /** KVM_SET_MEMORY_ATTRIBUTES changed attributes. */
  | {
      readonly type: 'attribute_change';
      readonly depth: number;
      readonly gpa: bigint;
      readonly size: bigint;
      readonly private: boolean;
    }
  /** The host mm did something to the VMM's mapping (zero page, CoW break, allocation, discard). */
  | {
      readonly type: 'host_mm';
      readonly depth: number;
      readonly what: 'zero_page' | 'cow_break' | 'alloc' | 'alloc_huge' | 'unmap' | 'migrate';
      readonly hva: bigint;
      readonly pfn: bigint;
    }
  /** A guest load/store or RSI call was issued. */
  | {
      readonly type: 'guest_access';
      readonly depth: number;
      readonly op: string;
      readonly ipa: bigint;
      readonly size: bigint;
      readonly isv: boolean;
      readonly value: bigint | null;
    }
  /** A value the guest read (after the access completed). */
  | {
      readonly type: 'guest_read';
      readonly depth: number;
      readonly ipa: bigint;
      readonly pa: bigint;
      readonly value: bigint;
    }
  /** A value the guest wrote to memory. */
  | {
      readonly type: 'guest_write';
      readonly depth: number;
      readonly ipa: bigint;
      readonly pa: bigint;
      readonly value: bigint;
    }
  /** A value the VMM read through its own mapping. */
  | {
      readonly type: 'vmm_read';
      readonly depth: number;
      readonly gpa: bigint;
      readonly hva: bigint;
      readonly pfn: bigint;
      readonly value: bigint;
    }
  /** A value the VMM wrote through its own mapping. */
  | {
      readonly type: 'vmm_write';
      readonly depth: number;
      readonly gpa: bigint;
      readonly hva: bigint;
      readonly pfn: bigint;
      readonly value: bigint;
    }
  /** An invariant check failed after a step (also in RunResult.violations). */
  | {
      readonly type: 'violation';
      readonly depth: number;
      readonly invariant: import('./result.js').InvariantNo;
      readonly message: string;
    }
  /** How a step ended. */
  | { readonly type: 'outcome'; readonly depth: number; readonly index: number; readonly outcome: Outcome };

export type TraceEventType = TraceEvent['type'];

/** Every event type, checked for completeness at compile time (design.md §3). */
export const TRACE_EVENT_TYPES = {
  step: 'a scenario step starts',
  fn_enter: 'function entered',
  fn_return: 'function returned',
  decision: 'branch taken',
  rmi_call: 'RMI command',
  rtte_change: 'RTT entry changed',
  granule_change: 'granule state changed',
  warn_on: 'WARN_ON fired',
  rec_exit: 'REC exit to the host',
  rec_enter: 'REC entered',
  rmm_inject_sea: 'RMM injected an SEA',
  exit_to_vmm: 'KVM_RUN returned',
  vmm_action: 'VMM action',
  attribute_change: 'memory attributes changed',
  host_mm: 'host mm',
  guest_access: 'guest access',
  guest_read: 'guest read',
  guest_write: 'guest write',
  vmm_read: 'VMM read',
  vmm_write: 'VMM write',
  violation: 'invariant violated',
  outcome: 'step outcome',
} as const satisfies { [K in TraceEventType]: string };

/** Hex form of a bigint, as JSON carries 64-bit values. */
export const hex = (v: bigint | number): string => `0x${v.toString(16)}`;

/** JSON-safe deep copy: bigints become "0x…" strings. */
export function toJSONValue(v: unknown): unknown {
  if (typeof v === 'bigint') return hex(v);
  if (Array.isArray(v)) return v.map(toJSONValue);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = toJSONValue(x);
    return out;
  }
  return v;
}

/** The trace as JSON text (stable key order: the order the engine wrote them). */
export function traceToJSON(trace: readonly TraceEvent[]): string {
  return JSON.stringify(toJSONValue(trace), null, 1);
}
