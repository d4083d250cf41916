/**
 * The playground's model worker: validates a scenario with the model's own parser and runs it
 * with a work budget, off the page's main thread. The page also kills it after a wall-clock
 * limit (src/playground/client.ts), so neither a long scenario nor a model bug can freeze the page.
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

const post = (reply: RunReply): void => {
  postMessage(reply);
};

addEventListener('message', (ev: MessageEvent<RunRequest>) => {
  const { id, json, variant, budget } = ev.data;
  try {
    const scenario = parseScenarioJson(json);
    const known = variant !== null && (VARIANTS as readonly string[]).includes(variant);
    const run = runScenario(scenario, known ? { variant: variant as Variant, budget } : { budget });
    post({
      id,
      ok: true,
      name: scenario.name,
      variant: run.variant,
      events: toJSONValue(run.trace) as JsonEvent[],
      prose: run.trace.map(formatEvent),
      outcomes: run.steps.map((s, i) => `step ${String(i)}: ${s.outcome}`),
      violations: run.violations.map((x) => x.message),
    });
  } catch (e) {
    if (e instanceof ScenarioError) post({ id, ok: false, kind: 'invalid', message: e.message });
    else if (e instanceof StepBudgetExceeded) post({ id, ok: false, kind: 'budget', message: e.message });
    else post({ id, ok: false, kind: 'error', message: e instanceof Error ? e.message : String(e) });
  }
});

// Tell the page the model is loaded: its time limit starts with the run, not with the download.
postMessage({ ready: true });
