/**
 * The playground's model worker: validates a scenario with the model's own parser and runs it
 * with a work budget, off the page's main thread; or only validates it (a check request, for the
 * editor's inline diagnostics). The page also kills it after a wall-clock
 * limit (src/playground/client.ts, src/widgets/worker-rpc.ts), so neither a long scenario nor a model bug can freeze the page.
 * This is the only place the model is loaded in the browser.
 */
import {
  parseScenarioJson,
  runScenario,
  ScenarioError,
  StepBudgetExceeded,
  toJSONValue,
  toVariant,
  VARIANT_INFO,
} from '@realmfault/model';
import { stepVerdict } from '../components/scenario-compare';
import { stepperProse } from '../stepper/prose';
import type { JsonEvent } from '../stepper/types';
import type { CheckReply, CheckRequest, RunReply, RunRequest, WorkerReply, WorkerRequest } from './protocol';
import { serveRequests } from '../widgets/worker-rpc';

/** Validate a scenario with the model's parser, for the editor's diagnostics. */
function check(req: CheckRequest): CheckReply {
  try {
    parseScenarioJson(req.json);
    return { ok: true };
  } catch (e) {
    if (e instanceof ScenarioError) return { ok: false, path: e.path, message: e.message };
    return { ok: false, path: '', message: e instanceof Error ? e.message : String(e) };
  }
}

function handle(req: WorkerRequest): WorkerReply {
  return req.kind === 'check' ? check(req) : run(req);
}

function run(req: RunRequest): RunReply {
  const { json, variant, budget } = req;
  try {
    const scenario = parseScenarioJson(json);
    // A former variant name (`fixed`, from an old link) runs as the variant it became.
    const chosen = variant === null ? undefined : toVariant(variant);
    const run = runScenario(scenario, chosen === undefined ? { budget } : { variant: chosen, budget });
    const info = VARIANT_INFO[run.variant];
    return {
      ok: true,
      name: scenario.name,
      variant: run.variant,
      variantLabel: `${info.label} (${info.tree})`,
      events: toJSONValue(run.trace) as JsonEvent[],
      prose: run.trace.map(stepperProse),
      outcomes: run.steps.map((s, i) => {
        const v = stepVerdict(s);
        return `step ${String(i)}: ${s.outcome}${v === null || s.outcome === 'completed' ? '' : ` (${v})`}`;
      }),
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
