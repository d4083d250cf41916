/**
 * The verification ledger table of the Versions & limits page (src/components/reference/
 * ledger-view.ts, rendered by LedgerTable.astro): one row per LEDGER entry, grouped by kind, each
 * code location a link with its line anchor, statuses and notes as the ledger has them. Expected
 * links come from the model's citation resolver.
 */
import { LEDGER, resolveCitation, type CodeRef, type LedgerRow } from '@realmfault/model';
import { describe, expect, it } from 'vitest';
import { LEDGER_KINDS, ledgerTableHtml, refHtml } from '../../src/components/reference/ledger-view.js';
import { esc } from '../../src/widgets/html.js';

const html = ledgerTableHtml();
/** The <tr> of a row, by its name. */
const rowOf = (name: string): string => {
  const start = html.indexOf(`<tr data-key="${esc(name)}"`);
  if (start < 0) throw new Error(`no row for ${name}`);
  return html.slice(start, html.indexOf('</tr>', start));
};
const hrefOf = (ref: CodeRef): string =>
  resolveCitation({ kind: 'lines', id: ref.source, lines: ref.lines }).href;

describe('ledgerTableHtml', () => {
  it('has one row per LEDGER entry, in a group for its kind', () => {
    const rows = [...html.matchAll(/<tr data-key="([^"]+)" data-kind="([^"]+)" data-status="([^"]+)">/g)];
    expect(rows.map((m) => m[1])).toEqual(
      LEDGER_KINDS.flatMap(({ kind }) => LEDGER.filter((r) => r.kind === kind).map((r) => esc(r.name))),
    );
    expect(rows).toHaveLength(LEDGER.length);
    expect(html).toContain(`data-rf-rows="${String(LEDGER.length)}"`);
    for (const r of LEDGER)
      expect(rowOf(r.name)).toContain(`data-kind="${r.kind}" data-status="${r.status}"`);
    // Every kind the ledger uses has a group heading.
    for (const kind of new Set(LEDGER.map((r) => r.kind)))
      expect(html).toContain(`<tbody data-kind="${kind}">`);
  });

  it('links each code location with its line anchor, in its column', () => {
    for (const r of LEDGER) {
      const cells = rowOf(r.name).split('<td>').slice(1);
      const [v14, post, other] = cells;
      const check = (cell: string | undefined, refs: readonly (CodeRef | undefined)[]): void => {
        const present = refs.filter((x): x is CodeRef => x !== undefined);
        if (present.length === 0) expect(cell, r.name).toContain('—');
        for (const ref of present) expect(cell, r.name).toContain(`href="${esc(hrefOf(ref))}"`);
      };
      check(v14, [r.v14]);
      check(post, [r.postV14]);
      check(other, [r.tfRmm, r.other]);
    }
  });

  it('renders realm_map_ipa’s v14 and post-v14 locations as links to the two trees', () => {
    const row = rowOf('realm_map_ipa');
    expect(row).toContain(
      'href="https://gitlab.arm.com/linux-arm/linux-cca/-/blob/cca-host/v14/arch/arm64/kvm/mmu.c#L1549-1570"',
    );
    expect(row).toMatch(
      /href="https:\/\/github\.com\/gwshan\/linux\/blob\/[0-9a-f]{40}\/arch\/arm64\/kvm\/rmi\.c#L870-L890"/,
    );
  });

  it('renders the notes’ citations as links and leaves no citation unrendered', () => {
    expect(html).not.toContain('[@');
    const withNotes = LEDGER.filter((r) => r.notes?.includes('[@'));
    expect(withNotes.length).toBeGreaterThan(0);
    for (const r of withNotes) {
      const notesCell = rowOf(r.name).split('<td>').at(-1) ?? '';
      expect(notesCell, r.name).toContain('<a class="rf-cite"');
    }
  });

  it('fails on a kind it has no group for, naming the row', () => {
    const bad = { ...LEDGER[0], name: 'made_up', kind: 'firmware' } as unknown as LedgerRow;
    expect(() => ledgerTableHtml([bad])).toThrow(/made_up.*firmware/);
  });

  it('shows a missing location as a dash, not a link', () => {
    expect(refHtml(undefined)).not.toContain('<a');
  });
});
