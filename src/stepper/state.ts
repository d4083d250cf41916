/**
 * The state a trace has built up to one event, folded from the trace alone (no model code): RTT
 * entries (`rtte_change`), memory attributes (`attribute_change`), the VMM's view of guest pages
 * (`host_mm`, `vmm_read`, `vmm_write`) and the last `KVM_RUN` result (`exit_to_vmm`). Pure and
 * DOM-free; the HTML builders escape everything and run at build time and in the browser.
 */
import type { JsonEvent } from './types';

/** RTT entry sizes for the 4 KiB granule the model uses: level 3 maps 4 KiB, each level above 512×. */
export function entrySize(level: number): bigint {
  return 1n << BigInt(12 + 9 * (3 - level));
}

const big = (v: unknown): bigint => (typeof v === 'string' || typeof v === 'number' ? BigInt(v) : 0n);
const hex = (v: bigint): string => `0x${v.toString(16)}`;
const s = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

export const esc = (t: string): string =>
  t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface RttEntry {
  readonly level: number;
  readonly ipa: bigint;
  /** The state's TF-RMM name as the model writes it (`unassigned_ram`, `table`, `assigned_ns(RW)`). */
  readonly state: string;
  /** The state before the first change the trace shows. */
  readonly initial: string;
  /** Index of the last event that changed it. */
  readonly changedAt: number;
}

/**
 * The RIPAS an entry state carries, when it has one: protected-half states are
 * `unassigned_<ripas>` / `assigned_<ripas>` (rtteName() in packages/model/src/rmm/rtt.ts);
 * unprotected-half states (`*_ns`) and `table` have none.
 */
export function ripasOf(state: string): string | null {
  const m = /^(?:unassigned|assigned)_(empty|ram|destroyed)$/.exec(state);
  return m?.[1] ?? null;
}

export interface FoldedState {
  readonly rtt: readonly RttEntry[];
  readonly attributes: readonly { gpa: bigint; size: bigint; private: boolean; at: number }[];
  readonly hostMm: readonly { what: string; hva: bigint; pfn: bigint; at: number }[];
  readonly vmmAccess: readonly {
    op: 'read' | 'write';
    gpa: bigint;
    value: bigint;
    pfn: bigint;
    at: number;
  }[];
  readonly kvmRun: { text: string; at: number } | null;
}

/** Fold events 0…upto (inclusive). */
export function foldState(events: readonly JsonEvent[], upto: number): FoldedState {
  const rtt = new Map<string, RttEntry>();
  const attrs = new Map<string, { gpa: bigint; size: bigint; private: boolean; at: number }>();
  const hostMm = new Map<string, { what: string; hva: bigint; pfn: bigint; at: number }>();
  const vmm = new Map<
    string,
    { op: 'read' | 'write'; gpa: bigint; value: bigint; pfn: bigint; at: number }
  >();
  let kvmRun: FoldedState['kvmRun'] = null;
  const last = Math.min(upto, events.length - 1);
  for (let i = 0; i <= last; i++) {
    const e = events[i];
    if (e === undefined) continue;
    switch (e.type) {
      case 'rtte_change': {
        const level = Number(e['level']);
        const ipa = big(e['ipa']);
        const key = `${String(level)}:${hex(ipa)}`;
        const prev = rtt.get(key);
        rtt.set(key, { level, ipa, state: s(e['to']), initial: prev?.initial ?? s(e['from']), changedAt: i });
        break;
      }
      case 'attribute_change': {
        const gpa = big(e['gpa']);
        const size = big(e['size']);
        attrs.set(`${hex(gpa)}+${hex(size)}`, { gpa, size, private: e['private'] === true, at: i });
        break;
      }
      case 'host_mm': {
        const hva = big(e['hva']);
        hostMm.set(hex(hva), { what: s(e['what']), hva, pfn: big(e['pfn']), at: i });
        break;
      }
      case 'vmm_read':
      case 'vmm_write': {
        const gpa = big(e['gpa']);
        vmm.set(hex(gpa), {
          op: e.type === 'vmm_read' ? 'read' : 'write',
          gpa,
          value: big(e['value']),
          pfn: big(e['pfn']),
          at: i,
        });
        break;
      }
      case 'exit_to_vmm': {
        const ret = Number(e['ret']);
        const errno = e['errno'];
        const reason = e['exitReason'];
        const parts = [`KVM_RUN returned ${String(ret)}${typeof errno === 'string' ? ` (${errno})` : ''}`];
        if (typeof reason === 'string') parts.push(`exit_reason ${reason}`);
        if (typeof e['gpa'] === 'string') parts.push(`gpa ${s(e['gpa'])}`);
        if (typeof e['size'] === 'string') parts.push(`size ${s(e['size'])}`);
        if (typeof e['flags'] === 'string') parts.push(`flags ${s(e['flags'])}`);
        if (typeof e['isWrite'] === 'boolean') parts.push(`is_write ${e['isWrite'] ? '1' : '0'}`);
        kvmRun = { text: parts.join(', '), at: i };
        break;
      }
      default:
        break;
    }
  }
  const byIpa = (a: RttEntry, b: RttEntry): number =>
    a.ipa < b.ipa ? -1 : a.ipa > b.ipa ? 1 : a.level - b.level;
  return {
    rtt: [...rtt.values()].sort(byIpa),
    attributes: [...attrs.values()].sort((a, b) => (a.gpa < b.gpa ? -1 : a.gpa > b.gpa ? 1 : 0)),
    hostMm: [...hostMm.values()],
    vmmAccess: [...vmm.values()],
    kvmRun,
  };
}

interface TreeNode {
  readonly entry: RttEntry;
  readonly children: TreeNode[];
}

/** Entries nested under the table entry (one level up) that covers them. */
export function rttTree(entries: readonly RttEntry[]): TreeNode[] {
  const nodes = entries.map((entry) => ({ entry, children: [] as TreeNode[] }));
  const roots: TreeNode[] = [];
  for (const n of nodes) {
    const { level, ipa } = n.entry;
    const parentSize = entrySize(level - 1);
    const parentIpa = ipa - (ipa % parentSize);
    const parent = nodes.find((p) => p.entry.level === level - 1 && p.entry.ipa === parentIpa);
    (parent?.children ?? roots).push(n);
  }
  return roots;
}

/**
 * The RTT entries as nested lists: a `table` entry is a <details> whose content is its changed
 * children. `current` is the range of events of the step shown; entries changed in it are
 * marked (class and the words "changed in this step", not colour alone).
 */
export function rttHtml(entries: readonly RttEntry[], current: readonly [number, number] | null): string {
  if (entries.length === 0) {
    return '<p class="rf-rtt-empty">No RTT entry has changed yet.</p>';
  }
  const item = (n: TreeNode): string => {
    const { level, ipa, state, initial, changedAt } = n.entry;
    const top = ipa + entrySize(level);
    const ripas = ripasOf(state);
    const now = current !== null && changedAt >= current[0] && changedAt <= current[1];
    const label =
      `<span class="rf-rtt-level">L${String(level)}</span> ` +
      `<code>[${hex(ipa)}, ${hex(top)})</code> ` +
      `<code class="rf-rtt-state" data-state="${esc(state)}">${esc(state)}</code>` +
      (ripas !== null ? ` <span class="rf-rtt-ripas">RIPAS ${esc(ripas.toUpperCase())}</span>` : '') +
      (initial !== state ? ` <span class="rf-rtt-was">(was ${esc(initial)})</span>` : '') +
      (now ? ' <strong class="rf-now">changed in this step</strong>' : '');
    const attrs = ` data-level="${String(level)}" data-ipa="${hex(ipa)}"${now ? ' class="rf-changed"' : ''}`;
    if (n.children.length === 0) return `<li${attrs}>${label}</li>`;
    return `<li${attrs}><details open><summary>${label}</summary><ul>${n.children.map(item).join('')}</ul></details></li>`;
  };
  return `<ul class="rf-rtt-tree">${rttTree(entries).map(item).join('')}</ul>`;
}

/** The folded state as HTML (definition-list-like sections), for the stepper's state pane. */
export function stateHtml(st: FoldedState, current: readonly [number, number] | null): string {
  const now = (at: number): string =>
    current !== null && at >= current[0] && at <= current[1]
      ? ' <strong class="rf-now">changed in this step</strong>'
      : '';
  const list = (items: string[], empty: string): string =>
    items.length === 0 ? `<p class="rf-state-empty">${empty}</p>` : `<ul>${items.join('')}</ul>`;
  return (
    `<div class="rf-state-section"><p class="rf-state-title">Realm translation tables (RTT entries the trace changed)</p>${rttHtml(st.rtt, current)}</div>` +
    `<div class="rf-state-section"><p class="rf-state-title">Memory attributes (KVM_SET_MEMORY_ATTRIBUTES)</p>${list(
      st.attributes.map(
        (a) =>
          `<li><code>[${hex(a.gpa)}, ${hex(a.gpa + a.size)})</code> ${a.private ? 'private' : 'shared'}${now(a.at)}</li>`,
      ),
      'No attribute change yet.',
    )}</div>` +
    `<div class="rf-state-section"><p class="rf-state-title">The VMM's view of guest memory</p>${list(
      [
        ...st.hostMm.map(
          (h) =>
            `<li>host mm: ${esc(h.what)} at HVA <code>${hex(h.hva)}</code>, PFN <code>${hex(h.pfn)}</code>${now(h.at)}</li>`,
        ),
        ...st.vmmAccess.map(
          (v) =>
            `<li>VMM ${v.op} at GPA <code>${hex(v.gpa)}</code>: <code>${hex(v.value)}</code> (PFN <code>${hex(v.pfn)}</code>)${now(v.at)}</li>`,
        ),
      ],
      'The VMM has not touched guest memory yet.',
    )}</div>` +
    `<div class="rf-state-section"><p class="rf-state-title">Last KVM_RUN result</p>${
      st.kvmRun === null
        ? '<p class="rf-state-empty">KVM_RUN has not returned to the VMM yet.</p>'
        : `<p>${esc(st.kvmRun.text)}${now(st.kvmRun.at)}</p>`
    }</div>`
  );
}
