/**
 * The stepper's diagram: the fault-path overview reduced to the functions and RMI commands one
 * scenario's trace entered, with the calls it took, as a call tree (call-tree.ts, as the
 * overview's views are drawn): inside the stepper the reader needs to find the running function
 * at a glance, so only the traced path is drawn (same node ids and data-fn hooks).
 */
import { MIRRORED_FUNCTIONS, toVariant, VARIANT_INFO } from '@realmfault/model';
import type { MirroredFunction, TraceEvent } from '@realmfault/model';
import type { RenderedDiagram } from '../plugins/mermaid/render.js';
import { renderCallTree } from './call-tree.js';
import { tracedCalls, tracedFunctions } from './fault-path.js';

/** The traced path as functions: those the trace entered, each with the calls it made. */
export function tracedPathFunctions(
  trace: readonly TraceEvent[],
  entered: readonly string[] = tracedFunctions(trace),
): MirroredFunction[] {
  const fns = new Set(entered);
  const calls = new Set(tracedCalls(trace));
  return MIRRORED_FUNCTIONS.filter((f) => fns.has(f.name)).map((f) => ({
    ...f,
    calls: f.calls.filter((c) => fns.has(c) && calls.has(`${f.name}->${c}`)),
  }));
}

/** The traced path of a run as an accessible inline SVG call tree (build time). */
export function renderTracedPath(
  trace: readonly TraceEvent[],
  scenario: string,
  variant: string,
  idPrefix: string,
): RenderedDiagram {
  const v = toVariant(variant);
  const under = v === undefined ? variant : `${VARIANT_INFO[v].label} (${VARIANT_INFO[v].tree})`;
  const fns = tracedFunctions(trace);
  const functions = tracedPathFunctions(trace, fns);
  // Entry points: what the trace entered that nothing in it called, in the order entered.
  const called = new Set(functions.flatMap((f) => f.calls));
  return renderCallTree(functions, {
    title: `The functions scenario ${scenario} entered under ${under}`,
    description:
      `The ${String(fns.length)} functions and RMI commands the trace entered, as a call tree: each under ` +
      `the function that called it in the trace, with its source file. The stepper marks the function running at the current step.`,
    idPrefix,
    roots: fns.filter((f) => !called.has(f)),
    className: 'rf-fault-path rf-stepper-diagram',
    figureAttributes: { 'data-scenario': scenario, 'data-variant': variant },
  });
}
