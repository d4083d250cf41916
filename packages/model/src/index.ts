/** @realmfault/model: a deterministic simulator of the Arm CCA realm stage-2 fault path. */
export * from './types/index.js';
export * from './arch/geometry.js';
export type * from './scenario/types.js';
export { VARIANTS, BACKINGS, DEFAULT_TOGGLES } from './scenario/types.js';
export type * from './sim/result.js';
export { OUTCOMES } from './sim/result.js';
export * from './decode/index.js';
export * from './scenario/parse.js';
export { scenarioJsonSchema, EXAMPLE_SCENARIO } from './scenario/parse-schema.js';
