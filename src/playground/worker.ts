/**
 * The playground's model worker: validates a scenario with the model's own parser and runs it
 * with a work budget, off the page's main thread. The page also kills it after a wall-clock
 * limit (src/playground/client.ts, src/widgets/worker-rpc.ts), so neither a long scenario nor a model bug can freeze the page.
 * This is the only place the model is loaded in the browser.
 */
import {
  formatEvent,
  parseScenarioJson,
  runScenario,
  ScenarioError,
  StepBudgetExceeded,
  toJSONValue,
  VARIANTS,
  type Variant,
} from '@realmfault/model';
import type { JsonEvent } from '../stepper/types';
import type { RunReply, RunRequest } from './protocol';
import { serveRequests } from '../widgets/worker-rpc';

function handle(req: RunRequest): RunReply {
  const { json, variant, budget } = req;
  try {
    const scenario = parseScenarioJson(json);
    const known = variant !== null && (VARIANTS as readonly string[]).includes(variant);
    const run = runScenario(scenario, known ? { variant: variant as Variant, budget } : { budget });
    return {
      ok: true,
      name: scenario.name,
      variant: run.variant,
      events: toJSONValue(run.trace) as JsonEvent[],
      prose: run.trace.map(formatEvent),
      outcomes: run.steps.map((s, i) => `step ${String(i)}: ${s.outcome}`),
      violations: run.violations.map((x) => x.message),
    };
  } catch (e) {
    if (e instanceof ScenarioError) return { ok: false, kind: 'invalid', message: e.message };
    if (e instanceof StepBudgetExceeded) return { ok: false, kind: 'budget', message: e.message };
    return { ok: false, kind: 'error', message: e instanceof Error ? e.message : String(e) };
  }
}

// Answers the page's WorkerChannel, after telling it the model has loaded: the run's time limit
// starts then, not with the download.
serveRequests(handle);
