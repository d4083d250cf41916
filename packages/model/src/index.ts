/** @realmfault/model: a deterministic simulator of the Arm CCA realm stage-2 fault path. */
export * from './types/index.js';
export * from './arch/geometry.js';
export type * from './scenario/types.js';
export {
  VARIANTS,
  VARIANT_ALIASES,
  VARIANT_INFO,
  toVariant,
  BACKINGS,
  DEFAULT_TOGGLES,
  RETIRED_TOGGLES,
} from './scenario/types.js';
export type * from './sim/result.js';
export { OUTCOMES } from './sim/result.js';
export * from './decode/index.js';
export * from './scenario/parse.js';
export { scenarioJsonSchema, EXAMPLE_SCENARIO } from './scenario/parse-schema.js';
export { TOGGLE_INFO } from './scenario/types.js';
export {
  runScenario,
  validateScenario,
  describeStep,
  DEFAULT_BUDGET,
  initialWorld,
  step,
} from './sim/engine.js';
export type { RunOptions, StepOutcome } from './sim/engine.js';
export type { World } from './sim/world.js';
export { StepBudgetExceeded, ModelInvariantError } from './sim/errors.js';
export { ERRNO, errnoName, formatCRet } from './sim/errno.js';
export type { ErrnoName } from './sim/errno.js';
export { TRACE_EVENT_TYPES, traceToJSON, toJSONValue } from './sim/trace.js';
export type { TraceEvent, TraceEventType, Args, ArgValue } from './sim/trace.js';
export { MIRRORED_FUNCTIONS } from './sim/functions.js';
export type { MirroredFunction } from './sim/functions.js';
export { formatTrace, formatEvent } from './explain/text.js';
export {
  BUILTIN_SCENARIOS,
  BUILTIN_SCENARIO_NAMES,
  getBuiltinScenario,
  RENAMED_SCENARIOS,
} from './scenarios/builtin.js';
export { MAX_REC_ENTRIES, MAX_KVM_RUNS } from './vmm/qemu.js';
export { NOT_MODELLED } from './sim/limits.js';
/** RMI function IDs and the KVM UAPI values the model uses [@v14-rmi_smc.h; @linux-uapi-kvm.h], for docs and tools. */
export {
  RMI_FID,
  KVM_EXIT_MMIO,
  KVM_EXIT_MEMORY_FAULT,
  KVM_MEMORY_EXIT_FLAG_PRIVATE,
  KVM_MEMORY_ATTRIBUTE_PRIVATE,
} from './rmm/constants.js';
export type { RmiCommand } from './rmm/constants.js';
export type { ModelLimit } from './sim/limits.js';
export * from './sources/index.js';
export {
  explore,
  scenarioActors,
  ExploreLimitExceeded,
  ExploreCancelled,
  DEFAULT_BOUND,
  MAX_BOUND,
  DEFAULT_MAX_STATES,
} from './explore/explore.js';
export type {
  ExploreOptions,
  ExploreProgress,
  ExploreResult,
  ExploreActor,
  Counterexample,
  InvariantOutcome,
} from './explore/explore.js';
export { MUTATIONS, MUTATION_NAMES, isMutationName } from './sim/mutations.js';
export type { MutationName, MutationInfo } from './sim/mutations.js';
export { INVARIANTS } from './sim/invariants.js';
export type { InvariantInfo } from './sim/invariants.js';
export { WINDOW_POINTS } from './scenario/types.js';
export * from './replay/types.js';
export {
  createReplay,
  replayLog,
  ReplayInputError,
  SEED_LOG,
  MAX_REPLAY_BYTES,
  MAX_LINE_CHARS,
  MAX_SHOWN_CHARS,
  MAX_INFERRED_STEPS,
  type Replay,
} from './replay/replay.js';
export {
  formatRmmLogLine,
  parseRmmLogLine,
  RMM_HANDLERS,
  rmmLogs,
  type RmmLogCall,
} from './replay/rmm-log.js';
export { FUNCTION_PAGES } from './replay/formats.js';
