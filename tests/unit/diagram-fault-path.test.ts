/**
 * The generated fault-path overview (src/diagrams/fault-path.ts) and the trace-driven diagrams:
 * every function a trace can enter has a node, the marked set is exactly what the trace entered,
 * and any trace turns into a four-lane sequence diagram the renderer accepts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { parseMermaid } from 'beautiful-mermaid';
import {
  BUILTIN_SCENARIO_NAMES,
  getBuiltinScenario,
  MIRRORED_FUNCTIONS,
  runScenario,
  VARIANTS,
  type TraceEvent,
} from '@realmfault/model';
import { describe, expect, it } from 'vitest';
import {
  faultPathMermaid,
  renderFaultPath,
  renderScenarioSequence,
  tracedCalls,
  tracedFunctions,
} from '../../src/diagrams/fault-path.js';
import { traceToSequence } from '../../src/diagrams/sequence.js';
import { checkMermaid } from '../../src/plugins/mermaid/validate.js';

const GOLDEN = 'packages/model/test/golden';
const graph = parseMermaid(faultPathMermaid(MIRRORED_FUNCTIONS));
const nodeIds = new Set(graph.nodes.keys());
const edgeIds = new Set(graph.edges.map((e) => `${e.source}->${e.target}`));

/** Function names as the golden JSON carries them (fn_enter.fn, rmi_call.cmd). */
function goldenFunctions(): Map<string, string> {
  const where = new Map<string, string>();
  for (const file of readdirSync(GOLDEN).filter((f) => f.endsWith('.json'))) {
    const json = JSON.parse(readFileSync(`${GOLDEN}/${file}`, 'utf8')) as {
      trace?: { type: string; fn?: string; cmd?: string }[];
    };
    for (const e of json.trace ?? []) {
      const name = e.type === 'fn_enter' ? e.fn : e.type === 'rmi_call' ? e.cmd : undefined;
      if (name !== undefined && !where.has(name)) where.set(name, file);
    }
  }
  return where;
}

const RUNS = BUILTIN_SCENARIO_NAMES.flatMap((scenario) => VARIANTS.map((variant) => ({ scenario, variant })));
const traceOf = (scenario: string, variant: (typeof VARIANTS)[number]): readonly TraceEvent[] =>
  runScenario(getBuiltinScenario(scenario), { variant }).trace;

describe('faultPathMermaid (generated from MIRRORED_FUNCTIONS)', () => {
  it('has one node per mirrored function and one edge per listed call', () => {
    expect([...nodeIds].sort()).toEqual(MIRRORED_FUNCTIONS.map((f) => f.name).sort());
    expect(edgeIds.size).toBe(MIRRORED_FUNCTIONS.reduce((n, f) => n + f.calls.length, 0));
  });

  it('passes the strict Mermaid check', () => {
    expect(checkMermaid(faultPathMermaid(MIRRORED_FUNCTIONS)).kind).toBe('flowchart');
  });

  it('has a node for every function in every golden trace', () => {
    const golden = goldenFunctions();
    expect(golden.size).toBeGreaterThan(20);
    const missing = [...golden].filter(([name]) => !nodeIds.has(name)).map(([n, f]) => `${n} (${f})`);
    expect(missing).toEqual([]);
  });

  it('has a node for every function any built-in scenario enters, under both variants', () => {
    const missing = new Set<string>();
    for (const { scenario, variant } of RUNS) {
      for (const fn of tracedFunctions(traceOf(scenario, variant))) if (!nodeIds.has(fn)) missing.add(fn);
    }
    expect([...missing]).toEqual([]);
  });
});

describe('renderFaultPath (the FaultPathDiagram component)', () => {
  it.each(RUNS)(
    '$scenario ($variant): the marked nodes are exactly the functions in the trace',
    ({ scenario, variant }) => {
      const trace = traceOf(scenario, variant);
      const { html } = renderFaultPath({ scenario, variant });
      const marked = [
        ...html.matchAll(/<g class="node rf-taken" data-id="([^"]+)"[^>]*data-taken="true"/g),
      ].map((m) => m[1]);
      expect(new Set(marked)).toEqual(new Set(tracedFunctions(trace)));
      expect(marked.length).toBe(new Set(marked).size);
      // Marked edges: the trace's calls, all of which the table lists.
      const markedEdges = [
        ...html.matchAll(
          /<polyline class="edge rf-taken" data-taken="true" data-from="([^"]+)" data-to="([^"]+)"/g,
        ),
      ].map((m) => `${m[1] ?? ''}->${m[2] ?? ''}`);
      const calls = tracedCalls(trace);
      expect(calls.filter((c) => !edgeIds.has(c))).toEqual([]);
      expect(new Set(markedEdges)).toEqual(new Set(calls));
      expect(html).toContain(`data-scenario="${scenario}" data-variant="${variant}"`);
    },
  );

  it('puts data-fn on every node (all are mirrored functions or RMI commands)', () => {
    const { html } = renderFaultPath({ scenario: 'private-first-touch', variant: 'v14' });
    expect((html.match(/data-fn="/g) ?? []).length).toBe(MIRRORED_FUNCTIONS.length);
  });
});

describe('traceToSequence', () => {
  it.each(RUNS)('$scenario ($variant): four lanes, and the renderer accepts it', ({ scenario, variant }) => {
    const source = traceToSequence(traceOf(scenario, variant));
    expect(checkMermaid(source).kind).toBe('sequence');
    expect(source.split('\n').slice(1, 5)).toEqual([
      '  participant G as guest',
      '  participant R as RMM',
      '  participant K as KVM',
      '  participant V as VMM',
    ]);
    // Only the four lanes are ever used.
    for (const m of source.matchAll(/^\s+([A-Za-z]+)\s*-+[>)x]+\s*([A-Za-z]+):/gm)) {
      expect(['G', 'R', 'K', 'V']).toContain(m[1]);
      expect(['G', 'R', 'K', 'V']).toContain(m[2]);
    }
  });

  it('draws the REC exit and the RMI calls of a private first touch in order', () => {
    const source = traceToSequence(traceOf('private-first-touch', 'v14'));
    const exit = source.indexOf('R->>K: REC exit RMI_EXIT_SYNC');
    const map = source.indexOf('K->>R: RMI_RTT_DATA_MAP');
    expect(exit).toBeGreaterThan(0);
    expect(map).toBeGreaterThan(exit);
  });

  it('renders as the ScenarioSequenceDiagram component does, with its messages as text', () => {
    const { html, kind } = renderScenarioSequence({ scenario: 'mmio-no-syndrome', variant: 'v14' });
    expect(kind).toBe('sequence');
    expect(html).toContain('<li>RMM → KVM: REC exit RMI_EXIT_SYNC');
  });
});
