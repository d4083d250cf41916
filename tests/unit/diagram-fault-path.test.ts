/**
 * The generated fault-path overview (src/diagrams/fault-path.ts) and the trace-driven diagrams:
 * every function a trace can enter has a node, the marked set is exactly what the trace entered,
 * and any trace turns into a four-lane sequence diagram the renderer accepts.
 */
import { readdirSync, readFileSync } from 'node:fs';
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
  FAULT_PATH_VIEWS,
  renderFaultPath,
  viewFunctions,
  type FaultPathView,
  renderScenarioSequence,
  tracedCalls,
  tracedFunctions,
} from '../../src/diagrams/fault-path.js';
import { laneOf, traceToSequence } from '../../src/diagrams/sequence.js';
import { callTreeRows } from '../../src/diagrams/call-tree.js';
import { checkMermaid } from '../../src/plugins/mermaid/validate.js';

const GOLDEN = 'packages/model/test/golden';
/** What the overview's views draw together: every function box and every call arrow. */
const nodeIds = new Set(FAULT_PATH_VIEWS.flatMap((v) => viewFunctions(v).map((f) => f.name)));
const edgeIds = new Set(
  FAULT_PATH_VIEWS.flatMap((v) => viewFunctions(v).flatMap((f) => f.calls.map((c) => `${f.name}->${c}`))),
);

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

describe('the overview (its views, generated from MIRRORED_FUNCTIONS)', () => {
  it('has one node per mirrored function and one edge per listed call', () => {
    expect([...nodeIds].sort()).toEqual(MIRRORED_FUNCTIONS.map((f) => f.name).sort());
    expect(edgeIds.size).toBe(MIRRORED_FUNCTIONS.reduce((n, f) => n + f.calls.length, 0));
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

describe('FAULT_PATH_VIEWS (the overview split into views a screen can hold)', () => {
  const viewEdges = (v: FaultPathView): string[] =>
    viewFunctions(v).flatMap((f) => f.calls.map((c) => `${f.name}->${c}`));

  it('together draw every mirrored function and every listed call', () => {
    const drawn = new Set(FAULT_PATH_VIEWS.flatMap((v) => viewFunctions(v).map((f) => f.name)));
    expect([...nodeIds].filter((n) => !drawn.has(n))).toEqual([]);
    const edges = new Set(FAULT_PATH_VIEWS.flatMap(viewEdges));
    expect([...edgeIds].filter((e) => !edges.has(e))).toEqual([]);
  });

  it.each(FAULT_PATH_VIEWS.map((v) => [v.id, v] as const))(
    '%s: only calls the table lists, between functions of the view; at most 32 nodes',
    (_id, view) => {
      const fns = viewFunctions(view);
      const names = new Set(fns.map((f) => f.name));
      expect(fns.length).toBeLessThanOrEqual(32);
      for (const e of viewEdges(view)) {
        expect(edgeIds.has(e), e).toBe(true);
        const [from = '', to = ''] = e.split('->');
        expect(names.has(from) && names.has(to), e).toBe(true);
      }
      for (const stop of view.stops) {
        if (names.has(stop)) expect(fns.find((f) => f.name === stop)?.calls).toEqual([]);
      }
      // As a call tree: every call of the view is one row under its caller, each function is
      // expanded once, and each row's connector comes from the row of its caller.
      const rows = callTreeRows(fns, view.roots, new Map(view.stops.map((st) => [st, 'stop'])));
      const rowCalls = rows.flatMap((r) =>
        r.parent === null ? [] : [`${rows[r.parent]?.fn.name ?? ''}->${r.fn.name}`],
      );
      expect(rowCalls.sort()).toEqual(viewEdges(view).sort());
      const full = rows.filter((r) => r.kind === 'full' || r.kind === 'stop').map((r) => r.fn.name);
      expect(full.sort()).toEqual([...names].sort());
      rows.forEach((r, i) => {
        if (r.parent !== null) {
          expect(r.parent).toBeLessThan(i);
          expect(r.depth).toBe((rows[r.parent]?.depth ?? -9) + 1);
          // Rows between a caller and its callee are the caller's descendants (deeper), so the
          // connector down the caller's gutter crosses no box.
          for (let k = r.parent + 1; k < i; k++) expect(rows[k]?.depth ?? 0).toBeGreaterThan(r.depth - 1);
        }
      });
    },
  );
});

describe('renderFaultPath (the FaultPathDiagram component)', () => {
  it.each(RUNS)(
    '$scenario ($variant): the views drawn are those the trace entered, and their marks are exactly the trace',
    ({ scenario, variant }) => {
      const trace = traceOf(scenario, variant);
      const views = renderFaultPath({ scenario, variant });
      const traced = new Set(tracedFunctions(trace));
      const expected = FAULT_PATH_VIEWS.filter((v) => viewFunctions(v).some((f) => traced.has(f.name)));
      expect(views.map((d) => /data-view="([a-z]+)"/.exec(d.html)?.[1])).toEqual(expected.map((v) => v.id));
      const marked = new Set<string>();
      const markedEdges = new Set<string>();
      for (const { html } of views) {
        const inView = [
          ...html.matchAll(/<g class="node rf-taken[^"]*" data-id="([^"]+)"[^>]*data-taken="true"/g),
        ].map((m) => m[1] ?? '');
        for (const n of inView) marked.add(n);
        for (const m of html.matchAll(
          /<polyline class="edge rf-taken" data-taken="true" data-from="([^"]+)" data-to="([^"]+)"/g,
        )) {
          markedEdges.add(`${m[1] ?? ''}->${m[2] ?? ''}`);
        }
        expect(html).toContain(`data-scenario="${scenario}" data-variant="${variant}"`);
      }
      expect(marked).toEqual(traced);
      // Marked edges: the trace's calls, all of which the table lists and some view draws.
      const calls = tracedCalls(trace);
      expect(calls.filter((c) => !edgeIds.has(c))).toEqual([]);
      expect(markedEdges).toEqual(new Set(calls));
    },
  );

  it('views="all" draws every view, with data-fn on every node', () => {
    const views = renderFaultPath({ scenario: 'private-first-touch', variant: 'v14', views: 'all' });
    expect(views).toHaveLength(FAULT_PATH_VIEWS.length);
    const fns = new Set(
      views.flatMap(({ html }) => [...html.matchAll(/data-fn="([^"]+)"/g)].map((m) => m[1])),
    );
    expect(views.every((v) => v.kind === 'call-tree')).toBe(true);
    // One data-fn box per function and view: a second mention carries data-ref instead.
    for (const { html } of views) {
      const inView = [...html.matchAll(/data-fn="([^"]+)"/g)].map((m) => m[1]);
      expect(inView.length).toBe(new Set(inView).size);
    }
    expect(fns.size).toBe(MIRRORED_FUNCTIONS.length);
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

  it('puts the guest’s RSI call and its functions on the guest lane, the VMM’s work on the VMM lane', () => {
    const lines = traceToSequence(traceOf('explicit-private-to-shared', 'v14')).split('\n');
    // The RSI call is the guest's message to the RMM, with the range it asks for.
    expect(lines.some((l) => /^\s+G->>R: .*RSI_IPA_STATE_SET \[0x46880000, 0x46881000\)$/.test(l))).toBe(
      true,
    );
    // The guest kernel's functions are noted over the guest, never over KVM.
    const guestFns = MIRRORED_FUNCTIONS.filter((f) => f.model.startsWith('src/guest/')).map((f) => f.name);
    expect(guestFns.length).toBeGreaterThan(0);
    for (const fn of guestFns) expect(laneOf(fn)).toBe('G');
    const notesOver = (lane: string): string =>
      lines.filter((l) => l.startsWith(`  Note over ${lane}:`)).join('\n');
    expect(notesOver('G')).toContain('set_memory_decrypted → rsi_set_memory_range_shared');
    for (const fn of guestFns) expect(notesOver('K')).not.toContain(fn);
    // QEMU's conversion is the VMM's: noted over it, and its ioctls are its messages to KVM.
    expect(laneOf('kvm_convert_memory')).toBe('V');
    expect(notesOver('V')).toContain('kvm_convert_memory');
    expect(notesOver('K')).not.toContain('kvm_convert_memory');
    expect(lines).toContain('  V->>K: KVM_SET_MEMORY_ATTRIBUTES 0x46880000 +0x1000 → shared');
    expect(lines.some((l) => l.startsWith('  V->>K: fallocate(guest_memfd, PUNCH_HOLE) 0x46880000'))).toBe(
      true,
    );
    // The VMM's own write is noted over the VMM.
    expect(lines.some((l) => /^\s+Note over V: .*writes 0xabcd at GPA 0x46880000$/.test(l))).toBe(true);
    // KVM never sends the VMM's actions to itself.
    expect(lines.filter((l) => /^\s+K->>K/.test(l))).toEqual([]);
  });

  it('shows a RIPAS-change exit with its range and RIPAS, not an ESR', () => {
    for (const variant of VARIANTS) {
      const trace = traceOf('explicit-private-to-shared', variant);
      const exit = trace.find(
        (e): e is Extract<TraceEvent, { type: 'rec_exit'; reason: 'RMI_EXIT_RIPAS_CHANGE' }> =>
          e.type === 'rec_exit' && e.reason === 'RMI_EXIT_RIPAS_CHANGE',
      );
      if (exit === undefined) throw new Error('no RIPAS exit');
      const line = traceToSequence(trace)
        .split('\n')
        .find((l) => l.includes('RMI_EXIT_RIPAS_CHANGE'));
      expect(line).toBe(
        `  R->>K: REC exit RMI_EXIT_RIPAS_CHANGE [0x${exit.ripasBase.toString(16)}, 0x${exit.ripasTop.toString(16)}) to RIPAS EMPTY`,
      );
      expect(exit.ripas).toBe(0); // RSI_RIPAS_EMPTY: set_memory_decrypted() asks for EMPTY [@linux-rsi.h:64-69]
    }
    for (const { scenario, variant } of RUNS) {
      expect(traceToSequence(traceOf(scenario, variant))).not.toMatch(/RIPAS_CHANGE, ESR|ESR 0x0\b/);
    }
  });

  it('notes a step’s outcome only when the step ends, never inside another step’s fault', () => {
    for (const { scenario, variant } of RUNS) {
      const source = traceToSequence(traceOf(scenario, variant), { maxItems: 10_000 });
      const steps = getBuiltinScenario(scenario).steps.length;
      const ends = [...source.matchAll(/Note over G,V: step (\d+) ends: /g)].map((m) => Number(m[1]));
      expect(ends, `${scenario} ${variant}`).toEqual([...Array(steps).keys()]);
      expect(source).not.toMatch(/outcome: completed/);
    }
    // Two vCPUs: vCPU0's write completes inside vCPU1's fault window; step 0 ends only after
    // vCPU1 is entered again.
    const lines = traceToSequence(traceOf('two-vcpus-same-page', 'v14')).split('\n');
    const interleaved = lines.findIndex((l) => l.startsWith('  Note over G,V: interleaved'));
    const end0 = lines.findIndex((l) => l.includes('step 0 ends'));
    const lastVcpu1Entry =
      lines
        .map((l, i) => (l.includes('REC enter, vCPU1') ? i : -1))
        .filter((i) => i >= 0 && i < end0)
        .at(-1) ?? -1;
    expect(interleaved).toBeGreaterThan(0);
    expect(lastVcpu1Entry).toBeGreaterThan(interleaved);
    expect(end0).toBeGreaterThan(lastVcpu1Entry);
    expect(lines.slice(interleaved, lastVcpu1Entry).some((l) => /ends:|completed/.test(l))).toBe(false);
  });

  it('draws KVM_RUN from the VMM before the REC entry and the guest access it runs', () => {
    const lines = traceToSequence(traceOf('private-first-touch', 'v14')).split('\n');
    const run = lines.indexOf('  V->>K: KVM_RUN');
    expect(run).toBeGreaterThan(0);
    expect(lines[run - 1]).toMatch(/^ {2}Note over G,V: step 0: /);
    expect(lines[run + 1]).toBe('  K->>R: REC enter');
    expect(lines[run + 2]).toBe('  G->>R: write 0x1234 to IPA 0x46880000, 8 bytes');
  });

  it('renders as the ScenarioSequenceDiagram component does, with its messages as text', () => {
    const { html, kind } = renderScenarioSequence({ scenario: 'mmio-no-syndrome', variant: 'v14' });
    expect(kind).toBe('sequence');
    expect(html).toContain('<li>RMM → KVM: REC exit RMI_EXIT_SYNC');
  });
});

describe('text versions match the drawings', () => {
  it('a call-tree view lists one item per row, nested as drawn', () => {
    for (const view of FAULT_PATH_VIEWS) {
      const [d] = renderFaultPath({ scenario: 'private-first-touch', variant: 'v14', views: [view.id] });
      const html = d?.html ?? '';
      const text = html.slice(html.indexOf('<details'));
      const svg = html.slice(0, html.indexOf('<details'));
      const boxes = (svg.match(/<g class="node[ "]/g) ?? []).length;
      expect(boxes).toBeGreaterThan(3);
      expect((text.match(/<li /g) ?? []).length, view.id).toBe(boxes);
      // Nesting: the deepest list is as deep as the deepest row.
      const rows = callTreeRows(viewFunctions(view), view.roots, new Map(view.stops.map((s) => [s, ''])));
      let depth = 0;
      let max = 0;
      for (const m of text.matchAll(/<(\/?)ul>/g)) {
        depth += m[1] ? -1 : 1;
        max = Math.max(max, depth);
      }
      expect(max, view.id).toBe(Math.max(...rows.map((r) => r.depth)) + 1);
    }
  });

  it.each(RUNS.slice(0, 6))(
    '$scenario ($variant): a sequence diagram lists one item per message and note',
    ({ scenario, variant }) => {
      const { html } = renderScenarioSequence({ scenario, variant });
      const svg = html.slice(0, html.indexOf('<details'));
      const text = html.slice(html.indexOf('<details'));
      const drawn = (svg.match(/<g class="(message|note)"/g) ?? []).length;
      expect(drawn).toBeGreaterThan(3);
      expect((text.match(/<li>/g) ?? []).length).toBe(drawn);
    },
  );
});
