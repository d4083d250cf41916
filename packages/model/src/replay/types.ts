/**
 * The result of reading a log (replay): every input line, what it is, its values decoded, and the
 * fault episodes the lines form, each compared with what the model predicts for the same access.
 * Everything here is JSON-safe (no bigint): the CLI prints it with --json and the site's worker
 * posts it to the page.
 */
import type { DecodeKind } from '../decode/index.js';
import type { Variant } from '../scenario/types.js';

/** Which program printed a line. */
export type LogFamily = 'rmm' | 'trace' | 'kernel' | 'debug' | 'qemu' | 'guest';
export const LOG_FAMILIES: readonly LogFamily[] = ['rmm', 'trace', 'kernel', 'debug', 'qemu', 'guest'];

export const LOG_FAMILY_INFO: Readonly<Record<LogFamily, string>> = {
  rmm: "TF-RMM's RMI call log",
  trace: 'KVM tracepoints (ftrace, trace-cmd report)',
  kernel: 'host kernel messages (WARN splats, kvm_err)',
  debug: 'debug prints in the fault-path functions (the seed thread’s instrumentation)',
  qemu: 'QEMU messages and debug prints',
  guest: 'guest kernel messages',
};

/** One decoded value of a line. */
export interface ReplayField {
  readonly msb: number;
  readonly lsb: number;
  readonly name: string;
  /** The field's value, hex. */
  readonly raw: string;
  readonly meaning: string;
}

export interface ReplayValue {
  /** The name the line gives the value (`esr`, `fault_ipa`, `flags`, the RMI argument's name). */
  readonly name: string;
  /** As printed. */
  readonly text: string;
  /** Which decoder read it; null for plain numbers (a PFN, a size, a CPU). */
  readonly kind: DecodeKind | null;
  /** One line: what the value says. */
  readonly reading: string;
  /** The decoder's fields, most significant first; empty for plain numbers. */
  readonly fields: readonly ReplayField[];
  readonly notes: readonly string[];
}

export type LineStatus = 'recognised' | 'unrecognised' | 'binary' | 'too-long' | 'blank';

/** What precedes the message: a dmesg timestamp, an ftrace header, a syslog prefix. */
export interface LinePrefix {
  readonly timestamp?: string;
  readonly cpu?: number;
  readonly task?: string;
  readonly pid?: number;
  /** The printk level of a `<N>` prefix. */
  readonly level?: number;
  /** The tracepoint name of an ftrace / trace-cmd line. */
  readonly event?: string;
}

export interface ReplayLine {
  /** 1-based line number in the input. */
  readonly n: number;
  /** The line as given, cut to MAX_SHOWN_CHARS. */
  readonly text: string;
  readonly status: LineStatus;
  readonly prefix: LinePrefix | null;
  readonly family: LogFamily | null;
  /** The recogniser's id (`rmm-rmi-call`, `trace-kvm_exit`, `kernel-warning`, …). */
  readonly format: string | null;
  /** What the line is, in a few words. */
  readonly title: string;
  /** What it says, in one sentence; for an unrecognised line, why it was not read. */
  readonly reading: string;
  readonly values: readonly ReplayValue[];
  /** The model function the line belongs to (MIRRORED_FUNCTIONS), if any. */
  readonly fn: string | null;
  /** The site page that explains it (a path under the site root). */
  readonly page: string | null;
  /** Citation groups, in the registry's syntax (`[@tf-rmm-handler.c:198-282]`, `[@v14 gmem_abort()]`). */
  readonly sources: readonly string[];
  /** The fault episode the line belongs to (1-based), or null. */
  readonly episode: number | null;
}

export type AccessKind = 'read' | 'write' | 'exec' | 'unknown';

export interface EpisodeFault {
  readonly line: number;
  readonly ipa: string;
  readonly esr: string | null;
  readonly half: 'protected' | 'unprotected';
  readonly gpa: string;
  readonly gfn: string;
  /** The fault status code and its reading (`translation fault, level 3`). */
  readonly dfsc: number | null;
  readonly fault: string | null;
  readonly level: number | null;
  readonly access: AccessKind;
  /** Why the access kind is what it is (WnR hidden by the RMM, …). */
  readonly accessNote: string;
  /** The handler kvm_handle_guest_abort() sends the fault to. */
  readonly handler: 'gmem_abort' | 'user_mem_abort';
}

export interface EpisodeRmiCall {
  readonly line: number | null;
  readonly cmd: string;
  readonly status: string;
  readonly level: number | null;
}

export type OutcomeKind = 'resumed' | 'exit-to-vmm' | 'error' | 'warn' | 'unknown';

export interface EpisodeOutcome {
  readonly kind: OutcomeKind;
  readonly line: number | null;
  readonly text: string;
  /** For a failed KVM_RUN: the errno the tracepoint printed (14: EFAULT). */
  readonly errno?: number;
}

export interface Explanation {
  readonly text: string;
  readonly sources: readonly string[];
  /** A model toggle that produces it, where there is one. */
  readonly toggle?: string;
  /** Whether the model, run with this explanation's change, matches the log at this point. */
  readonly check?: { readonly reproduces: boolean; readonly how: string };
}

export interface Divergence {
  /** The log line the divergence is seen at, or null when something expected is missing. */
  readonly line: number | null;
  readonly expected: string;
  readonly observed: string;
  /**
   * `divergence`: the log contradicts the model's prediction; `note`: a difference the prediction's
   * assumptions explain on their own (RTT levels that depend on the realm's history).
   */
  readonly severity: 'divergence' | 'note';
  readonly explanations: readonly Explanation[];
}

export interface EpisodePrediction {
  readonly variant: Variant;
  /** The scenario the prediction ran (the access alone, in the model's default realm). */
  readonly scenario: string;
  /** What the prediction assumes that the log cannot say. */
  readonly assumptions: readonly string[];
  readonly rmi: readonly EpisodeRmiCall[];
  /** The prot and the RMI_RTT_UNPROT_MAP flags the model passes, for a shared fault it maps. */
  readonly prot: string | null;
  readonly flags: string | null;
  readonly warn: string | null;
  readonly outcome: EpisodeOutcome;
}

export interface ReplayEpisode {
  readonly id: number;
  readonly first: number;
  readonly last: number;
  readonly fault: EpisodeFault;
  /** The RMI commands the log shows for it (RMM log lines and the debug prints of their arguments). */
  readonly rmi: readonly EpisodeRmiCall[];
  readonly prot: string | null;
  readonly flags: string | null;
  readonly warn: string | null;
  readonly outcome: EpisodeOutcome;
  readonly prediction: EpisodePrediction;
  readonly divergences: readonly Divergence[];
  /**
   * The explanations whose model run matches the whole episode (no divergence left), when the
   * prediction diverges; empty when none does or nothing diverges.
   */
  readonly matchedBy: readonly string[];
}

export interface ReplayStats {
  readonly lines: number;
  /** UTF-16 code units read (characters; a byte count of ASCII text). */
  readonly chars: number;
  readonly recognised: number;
  readonly unrecognised: number;
  readonly binary: number;
  readonly tooLong: number;
  readonly blank: number;
  readonly byFamily: Readonly<Record<LogFamily, number>>;
  readonly episodes: number;
  readonly divergent: number;
}

export interface ReplayOptions {
  /** IPA width of the realm, 32…52 (the shared bit is bit ipaBits − 1). Default 41, the seed's. */
  readonly ipaBits?: number;
  /** Which code the predictions follow. Default v14. */
  readonly variant?: Variant;
}

export interface ReplayResult {
  readonly ipaBits: number;
  readonly variant: Variant;
  readonly lines: readonly ReplayLine[];
  readonly episodes: readonly ReplayEpisode[];
  readonly stats: ReplayStats;
  /** A scenario file inferred from the log (best effort), or null when no access was found. */
  readonly scenario: Record<string, unknown> | null;
  /** What the inference assumed, and what it could not carry over. */
  readonly scenarioNotes: readonly string[];
}
