/**
 * The stepper's diagram: the fault-path overview reduced to the functions and RMI commands one
 * scenario's trace entered, with the calls it took. The full overview (every mirrored function,
 * FaultPathDiagram) is several screens wide; inside the stepper the reader needs to find the
 * running function at a glance, so only the traced path is drawn (same node ids, data-fn hooks
 * and generator as the overview).
 */
import { MIRRORED_FUNCTIONS, toVariant, VARIANT_INFO } from '@realmfault/model';
import type { TraceEvent } from '@realmfault/model';
import { renderDiagram, type RenderedDiagram } from '../plugins/mermaid/render.js';
import { faultPathMermaid, tracedCalls, tracedFunctions } from './fault-path.js';

/** Mermaid text of the traced path: traced functions only, edges the trace took. */
export function tracedPathMermaid(trace: readonly TraceEvent[]): string {
  const fns = new Set(tracedFunctions(trace));
  const calls = new Set(tracedCalls(trace));
  const functions = MIRRORED_FUNCTIONS.filter((f) => fns.has(f.name)).map((f) => ({
    ...f,
    calls: f.calls.filter((c) => fns.has(c) && calls.has(`${f.name}->${c}`)),
  }));
  return faultPathMermaid(functions, { direction: 'TD' });
}

/** The traced path of a run as an accessible inline SVG (build time). */
export function renderTracedPath(
  trace: readonly TraceEvent[],
  scenario: string,
  variant: string,
  idPrefix: string,
): RenderedDiagram {
  const names = new Set(MIRRORED_FUNCTIONS.map((f) => f.name));
  const fns = tracedFunctions(trace);
  const v = toVariant(variant);
  const under = v === undefined ? variant : `${VARIANT_INFO[v].label} (${VARIANT_INFO[v].tree})`;
  return renderDiagram(tracedPathMermaid(trace), {
    title: `The functions scenario ${scenario} entered under ${under}`,
    description:
      `The ${String(fns.length)} functions and RMI commands the trace entered, grouped by source file, ` +
      `with an arrow for each call the trace made. The stepper marks the function running at the current step.`,
    idPrefix,
    isFunction: (name) => names.has(name),
    className: 'rf-fault-path rf-stepper-diagram',
    scroll: true,
    figureAttributes: { 'data-scenario': scenario, 'data-variant': variant },
  });
}
