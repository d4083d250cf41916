/**
 * The Fault explorer's scenario (src/widgets/explorer): every combination of the form's choices
 * builds a scenario the model's parser accepts and that says what the reader picked; the
 * permalink gives the same selection back; and what the explorer shows of a run is what the
 * model's RunResult says.
 */
import {
  BACKINGS,
  describeStep,
  parseScenario,
  runScenario,
  TOGGLE_INFO,
  VARIANT_ALIASES,
  VARIANT_INFO,
  type RunResult,
  type StepSummary,
} from '@realmfault/model';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { differingFields, runVerdict, stepCell } from '../../src/components/scenario-compare.js';
import {
  ACCESSES,
  ATTRIBUTES,
  BEFORE,
  defaultSelection,
  HALVES,
  PAGE_GPA,
  PAGES,
  selectionFromQuery,
  selectionToQuery,
  VARIANT_CHOICE_ALIASES,
  VARIANT_CHOICES,
  type Selection,
} from '../../src/widgets/explorer/choices.js';
import type { PathLine } from '../../src/widgets/explorer/path.js';
import { announce, renderExplorerHtml } from '../../src/widgets/explorer/render.js';
import { explore, EXPLORER_BUDGET } from '../../src/widgets/explorer/run.js';
import { buildScenario, EXPLORER_IPA_BITS, selectionIpa } from '../../src/widgets/explorer/scenario.js';
import { MODEL_SPACE } from '../../src/widgets/explorer/space.js';

/** Any selection the form can make. */
const selectionArb: fc.Arbitrary<Selection> = fc.record({
  half: fc.constantFrom(...HALVES),
  page: fc.constantFrom(...PAGES),
  access: fc.constantFrom(...ACCESSES),
  isv: fc.boolean(),
  attribute: fc.constantFrom(...ATTRIBUTES),
  backing: fc.constantFrom(...MODEL_SPACE.backings),
  guestMemfd: fc.boolean(),
  before: fc.constantFrom(...BEFORE),
  variant: fc.constantFrom(...VARIANT_CHOICES),
  toggles: fc.record(Object.fromEntries(TOGGLE_INFO.map((t) => [t.name, fc.boolean()]))),
});

describe('the choice space', () => {
  it('offers every backend and every toggle of the model', () => {
    expect(MODEL_SPACE.backings).toEqual([...BACKINGS]);
    expect(MODEL_SPACE.toggles).toEqual(TOGGLE_INFO.map((t) => ({ name: t.name, default: t.default })));
    const d = defaultSelection(MODEL_SPACE);
    for (const t of TOGGLE_INFO) expect(d.toggles[t.name]).toBe(t.default);
  });
});

describe('buildScenario', () => {
  it('builds a scenario the parser accepts, for every combination of the form', () => {
    fc.assert(
      fc.property(selectionArb, (sel) => {
        const sc = parseScenario(buildScenario(sel));
        const access = sc.steps[sc.steps.length - 1];
        expect(access?.actor).toBe('guest');
        if (access?.actor !== 'guest' || (access.op !== 'read' && access.op !== 'write')) {
          throw new Error('the last step is not the guest access');
        }
        expect(access.op).toBe(sel.access);
        expect(access.isv).toBe(sel.isv);
        expect(access.ipa).toBe(selectionIpa(sel));
        // The shared bit is set exactly for the shared half, on the page's GPA.
        const shared = 1n << BigInt(EXPLORER_IPA_BITS - 1);
        expect((access.ipa & shared) !== 0n).toBe(sel.half === 'shared');
        expect(access.ipa & ~shared).toBe(PAGE_GPA[sel.page]);
        expect(sc.memslots.map((m) => [m.backing, m.guestMemfd])).toEqual([[sel.backing, sel.guestMemfd]]);
        expect(sc.toggles).toEqual(sel.toggles);
        expect(sc.variant).toBe(sel.variant === 'post-v14-review' ? 'post-v14-review' : 'v14');
        // The attribute is PRIVATE for the page exactly when chosen (a page outside every memslot has none).
        const privatePage = sel.attribute === 'private' && sel.page !== 'mmio';
        expect(sc.private.map((r) => r.gpa)).toEqual(privatePage ? [PAGE_GPA[sel.page]] : []);
        // What happened before the access.
        const before = sc.steps.slice(0, -1).map((s) => `${s.actor} ${s.op}`);
        const expectedBefore =
          sel.before === 'guest-read'
            ? ['guest read']
            : sel.before === 'vmm-write' && sel.page !== 'mmio'
              ? ['vmm write']
              : [];
        expect(before).toEqual(expectedBefore);
      }),
      { numRuns: 500 },
    );
  });
});

describe('the permalink', () => {
  it('gives back the selection it was made from', () => {
    fc.assert(
      fc.property(selectionArb, (sel) => {
        const reading = selectionFromQuery(`?${selectionToQuery(sel, MODEL_SPACE)}`, MODEL_SPACE);
        expect(reading).toEqual({ selection: sel, present: true, problems: [] });
      }),
      { numRuns: 300 },
    );
  });

  it('reads a page address without explorer parameters as the default, silently', () => {
    expect(selectionFromQuery('', MODEL_SPACE)).toEqual({
      selection: defaultSelection(MODEL_SPACE),
      present: false,
      problems: [],
    });
  });

  it('names every parameter it does not understand and falls back to its default', () => {
    const r = selectionFromQuery('?ram=tmpfs&isv=yes&access=write&forceSharedWrite=2', MODEL_SPACE);
    const d = defaultSelection(MODEL_SPACE);
    expect(r.present).toBe(true);
    expect(r.selection).toEqual({ ...d, access: 'write' });
    expect(r.problems).toHaveLength(3);
    expect(r.problems.join(' ')).toContain(`ram=tmpfs is not one of ${BACKINGS.join(', ')}`);
    expect(r.problems.join(' ')).toContain('isv=yes is not 1 or 0');
    expect(r.problems.join(' ')).toContain('forceSharedWrite=2 is not 1 or 0');
  });

  it('reads an old link’s variant=fixed as post-v14-review, without a complaint', () => {
    const d = defaultSelection(MODEL_SPACE);
    const r = selectionFromQuery('?variant=fixed', MODEL_SPACE);
    expect(r).toEqual({ selection: { ...d, variant: 'post-v14-review' }, present: true, problems: [] });
    // The link it writes back uses the current name.
    expect(selectionToQuery(r.selection, MODEL_SPACE)).toContain('variant=post-v14-review');
    expect(VARIANT_CHOICE_ALIASES).toEqual(VARIANT_ALIASES);
  });

  it('shortens a long bad value in its message', () => {
    const r = selectionFromQuery(`?page=${'x'.repeat(5000)}`, MODEL_SPACE);
    expect(r.problems[0]?.length).toBeLessThan(200);
  });
});

/** The lines of a step's path of one event type. */
const ofType = (lines: readonly PathLine[], type: PathLine['type']): PathLine[] =>
  lines.filter((l) => l.type === type);

function expectPathMatchesSummary(lines: readonly PathLine[], summary: StepSummary): void {
  // RMI commands, in order, with their status and index.
  expect(
    ofType(lines, 'rmi_call').map((l) =>
      l.event.type === 'rmi_call' ? { cmd: l.event.cmd, status: l.event.status, index: l.event.index } : null,
    ),
  ).toEqual(summary.rmi.map((r) => ({ cmd: r.cmd, status: r.status, index: r.index })));
  // The step's outcome is the last outcome line (interleaved steps have their own, at index -2).
  const outcomes = ofType(lines, 'outcome').filter((l) => l.event.type === 'outcome' && l.event.index >= 0);
  expect(outcomes.map((l) => (l.event.type === 'outcome' ? l.event.outcome : null))).toEqual([
    summary.outcome,
  ]);
  // Every exit to the VMM: the memory-fault and MMIO exits, and the errno of a failed KVM_RUN.
  const exits = ofType(lines, 'exit_to_vmm').map((l) => (l.event.type === 'exit_to_vmm' ? l.event : null));
  expect(exits.filter((e) => e?.exitReason !== null).map((e) => e?.exitReason)).toEqual(
    summary.exits.map((e) => e.reason),
  );
  // KVM_EXIT_MEMORY_FAULT comes with -EFAULT too; the summary's errno is that of a KVM_RUN that
  // failed without an exit reason.
  expect(exits.filter((e) => e?.exitReason === null && e.errno !== null).map((e) => e?.errno)).toEqual(
    summary.errno === undefined ? [] : [summary.errno],
  );
  // WARN_ONs, by function.
  expect(ofType(lines, 'warn_on').map((l) => (l.event.type === 'warn_on' ? l.event.fn : null))).toEqual([
    ...summary.warnings,
  ]);
}

describe('explore: what the explorer shows of a run is the model RunResult', () => {
  it('for any selection: summaries, paths and the first difference', () => {
    fc.assert(
      fc.property(selectionArb, (sel) => {
        const r = explore(sel);
        if (!r.ok) throw new Error(r.message);
        const { view } = r;
        const sc = parseScenario(buildScenario(sel));
        expect(view.stepLabels).toEqual(sc.steps.map(describeStep));
        const expectedVariants = sel.variant === 'both' ? ['v14', 'post-v14-review'] : [sel.variant];
        expect(view.runs.map((x) => x.variant)).toEqual(expectedVariants);
        const results: RunResult[] = [];
        for (const run of view.runs) {
          const model = runScenario(sc, { variant: run.variant, budget: EXPLORER_BUDGET });
          results.push(model);
          expect(run.result).toEqual(model);
          expect(run.cells).toEqual(model.steps.map(stepCell));
          expect(run.lines).toHaveLength(model.steps.length);
          run.lines.forEach((lines, i) => {
            expectPathMatchesSummary(lines, model.steps[i] as StepSummary);
          });
        }
        const [a, b] = results;
        const [va, vb] = view.runs;
        if (a && b && va && vb) {
          const summariesDiffer = a.steps.some(
            (s, i) => differingFields(s, b.steps[i] as StepSummary).length > 0,
          );
          if (view.divergence === null) {
            // The same path means the same summaries.
            expect(summariesDiffer).toBe(false);
            expect(va.lines.map((l) => l.map((x) => x.text))).toEqual(
              vb.lines.map((l) => l.map((x) => x.text)),
            );
          } else {
            const d = view.divergence;
            // Everything before the difference is the same in both runs; the lines there differ.
            for (let s = 0; s < d.step; s++) {
              expect(va.lines[s]?.map((x) => x.text)).toEqual(vb.lines[s]?.map((x) => x.text));
            }
            expect(va.lines[d.step]?.slice(0, d.line).map((x) => x.text)).toEqual(
              vb.lines[d.step]?.slice(0, d.line).map((x) => x.text),
            );
            expect(d.a).toBe(va.lines[d.step]?.[d.line] ?? null);
            expect(d.b).toBe(vb.lines[d.step]?.[d.line] ?? null);
            expect(d.a === null || d.b === null || d.a.text !== d.b.text || d.a.depth !== d.b.depth).toBe(
              true,
            );
          }
        } else {
          expect(view.divergence).toBeNull();
        }
        // The rendering holds each run's path and, with a difference, marks it once per run.
        const html = renderExplorerHtml(view, 'fx');
        expect(html.match(/class="rf-fx-path"/g)).toHaveLength(view.runs.length);
        const marks = html.match(/ rf-fx-div"/g)?.length ?? 0;
        const d = view.divergence;
        expect(marks).toBe(d === null ? 0 : (d.a ? 1 : 0) + (d.b ? 1 : 0));
        expect(announce(view)).toContain(view.ipa);
      }),
      { numRuns: 60 },
    );
  });

  it('shows v14 and post-v14 parting at realm_map_ipa for the seed case (the default selection)', () => {
    const r = explore(defaultSelection(MODEL_SPACE));
    if (!r.ok) throw new Error(r.message);
    const d = r.view.divergence;
    expect(d?.step).toBe(0);
    // v14 WARNs in realm_map_ipa (W required for both halves [@v14 realm_map_ipa()]) where post-v14
    // goes on to realm_map_non_secure (W required only for the protected half [@post-v14 realm_map_ipa()]).
    expect(d?.a?.type).toBe('warn_on');
    expect(d?.a?.event.type === 'warn_on' && d.a.event.fn).toBe('realm_map_ipa');
    expect(d?.b?.type).toBe('fn_enter');
    expect(d?.b?.event.type === 'fn_enter' && d.b.event.fn).toBe('realm_map_non_secure');
  });

  it('names each variant with the code it follows, and never by its former name', () => {
    const r = explore(defaultSelection(MODEL_SPACE));
    if (!r.ok) throw new Error(r.message);
    const html = renderExplorerHtml(r.view, 'fx');
    for (const v of ['v14', 'post-v14-review'] as const) {
      expect(html).toContain(VARIANT_INFO[v].label);
      expect(html).toContain(VARIANT_INFO[v].tree.replace(/</g, '&lt;'));
    }
    expect(html).not.toMatch(/\bfixed\b/);
  });

  it('says what a stuck run came to before the invariant checks', () => {
    // A 2 MiB-aligned THP read through the shared alias: v14 makes no forward progress.
    const sel: Selection = {
      ...defaultSelection(MODEL_SPACE),
      page: 'aligned',
      access: 'read',
      backing: 'thp',
      before: 'vmm-write',
    };
    const r = explore(sel);
    if (!r.ok) throw new Error(r.message);
    const v14 = r.view.runs.find((x) => x.variant === 'v14');
    if (v14 === undefined) throw new Error('no v14 run');
    const verdict = runVerdict(v14.result);
    const html = renderExplorerHtml(r.view, 'fx');
    const verdictAt = html.indexOf('class="rf-fx-verdicts"');
    const invariantsAt = html.search(/Invariant (checks|violations)/);
    expect(verdictAt).toBeGreaterThan(0);
    expect(invariantsAt).toBeGreaterThan(verdictAt);
    for (const line of verdict.lines) expect(html).toContain(line.replace(/'/g, '&#39;'));
    // As thp-aligned: v14's retry fails with RMI_ERROR_RTT(2) and realm_map_non_secure() returns
    // that positive status after WARN, which KVM takes as "resume" [@v14-rmi.c:853-854].
    expect(v14.result.steps.map((s) => s.outcome)).toContain('no_progress');
    expect(verdict.lines.join(' ')).toMatch(
      /no forward progress: \d+ REC exits .*WARN in realm_map_non_secure/,
    );
    expect(announce(r.view)).toMatch(/^Result for IPA 0x[0-9a-f]+: v14: step \d+: no forward progress/);
  });

  it('reports an exhausted step budget as a message', () => {
    const r = explore(defaultSelection(MODEL_SPACE), 10);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(/budget of 10 steps/);
  });
});
