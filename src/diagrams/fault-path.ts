/**
 * The fault-path overview, generated from the model's table of mirrored functions
 * (`MIRRORED_FUNCTIONS`: each C function or RMI command, its source file and whom it calls), so
 * the diagram cannot drift from the model: a function the model gains appears here, and a test
 * (tests/unit/diagram-fault-path.test.ts) fails if a traced function has no node.
 *
 * Node ids are the C names, so data-fn hooks and trace marks line up with the kernel source.
 */
import { getBuiltinScenario, MIRRORED_FUNCTIONS, runScenario, VARIANT_INFO } from '@realmfault/model';
import type { MirroredFunction, TraceEvent, Variant } from '@realmfault/model';
import { renderDiagram, type DiagramMarks, type RenderedDiagram } from '../plugins/mermaid/render.js';
import { traceToSequence } from './sequence.js';

/** Subgraph per source file, in the order a fault travels; files not listed go last. */
const FILE_ORDER = [
  'arch/arm64/kvm/arm.c',
  'arch/arm64/kvm/rmi-exit.c',
  'arch/arm64/kvm/mmu.c',
  'arch/arm64/kvm/mmio.c',
  'virt/kvm/kvm_main.c',
  'virt/kvm/guest_memfd.c',
  'include/linux/kvm_host.h',
  'arch/arm64/kvm/rmi.c',
];

const TREE_LABEL: Record<MirroredFunction['tree'], string> = {
  linux: 'Linux',
  'tf-rmm': 'TF-RMM',
  qemu: 'QEMU',
};

/** A Mermaid-safe subgraph id for a file path. */
const groupId = (tree: string, file: string): string => `file_${tree}_${file}`.replace(/[^\w]/g, '_');

/** Mermaid label text: quotes would end the label. */
const label = (s: string): string => s.replace(/"/g, "'");

export interface FaultPathOptions {
  /** Layout direction: LR (default) or TD. */
  readonly direction?: 'LR' | 'TD';
}

/**
 * The overview as Mermaid flowchart text: one node per mirrored function (id = its C name),
 * one edge per caller → callee listed in the table, grouped by source file. RMI commands are
 * grouped as TF-RMM's RMI handlers.
 */
export function faultPathMermaid(
  functions: readonly MirroredFunction[],
  options: FaultPathOptions = {},
): string {
  const byName = new Map(functions.map((f) => [f.name, f]));
  const groups = new Map<string, MirroredFunction[]>();
  const groupKey = (f: MirroredFunction): string =>
    f.tree === 'tf-rmm' ? 'tf-rmm|RMI commands' : `${f.tree}|${f.file}`;
  for (const f of functions) {
    const key = groupKey(f);
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const rank = (key: string): number => {
    const file = key.split('|')[1] ?? '';
    const i = FILE_ORDER.indexOf(file);
    return i < 0 ? FILE_ORDER.length + (key.startsWith('tf-rmm') ? 1 : 0) : i;
  };
  const lines = [`flowchart ${options.direction ?? 'LR'}`];
  for (const key of [...groups.keys()].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))) {
    const [tree = '', file = ''] = key.split('|');
    const members = groups.get(key) ?? [];
    const title =
      tree === 'tf-rmm' ? 'TF-RMM: RMI commands' : `${TREE_LABEL[tree as MirroredFunction['tree']]}: ${file}`;
    lines.push(`  subgraph ${groupId(tree, file)} ["${label(title)}"]`);
    for (const f of members) {
      lines.push(`    ${f.name}["${label(f.tree === 'tf-rmm' ? f.name : `${f.name}()`)}"]`);
    }
    lines.push('  end');
  }
  for (const f of functions) {
    for (const callee of f.calls) {
      if (!byName.has(callee)) {
        throw new Error(`MIRRORED_FUNCTIONS: ${f.name} calls ${callee}, which has no entry of its own`);
      }
      lines.push(`  ${f.name} --> ${callee}`);
    }
  }
  return lines.join('\n');
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
 * The overview with the path a built-in scenario took marked (class rf-taken, data-taken) on
 * nodes and edges, computed at build time by running the model.
 */
export function renderFaultPath({ scenario, variant, id }: ScenarioDiagramProps): RenderedDiagram {
  const run = runScenario(getBuiltinScenario(scenario), { variant });
  const names = new Set(MIRRORED_FUNCTIONS.map((f) => f.name));
  const marks = faultPathMarks(run.trace);
  const info = VARIANT_INFO[variant];
  return renderDiagram(faultPathMermaid(MIRRORED_FUNCTIONS), {
    title: `The fault path, with the functions scenario ${scenario} ran under ${info.label} marked`,
    description:
      `Every function and RMI command the simulator mirrors, grouped by source file, with an arrow ` +
      `from each caller to each callee. The ${String(marks.nodes.size)} marked nodes are the ones ` +
      `the trace of ${scenario} entered under the variant ${variant} (${info.label}: ${info.tree}).`,
    idPrefix: id ?? `rfd-fault-path-${scenario}-${variant}`,
    isFunction: (name) => names.has(name),
    marks,
    className: 'rf-fault-path',
    scroll: true,
    figureAttributes: { 'data-scenario': scenario, 'data-variant': variant },
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
      `from the simulator trace under the variant ${variant} (${info.label}: ${info.tree}). Notes ` +
      'over a lane name the functions that side ran between messages: the guest kernel’s, the host ' +
      'kernel’s, QEMU’s.',
    idPrefix: id ?? `rfd-sequence-${scenario}-${variant}`,
    figureAttributes: { 'data-scenario': scenario, 'data-variant': variant },
  });
}
