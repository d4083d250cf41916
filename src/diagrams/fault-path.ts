/**
 * The fault-path overview, generated from the model's table of mirrored functions
 * (`MIRRORED_FUNCTIONS`: each C function or RMI command, its source file and whom it calls), so
 * the diagrams cannot drift from the model: a function the model gains appears in a view, and a
 * test (tests/unit/diagram-fault-path.test.ts) fails if a traced function or a call is in none.
 *
 * Node ids are the C names, so data-fn hooks and trace marks line up with the kernel source.
 */
import { getBuiltinScenario, MIRRORED_FUNCTIONS, runScenario, VARIANT_INFO } from '@realmfault/model';
import type { MirroredFunction, TraceEvent, Variant } from '@realmfault/model';
import { renderDiagram, type DiagramMarks, type RenderedDiagram } from '../plugins/mermaid/render.js';
import { traceToSequence } from './sequence.js';
import { renderCallTree } from './call-tree.js';

/**
 * The overview in views a screen can hold (issue 13): all mirrored functions in one graph made a
 * drawing several screens wide. Each view is the part of the call graph reachable from its
 * roots, not going past its stops (a stop is drawn, its callees are not: another view expands
 * it). Together the views cover every mirrored function and every call
 * (tests/unit/diagram-fault-path.test.ts). Each is drawn as a call tree (call-tree.ts).
 */
export interface FaultPathView {
  readonly id: 'fault' | 'map' | 'ripas' | 'invalidation' | 'setup';
  /** Heading-style name of the view. */
  readonly title: string;
  /** One sentence: what the view shows. */
  readonly summary: string;
  readonly roots: readonly string[];
  readonly stops: readonly string[];
}

export const FAULT_PATH_VIEWS: readonly FaultPathView[] = [
  {
    id: 'fault',
    title: 'The fault path',
    summary:
      'From KVM_RUN through the REC exit and kvm_handle_guest_abort() to the handler that resolves the fault and its call to realm_map_ipa().',
    roots: ['kvm_arch_vcpu_ioctl_run'],
    stops: ['kvm_rec_pre_enter', 'rec_exit_ripas_change', 'wp_page_copy', 'realm_map_ipa'],
  },
  {
    id: 'map',
    title: 'Mapping the page',
    summary:
      'realm_map_ipa() and the RMI commands that map a protected or an unprotected page, creating and delegating RTTs on the way.',
    roots: ['realm_map_ipa'],
    stops: ['realm_unmap_private_range', 'realm_unmap_shared_range'],
  },
  {
    id: 'ripas',
    title: 'RIPAS changes the guest asks for',
    summary:
      'The guest kernel’s set_memory_decrypted() and set_memory_encrypted(), the RMI_EXIT_RIPAS_CHANGE exit, and its completion before the next REC entry.',
    roots: ['set_memory_decrypted', 'set_memory_encrypted', 'rec_exit_ripas_change', 'kvm_rec_pre_enter'],
    stops: ['realm_create_rtt_levels'],
  },
  {
    id: 'invalidation',
    title: 'Attribute changes and invalidation',
    summary:
      'The VMM’s conversion (KVM_SET_MEMORY_ATTRIBUTES, the guest_memfd hole punch) and host memory events (the MMU notifier, copy-on-write, page migration), down to the RMI commands that unmap.',
    roots: ['kvm_convert_memory', 'wp_page_copy', 'try_to_migrate'],
    stops: ['realm_create_rtt_levels'],
  },
  {
    id: 'setup',
    title: 'Realm activation',
    summary:
      'kvm_activate_realm() and what it calls: the realm descriptor (RMI_REALM_CREATE), the RIPAS of the protected regions, RMI_REALM_ACTIVATE.',
    roots: ['kvm_activate_realm'],
    stops: [],
  },
];

export type FaultPathViewId = FaultPathView['id'];

/** A view's functions (in table order), each with its calls inside the view (none for a stop). */
export function viewFunctions(
  view: FaultPathView,
  functions: readonly MirroredFunction[] = MIRRORED_FUNCTIONS,
): readonly MirroredFunction[] {
  // Every scenario page asks for the same views of the same table: compute each once.
  if (functions === MIRRORED_FUNCTIONS) {
    let fns = viewCache.get(view);
    if (fns === undefined) {
      fns = computeView(view, functions);
      viewCache.set(view, fns);
    }
    return fns;
  }
  return computeView(view, functions);
}

const viewCache = new Map<FaultPathView, readonly MirroredFunction[]>();

function computeView(view: FaultPathView, functions: readonly MirroredFunction[]): MirroredFunction[] {
  const byName = new Map(functions.map((f) => [f.name, f]));
  const inView = new Set<string>();
  const expand = (name: string): void => {
    if (inView.has(name)) return;
    const f = byName.get(name);
    if (f === undefined) throw new Error(`FAULT_PATH_VIEWS: ${name} is not a mirrored function`);
    inView.add(name);
    if (!view.stops.includes(name)) for (const c of f.calls) expand(c);
  };
  for (const r of view.roots) expand(r);
  return functions
    .filter((f) => inView.has(f.name))
    .map((f) => ({ ...f, calls: view.stops.includes(f.name) ? [] : f.calls.filter((c) => inView.has(c)) }));
}

/** For each stop of a view, the note its row carries: the view that expands it. */
function stopNotes(view: FaultPathView): Map<string, string> {
  const notes = new Map<string, string>();
  for (const stop of view.stops) {
    const other = FAULT_PATH_VIEWS.find(
      (v) => v !== view && !v.stops.includes(stop) && viewFunctions(v).some((f) => f.name === stop),
    );
    notes.set(stop, other ? `see “${other.title}”` : 'not expanded here');
  }
  return notes;
}

export interface FaultPathViewOptions {
  readonly title: string;
  readonly description: string;
  readonly idPrefix: string;
  readonly marks?: DiagramMarks | undefined;
  readonly className?: string | undefined;
  readonly figureAttributes?: Readonly<Record<string, string>> | undefined;
}

/** One view of the overview as a call tree. */
export function renderFaultPathView(view: FaultPathView, options: FaultPathViewOptions): RenderedDiagram {
  return renderCallTree(viewFunctions(view), {
    ...options,
    roots: view.roots,
    stops: stopNotes(view),
    figureAttributes: { 'data-view': view.id, ...options.figureAttributes },
  });
}

/** The functions and RMI commands a trace entered, in first-seen order. */
export function tracedFunctions(trace: readonly TraceEvent[]): string[] {
  const seen = new Set<string>();
  for (const e of trace) {
    if (e.type === 'fn_enter') seen.add(e.fn);
    else if (e.type === 'rmi_call') seen.add(e.cmd);
  }
  return [...seen];
}

/** Which side a function runs on: the realm guest, or the host (KVM, the VMM, RMI commands). */
const GUEST_FUNCTIONS = new Set(
  MIRRORED_FUNCTIONS.filter((f) => f.model.startsWith('src/guest/')).map((f) => f.name),
);
const side = (fn: string): 'guest' | 'host' => (GUEST_FUNCTIONS.has(fn) ? 'guest' : 'host');

/**
 * The caller → callee pairs a trace took ("from->to"), from its call nesting. A guest function
 * whose RSI call exits to the host stays open in the trace while the host runs, but it does not
 * call the host's functions: a pair is only counted when both run on the same side.
 */
export function tracedCalls(trace: readonly TraceEvent[]): string[] {
  const stack: string[] = [];
  const seen = new Set<string>();
  const enter = (fn: string): void => {
    const caller = stack[stack.length - 1];
    if (caller !== undefined && side(caller) === side(fn)) seen.add(`${caller}->${fn}`);
  };
  for (const e of trace) {
    if (e.type === 'step') stack.length = 0;
    else if (e.type === 'fn_enter') {
      enter(e.fn);
      stack.push(e.fn);
    } else if (e.type === 'fn_return') {
      // Pop back to the returning function (tolerating a callee that returned without an event).
      const at = stack.lastIndexOf(e.fn);
      if (at >= 0) stack.length = at;
    } else if (e.type === 'rmi_call') {
      enter(e.cmd);
    }
  }
  return [...seen];
}

/** Marks for the overview: the traced functions, and the traced calls the diagram has edges for. */
export function faultPathMarks(trace: readonly TraceEvent[]): DiagramMarks {
  return { nodes: new Set(tracedFunctions(trace)), edges: new Set(tracedCalls(trace)) };
}

export interface ScenarioDiagramProps {
  /** A built-in scenario's name (BUILTIN_SCENARIO_NAMES). */
  readonly scenario: string;
  /** Which kernel variant to run it under. */
  readonly variant: Variant;
  /** Element-id prefix, when the same diagram appears twice on one page. */
  readonly id?: string | undefined;
}

/**
 * The overview's views with the path a built-in scenario took marked (class rf-taken,
 * data-taken) on nodes and edges, computed at build time by running the model: every view the
 * trace entered (or the ones named in `views`), in the order of FAULT_PATH_VIEWS.
 */
export function renderFaultPath({
  scenario,
  variant,
  id,
  views,
}: ScenarioDiagramProps & {
  readonly views?: readonly FaultPathViewId[] | 'all' | undefined;
}): RenderedDiagram[] {
  const run = runScenario(getBuiltinScenario(scenario), { variant });
  const marks = faultPathMarks(run.trace);
  const info = VARIANT_INFO[variant];
  const chosen = FAULT_PATH_VIEWS.filter((v) =>
    views === 'all'
      ? true
      : views
        ? views.includes(v.id)
        : viewFunctions(v).some((f) => marks.nodes.has(f.name)),
  );
  return chosen.map((view) => {
    const inView = viewFunctions(view);
    const marked = inView.filter((f) => marks.nodes.has(f.name)).length;
    return renderFaultPathView(view, {
      title: `${view.title}, with the functions scenario ${scenario} ran under ${info.label} marked`,
      description:
        `${view.summary} Generated from the simulator’s table of mirrored functions as a call tree: ` +
        `${String(inView.length)} functions and RMI commands, each under its caller, with its source file. The ` +
        `${String(marked)} marked ones are those the trace of ${scenario} entered under the variant ` +
        `${variant} (${info.label}: ${info.tree}).`,
      idPrefix: `${id ?? `rfd-fault-path-${scenario}-${variant}`}-${view.id}`,
      marks,
      className: 'rf-fault-path',
      figureAttributes: { 'data-scenario': scenario, 'data-variant': variant },
    });
  });
}

/** A sequence diagram (guest / RMM / KVM / VMM) of a built-in scenario, computed at build time. */
export function renderScenarioSequence({
  scenario,
  variant,
  id,
  steps,
}: ScenarioDiagramProps & { readonly steps?: readonly number[] | undefined }): RenderedDiagram {
  const run = runScenario(getBuiltinScenario(scenario), { variant });
  const info = VARIANT_INFO[variant];
  return renderDiagram(traceToSequence(run.trace, { steps }), {
    title: `Who acts when: scenario ${scenario} under ${info.label}`,
    description:
      `A sequence diagram with four lanes, the realm guest, the RMM, KVM and the VMM, generated ` +
      `from the simulator trace under the variant ${variant} (${info.label}: ${info.tree}). Each ` +
      'arrow starts at the party that acts: the guest’s access traps to the RMM, the RMM exits to ' +
      'KVM, KVM calls the RMM’s RMI commands, KVM_RUN returns to the VMM. A note across all lanes ' +
      'starts each step; notes over one lane name the functions that side ran between messages: ' +
      'the guest kernel’s, the host kernel’s, QEMU’s.',
    idPrefix: id ?? `rfd-sequence-${scenario}-${variant}`,
    figureAttributes: { 'data-scenario': scenario, 'data-variant': variant },
  });
}
