/**
 * The CLI's view of the simulator engine (packages/model src/sim, src/scenarios, src/explain):
 * run a scenario, list the built-ins, format a trace. `main` takes an Engine so tests can pin the
 * CLI's own behaviour with a stub RunResult; the real one is `modelEngine`.
 */
import {
  BUILTIN_SCENARIO_NAMES,
  formatTrace,
  getBuiltinScenario,
  runScenario,
  type RunResult,
  type Scenario,
  type TraceEvent,
  type Variant,
} from '@realmfault/model';

export type EngineRunResult = RunResult;

export interface Engine {
  runScenario(scenario: Scenario, options: { readonly variant?: Variant }): EngineRunResult;
  /** The built-in scenarios, in their listed order. */
  builtinScenarios(): readonly Scenario[];
  /** A built-in scenario by its name or a former name; undefined when there is none. */
  builtinScenario(name: string): Scenario | undefined;
  /** The trace as text, indented by call depth. */
  formatTrace(trace: readonly TraceEvent[]): string;
}

/** The engine of @realmfault/model. */
export const modelEngine: Engine = {
  runScenario: (scenario, options) => runScenario(scenario, options),
  builtinScenarios: () => BUILTIN_SCENARIO_NAMES.map(getBuiltinScenario),
  builtinScenario: (name) => {
    try {
      return getBuiltinScenario(name);
    } catch (e) {
      if (e instanceof RangeError) return undefined;
      throw e;
    }
  },
  formatTrace: (trace) => formatTrace(trace),
};
