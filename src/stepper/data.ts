/**
 * Build-time stepper data for a built-in scenario: run the model, keep the trace as JSON with the
 * prose for each event (stepperProse: the model's, with step outcomes that name their step), group the steps, locate each event in the model's source and ship
 * only the source slices the trace touches.
 */
import { getBuiltinScenario, runScenario, toJSONValue } from '@realmfault/model';
import type { TraceEvent, Variant } from '@realmfault/model';
import { groupSteps, locateEvents, usedSlices } from './locate';
import { stepperProse } from './prose';
import { sourceIndex } from './source-index';
import type { JsonEvent, SourceIndex, StepperData } from './types';

/** Stepper data from a trace (shared by built-in scenarios and tests). */
export function stepperDataFromTrace(
  scenario: string,
  variant: string,
  trace: readonly TraceEvent[],
  index: SourceIndex = sourceIndex(),
): StepperData {
  const events = toJSONValue(trace) as JsonEvent[];
  const loc = locateEvents(events, index);
  return {
    scenario,
    variant,
    events,
    prose: trace.map(stepperProse),
    steps: groupSteps(events),
    loc,
    sources: usedSlices(loc, index),
  };
}

/** Run a built-in scenario (an unknown name throws, naming the known ones) and build its data. */
export function stepperData(scenario: string, variant: Variant): StepperData {
  const run = runScenario(getBuiltinScenario(scenario), { variant });
  return stepperDataFromTrace(scenario, variant, run.trace);
}
