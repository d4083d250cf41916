/**
 * The verification ledger: one row per function the model mirrors (MIRRORED_FUNCTIONS), per RMI
 * command and per RSI call it implements, saying where the code is in v14 and after v14, whether
 * the model was checked against that code, and what the model leaves out. The Versions & limits
 * page renders it; a test requires a row for every mirrored function and refuses "checked"
 * without a code location.
 *
 * Statuses:
 * - `checked`: the model's function was compared, branch by branch, with the code at the lines
 *   given;
 * - `inferred`: the behaviour is derived from code that was read, but not from a function of that
 *   name (the model names a step the code does inline, or the code could not be read whole);
 * - `no-source`: no code for it was found; the row says what the model assumes.
 */
import type { CodeRef } from './types.js';
import { LEDGER_ROWS } from './ledger-rows.js';

export type LedgerStatus = 'checked' | 'inferred' | 'no-source';

/** What a row is about. */
export type LedgerKind = 'kernel' | 'rmi' | 'rsi' | 'rmm' | 'vmm' | 'mm' | 'guest';

export interface LedgerRow {
  /** The C function, RMI command or RSI call, exactly as the code spells it. */
  readonly name: string;
  readonly kind: LedgerKind;
  /** Where it is in the v14 series (cca-host/v14), or the mainline code v14 is based on. */
  readonly v14?: CodeRef;
  /** Where it is in the post-v14 development code. */
  readonly postV14?: CodeRef;
  /** For RMI commands and RSI calls: the TF-RMM handler. */
  readonly tfRmm?: CodeRef;
  /** Other code it was checked against (QEMU, mainline mm or KVM). */
  readonly other?: CodeRef;
  readonly status: LedgerStatus;
  /** What the model leaves out of the function. */
  readonly omits: string;
  /** Divergences found while checking and what was done about them, with citations. */
  readonly notes?: string;
}

export const LEDGER: readonly LedgerRow[] = LEDGER_ROWS;
