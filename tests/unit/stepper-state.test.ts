/**
 * The state the stepper folds from a trace (src/stepper/state.ts): RTT entries in the model's
 * TF-RMM vocabulary nested under their table entries, memory attributes, the VMM's view and the
 * last KVM_RUN result, each as of the step shown.
 */
import { getBuiltinScenario, runScenario, toJSONValue } from '@realmfault/model';
import { describe, expect, it } from 'vitest';
import { entrySize, foldState, ripasOf, rttHtml, rttTree } from '../../src/stepper/state';
import type { JsonEvent } from '../../src/stepper/types';

const eventsOf = (name: string, variant: 'v14' | 'post-v14-review' = 'v14'): JsonEvent[] =>
  toJSONValue(runScenario(getBuiltinScenario(name), { variant }).trace) as JsonEvent[];

describe('foldState: RTT entries', () => {
  it('follows every rtte_change of the trace up to the step', () => {
    const events = eventsOf('private-first-touch');
    const changes = events.map((e, i) => ({ e, i })).filter(({ e }) => e.type === 'rtte_change');
    expect(changes.length).toBeGreaterThan(0);
    for (const { e, i } of changes) {
      const st = foldState(events, i);
      const entry = st.rtt.find((r) => r.level === e['level'] && r.ipa === BigInt(String(e['ipa'])));
      expect(entry?.state).toBe(e['to']);
      expect(entry?.changedAt).toBe(i);
      // Before the change the entry shows its previous state, or is not listed yet.
      const before = foldState(events, i - 1).rtt.find(
        (r) => r.level === e['level'] && r.ipa === BigInt(String(e['ipa'])),
      );
      if (before !== undefined) expect(before.state).toBe(e['from']);
    }
  });

  it('nests the level 3 entry the fault mapped under the tables created for it', () => {
    const events = eventsOf('private-first-touch');
    const tree = rttTree(foldState(events, events.length - 1).rtt);
    const l1 = tree.find((n) => n.entry.level === 1 && n.entry.ipa === 0x40000000n);
    expect(l1?.entry.state).toBe('table');
    const l2 = l1?.children.find((n) => n.entry.level === 2);
    expect(l2?.entry.ipa).toBe(0x46800000n);
    const l3 = l2?.children.find((n) => n.entry.level === 3);
    expect(l3?.entry.ipa).toBe(0x46880000n);
    expect(l3?.entry.state).toBe('assigned_ram');
  });

  it('names RIPAS only for protected-half states and sizes entries by level', () => {
    expect(ripasOf('assigned_ram')).toBe('ram');
    expect(ripasOf('unassigned_destroyed')).toBe('destroyed');
    expect(ripasOf('assigned_ns(RW)')).toBeNull();
    expect(ripasOf('table')).toBeNull();
    expect(entrySize(3)).toBe(0x1000n);
    expect(entrySize(2)).toBe(0x20_0000n);
    expect(entrySize(1)).toBe(0x4000_0000n);
  });

  it('marks entries changed in the current step and escapes state text', () => {
    const html = rttHtml([{ level: 3, ipa: 0x1000n, state: '<x>', initial: 'table', changedAt: 5 }], [5, 5]);
    expect(html).toContain('&lt;x&gt;');
    expect(html).toContain('changed in this step');
    expect(
      rttHtml([{ level: 3, ipa: 0x1000n, state: 'x', initial: 'x', changedAt: 5 }], [6, 7]),
    ).not.toContain('changed in this step');
  });
});

describe('foldState: attributes, the VMM and KVM_RUN', () => {
  it('takes the last attribute change and KVM_RUN result of private-fault-shared-attr', () => {
    const events = eventsOf('private-fault-shared-attr');
    const exits = events.map((e, i) => ({ e, i })).filter(({ e }) => e.type === 'exit_to_vmm');
    const attrs = events.map((e, i) => ({ e, i })).filter(({ e }) => e.type === 'attribute_change');
    expect(exits.length).toBeGreaterThan(0);
    expect(attrs.length).toBeGreaterThan(0);
    const firstExit = exits[0];
    if (firstExit === undefined) throw new Error('no exit');
    const st = foldState(events, firstExit.i);
    expect(st.kvmRun?.at).toBe(firstExit.i);
    expect(st.kvmRun?.text).toContain(`KVM_RUN returned ${String(firstExit.e['ret'])}`);
    const lastAttr = attrs[attrs.length - 1];
    if (lastAttr === undefined) throw new Error('no attribute change');
    const after = foldState(events, events.length - 1);
    expect(after.attributes.some((a) => a.at === lastAttr.i && a.private === lastAttr.e['private'])).toBe(
      true,
    );
  });

  it('records what the VMM read', () => {
    const events = eventsOf('shared-force-write-zero-page');
    const reads = events.filter((e) => e.type === 'vmm_read');
    expect(reads.length).toBeGreaterThan(0);
    const st = foldState(events, events.length - 1);
    const last = reads[reads.length - 1];
    expect(st.vmmAccess.find((v) => v.op === 'read')?.value).toBe(BigInt(String(last?.['value'])));
  });
});
