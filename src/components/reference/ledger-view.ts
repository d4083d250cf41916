/**
 * The verification ledger (packages/model/src/sources/ledger.ts) as the Versions & limits page
 * shows it: one table, grouped by kind (kernel functions, RMI commands, …), one row per ledger
 * entry with links to the code it was checked against (each location rendered as a citation, so
 * the link carries the line anchor), its status, what the model leaves out and the notes (their
 * citations rendered as links). LedgerTable.astro renders ledgerTableHtml(); the HTML is built
 * here so that tests/unit can check it without an Astro renderer. Every text goes through esc()
 * or citeHtml().
 */
import { LEDGER, type CodeRef, type LedgerKind, type LedgerRow, type LedgerStatus } from '@realmfault/model';
import { citeHtml } from '../../widgets/cite-html';
import { esc } from '../../widgets/html';

/** The groups, in the order the table shows them, with their headings. */
export const LEDGER_KINDS: readonly { readonly kind: LedgerKind; readonly label: string }[] = [
  { kind: 'kernel', label: 'KVM and the arm64 kernel' },
  { kind: 'rmi', label: 'RMI commands (the kernel wrapper and the TF-RMM handler)' },
  { kind: 'rmm', label: 'RMM internals' },
  { kind: 'rsi', label: 'RSI calls' },
  { kind: 'mm', label: 'Host memory management' },
  { kind: 'vmm', label: 'The VMM (QEMU)' },
  { kind: 'guest', label: 'The realm guest (Linux)' },
];

/** What each status means, as the page explains it. */
export const LEDGER_STATUS_TEXT: Readonly<Record<LedgerStatus, string>> = {
  checked: 'compared branch by branch with the code at the lines given',
  inferred:
    'derived from code that was read, but not from a function of that name (a step the code does inline, or code that could not be read whole)',
  'no-source': 'no code for it was found; the row says what the model assumes',
};

/** A code location as a citation, rendered: a link with the line anchor, or an em dash. */
export function refHtml(ref: CodeRef | undefined): string {
  if (ref === undefined) return '<span class="rf-none">—</span>';
  const lines = ref.lines.from === ref.lines.to ? `${ref.lines.from}` : `${ref.lines.from}-${ref.lines.to}`;
  // Built as a citation so the link and its label read like every other one on the site.
  const open = '[' + '@';
  return citeHtml(`${open}${ref.source}:${lines}]`);
}

const COLUMNS = [
  'Name',
  'v14 (or the mainline code v14 builds on)',
  'Post-v14',
  'TF-RMM or other code',
  'Status',
  'What the model leaves out',
  'Notes',
] as const;

function rowHtml(r: LedgerRow): string {
  const other = [r.tfRmm, r.other].filter((x): x is CodeRef => x !== undefined);
  return (
    `<tr data-key="${esc(r.name)}" data-kind="${esc(r.kind)}" data-status="${esc(r.status)}">` +
    `<th scope="row"><code>${esc(r.name)}</code></th>` +
    `<td>${refHtml(r.v14)}</td>` +
    `<td>${refHtml(r.postV14)}</td>` +
    `<td>${other.length === 0 ? refHtml(undefined) : other.map(refHtml).join('<br />')}</td>` +
    `<td><span class="rf-ledger-status" title="${esc(LEDGER_STATUS_TEXT[r.status])}">${esc(r.status)}</span></td>` +
    `<td>${r.omits === '' ? '<span class="rf-none">nothing</span>' : citeHtml(r.omits)}</td>` +
    `<td>${r.notes === undefined ? '' : citeHtml(r.notes)}</td>` +
    '</tr>'
  );
}

/** The ledger's rows of one kind, in the ledger's order. */
export const ledgerRowsOf = (kind: LedgerKind, rows: readonly LedgerRow[] = LEDGER): LedgerRow[] =>
  rows.filter((r) => r.kind === kind);

/** The whole table as HTML; `rows` defaults to the model's LEDGER. Throws for a kind without a group. */
export function ledgerTableHtml(rows: readonly LedgerRow[] = LEDGER): string {
  for (const r of rows) {
    if (!LEDGER_KINDS.some((k) => k.kind === r.kind)) {
      throw new Error(
        `ledger row ${r.name}: kind "${r.kind}" has no group in src/components/reference/ledger-view.ts (expected one of ${LEDGER_KINDS.map((k) => k.kind).join(', ')})`,
      );
    }
  }
  const captionId = 'rf-table-ledger-caption';
  const bodies = LEDGER_KINDS.map(({ kind, label }) => {
    const group = ledgerRowsOf(kind, rows);
    if (group.length === 0) return '';
    return (
      `<tbody data-kind="${esc(kind)}"><tr class="rf-ledger-group"><th scope="colgroup" colspan="${String(COLUMNS.length)}">` +
      `${esc(label)} (${String(group.length)})</th></tr>${group.map(rowHtml).join('')}</tbody>`
    );
  }).join('');
  const counts = (['checked', 'inferred', 'no-source'] as const)
    .map((s) => `${String(rows.filter((r) => r.status === s).length)} ${s}`)
    .join(', ');
  return (
    `<div class="rf-ref-table rf-ledger not-content" role="region" aria-labelledby="${captionId}" tabindex="0">` +
    `<table data-rf-table="ledger" data-rf-rows="${String(rows.length)}">` +
    `<caption id="${captionId}">The verification ledger: each function, RMI command and RSI call the simulator mirrors, where its code is in each tree, and how the model was checked against it (${String(rows.length)} rows: ${counts})</caption>` +
    `<thead><tr>${COLUMNS.map((c) => `<th scope="col">${esc(c)}</th>`).join('')}</tr></thead>` +
    `${bodies}</table></div>`
  );
}
