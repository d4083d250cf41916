/**
 * The summary of a run, as `realmfault run --json` prints it (issue 3). The full event trace is
 * richer (src/sim/trace.ts); this summary is what scenario pages, tests and users compare.
 */
import type { Gpa, Ipa } from '../types/addr.js';

/** How one scenario step ended (issue 3, "outcome"). */
export type Outcome =
  | 'completed'
  | 'guest_sea'
  | 'vmm_exit'
  | 'kvm_run_error'
  | 'no_progress'
  /** The host kernel would loop forever in a function of the modelled code (see KernelLivelock). */
  | 'kernel_livelock';
export const OUTCOMES: readonly Outcome[] = [
  'completed',
  'guest_sea',
  'vmm_exit',
  'kvm_run_error',
  'no_progress',
  'kernel_livelock',
];

export type ExitReason = 'KVM_EXIT_MEMORY_FAULT' | 'KVM_EXIT_MMIO';

export interface ExitSummary {
  readonly reason: ExitReason;
  readonly gpa: Gpa;
  readonly size?: bigint;
  /** KVM_MEMORY_EXIT_FLAG_PRIVATE (0x8) where set. */
  readonly flags?: bigint;
  readonly isWrite?: boolean;
}

/**
 * What kvm_handle_guest_abort() dispatched the fault to; `none` when it returned before calling a
 * handler (an unsupported FSC, an access-flag fault); `rmm_injected_sea` when the RMM handled the
 * abort itself and KVM never saw it.
 */
export type FaultHandler = 'gmem_abort' | 'user_mem_abort' | 'io_mem_abort' | 'none' | 'rmm_injected_sea';

export interface FaultSummary {
  readonly ipa: Ipa;
  /** ESR as the RMM reported it to the host (sanitised). */
  readonly esr: bigint;
  readonly handler: FaultHandler;
  /** What kvm_handle_guest_abort (or the RMM, for rmm_injected_sea: 0) returned, as the C would. */
  readonly ret: number;
}

export interface RmiSummary {
  /** RMI command name, e.g. RMI_RTT_DATA_MAP. */
  readonly cmd: string;
  /** RMI status name, e.g. RMI_SUCCESS, RMI_ERROR_RTT. */
  readonly status: string;
  readonly index: number;
}

export interface StepSummary {
  readonly outcome: Outcome;
  /** The value a completed read returned (guest or VMM read). */
  readonly value?: bigint;
  readonly exits: readonly ExitSummary[];
  /** errno name when KVM_RUN failed: EFAULT, EINVAL, ENOMEM, … */
  readonly errno?: string;
  /** For a guest RSI call: the status the realm got in X0 (RSI_SUCCESS, RSI_ERROR_INPUT). */
  readonly rsi?: string;
  /** For a guest RSI_IPA_STATE_SET that exited to the host: the response in X2 (RSI_ACCEPT, RSI_REJECT). */
  readonly rsiResponse?: string;
  readonly faults: readonly FaultSummary[];
  readonly rmi: readonly RmiSummary[];
  /** Functions whose WARN_ON fired, in order. */
  readonly warnings: readonly string[];
}

/** The invariants' numbers (src/sim/invariants.ts). */
export type InvariantNo = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export interface Violation {
  /** Which invariant (INVARIANTS in src/sim/invariants.ts states each). */
  readonly invariant: InvariantNo;
  /** Index of the scenario step after which it was found. */
  readonly step: number;
  readonly message: string;
}

/** What runScenario returns (src/sim/engine.ts). */
export interface RunResult {
  readonly variant: import('../scenario/types.js').Variant;
  readonly steps: readonly StepSummary[];
  readonly violations: readonly Violation[];
  readonly trace: readonly import('./trace.js').TraceEvent[];
}
