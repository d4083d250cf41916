/**
 * Errors the engine throws. Behaviour of the modelled code (WARN_ONs, RMI failures, SEAs) is never
 * an exception: it is a trace event. Only a broken model invariant (an impossible state), a runaway
 * run and a livelock of the modelled code throw; the engine turns the last into a step outcome.
 */

/** An impossible state: a bug in the model, not in the modelled code. */
export class ModelInvariantError extends Error {
  override readonly name = 'ModelInvariantError';
}

/** The engine's own work budget ran out (protects the browser from runaway scenarios). */
export class StepBudgetExceeded extends Error {
  override readonly name = 'StepBudgetExceeded';
  constructor(readonly budget: number) {
    super(
      `step budget exceeded: the run did more than ${budget} units of work (function calls and RMI commands); raise opts.budget or shorten the scenario`,
    );
  }
}

export function assertModel(cond: boolean, message: string): asserts cond {
  if (!cond) throw modelBroken(message);
}

/**
 * The error for a broken model invariant. Checks on hot paths whose message names values write
 * `if (!cond) throw modelBroken(`…`)`, so that the message is formatted only when it fails.
 */
export function modelBroken(message: string): ModelInvariantError {
  return new ModelInvariantError(`model invariant broken: ${message}`);
}

/**
 * The modelled C code loops without a bound on a state that does not change (an RMI command that
 * keeps failing the same way, a retry that cannot succeed): the real host would spin here. The
 * engine ends the step with the outcome `kernel_livelock`; the trace says where and why.
 */
export class KernelLivelock extends Error {
  override readonly name = 'KernelLivelock';
  constructor(
    readonly fn: string,
    readonly why: string,
  ) {
    super(`${fn}: the C loops here without a bound (${why})`);
  }
}
