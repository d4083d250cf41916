/**
 * The generated Reference pages (issue 6): every row of the model's tables reaches the page data,
 * the layouts are the model's decoders, the RMI command × RTT state table agrees with the
 * simulator's RMM where the simulator implements the command, and the versions frontmatter
 * rejects unknown ids. Expected values are computed from the model.
 */
import {
  decodeEsr,
  decodeProt,
  decodePte,
  decodeRangeDesc,
  decodeRmiReturn,
  decodeUnprotFlags,
  bitRange,
  DFSC_TABLE,
  ESR_EC_TABLE,
  ESR_SET_TABLE,
  KVM_PGTABLE_PROT_TABLE,
  MT_S2_FWB_TABLE,
  MT_TABLE,
  NOT_MODELLED,
  RMI_ADDR_TYPE_TABLE,
  RMI_MEMREQ_TABLE,
  RMI_OP_MEM_TABLE,
  RMI_RANGE_SIZE_TABLE,
  RMI_S2AP_TABLE,
  RMI_STATUS_TABLE,
  citationProblems,
  findCitations,
  sourceById,
  TOGGLE_INFO,
  type Decoded,
} from '@realmfault/model';
import { describe, expect, it } from 'vitest';
// The simulator's RMM, to check the rule table against (as packages/model/test/rmm.test.ts does).
import { RMI_FID } from '../../packages/model/src/rmm/constants.js';
import {
  RMI_GRANULE_RANGE_DELEGATE,
  RMI_RTT_CREATE,
  RMI_RTT_DATA_MAP,
  RMI_RTT_DATA_UNMAP,
  RMI_RTT_UNPROT_MAP,
  RMI_RTT_UNPROT_UNMAP,
  type RmiResult,
} from '../../packages/model/src/rmm/rmi.js';
import { rttWalk, rtteName, setGranule, setRtte } from '../../packages/model/src/rmm/rtt.js';
import { activateRealm, createWorld } from '../../packages/model/src/sim/engine.js';
import type { Rtte, World } from '../../packages/model/src/sim/world.js';
import { allocPages } from '../../packages/model/src/vmm/host.js';
import { getBuiltinScenario } from '../../packages/model/src/scenarios/builtin.js';
import { BRIEF_CITATION } from '../../scripts/check-brief.mjs';
import {
  cellText,
  esrFieldVisibility,
  ESR_VIEWS,
  KVM_UAPI,
  layouts,
  RMI_RTT_RULES,
  rmiCommands,
  RTTE_STATES,
  VALUE_TABLES,
  type Cell,
  type RefCell,
  type RtteState,
  type ValueTableId,
} from '../../src/components/reference/reference-data.js';
import {
  checkedAgainst,
  DEFAULT_CHECKED_AGAINST,
  frontmatterExtension,
  treeHref,
  VERSION_IDS,
  VERSIONS,
} from '../../src/content/versions.js';

const hex = (v: bigint | number): string => `0x${v.toString(16)}`;
const cellString = (c: RefCell | undefined): string =>
  c === undefined
    ? ''
    : typeof c === 'string'
      ? c
      : 'code' in c
        ? c.code
        : 'html' in c
          ? c.html
          : `${c.label} ${c.text}`;

describe('VALUE_TABLES (every row of a model table is on the page)', () => {
  const cases: [ValueTableId, readonly unknown[], (row: never) => string][] = [
    ['esr-ec', ESR_EC_TABLE, (r: { ec: number }) => hex(r.ec)],
    ['dfsc', DFSC_TABLE, (r: { code: number }) => hex(r.code)],
    ['esr-set', ESR_SET_TABLE, (r: { value: number }) => String(r.value)],
    ['rmi-status', RMI_STATUS_TABLE, (r: { name: string }) => r.name],
    ['memreq', RMI_MEMREQ_TABLE, (r: { value: number }) => String(r.value)],
    ['mt', MT_TABLE, (r: { name: string }) => r.name],
    ['mt-s2-fwb', MT_S2_FWB_TABLE, (r: { name: string }) => r.name],
    ['s2ap', RMI_S2AP_TABLE, (r: { name: string }) => r.name],
    ['addr-type', RMI_ADDR_TYPE_TABLE, (r: { name: string }) => r.name],
    ['range-size', RMI_RANGE_SIZE_TABLE, (r: { value: number }) => String(r.value)],
    ['op-mem', RMI_OP_MEM_TABLE, (r: { name: string }) => r.name],
    ['prot', KVM_PGTABLE_PROT_TABLE, (r: { name: string }) => r.name],
  ];
  it.each(cases)('%s: one row per model row, in order, each keyed by the model row', (id, table, key) => {
    const page = VALUE_TABLES[id];
    expect(page.rows.map((r) => r.key)).toEqual(table.map((r) => key(r as never)));
    for (const r of page.rows) expect(r.cells).toHaveLength(page.columns.length);
  });

  it('each DFSC and RMI status row shows the model’s description', () => {
    DFSC_TABLE.forEach((d, i) => {
      expect(VALUE_TABLES.dfsc.rows[i]?.cells.map(cellString)).toContain(d.description);
    });
    RMI_STATUS_TABLE.forEach((s, i) => {
      expect(VALUE_TABLES['rmi-status'].rows[i]?.cells.map(cellString)).toEqual(
        expect.arrayContaining([String(s.status), s.name, s.description]),
      );
    });
  });
});

describe('layouts (the decoders’ own fields)', () => {
  const decoded: Record<keyof ReturnType<typeof layouts>, Decoded> = {
    esr: decodeEsr('0x92000007'),
    rangeDesc: decodeRangeDesc('0xb8b59004'),
    unprotFlags: decodeUnprotFlags('0x1e0001'),
    prot: decodeProt('0xf'),
    pte: decodePte('0x00e8010046880707'),
    rmiRet: decodeRmiReturn('0x204'),
  };
  it.each(Object.keys(decoded) as (keyof typeof decoded)[])(
    '%s: every field with its bit range and value',
    (k) => {
      const l = layouts()[k];
      const d = decoded[k];
      expect(l.rows.map((r) => [r.name, r.bits, r.raw, r.meaning])).toEqual(
        d.fields.map((f) => [f.name, bitRange(f), hex(f.raw), f.meaning]),
      );
      expect(l.example).toBe(hex(d.value));
    },
  );
});

describe('ESR_VIEWS (what each TF-RMM path writes into rec_exit)', () => {
  it('cites TF-RMM lines that resolve, for every path', () => {
    for (const v of ESR_VIEWS) {
      expect(findCitations(v.source).length, v.id).toBeGreaterThan(0);
      expect(citationProblems(v.source), v.id).toEqual([]);
    }
  });
  it('reports FAR only as FAR_EL2[11:0] on the emulatable paths, and 0 everywhere else', () => {
    const far = Object.fromEntries(ESR_VIEWS.map((v) => [v.id, v.far]));
    expect(far).toEqual({
      protected: '0',
      unprotected_no_isv: '0',
      unprotected_isv: 'FAR_EL2[11:0]',
      unprotected_no_isv_pre_4de93bb0: 'FAR_EL2[11:0]',
      external_abort: '0',
    });
  });
});

describe('esrFieldVisibility (what TF-RMM keeps of each ESR field)', () => {
  const kept = (name: string, view: (typeof ESR_VIEWS)[number]['id']): string => {
    const row = esrFieldVisibility().find((r) => r.row.name === name);
    const i = ESR_VIEWS.findIndex((v) => v.id === view);
    return row?.kept[i] ?? 'missing';
  };
  it('hides WnR for protected and ISV=0 aborts and keeps it with ISV=1; IL only with ISV=0', () => {
    expect([
      kept('WnR', 'protected'),
      kept('WnR', 'unprotected_no_isv'),
      kept('WnR', 'unprotected_isv'),
    ]).toEqual(['hidden', 'hidden', 'kept']);
    expect([
      kept('IL', 'protected'),
      kept('IL', 'unprotected_no_isv'),
      kept('IL', 'unprotected_isv'),
    ]).toEqual(['hidden', 'kept', 'hidden']);
    for (const f of ['SRT', 'SSE']) expect(kept(f, 'unprotected_isv')).toBe('hidden');
    for (const f of ['EC', 'DFSC', 'SET', 'FnV', 'EA']) {
      for (const v of ESR_VIEWS) expect(kept(f, v.id)).toBe('kept');
    }
  });
  it('agrees with the seed: every field set in 0x92000007 is kept by the ISV=0 unprotected mask', () => {
    for (const { row, kept: k } of esrFieldVisibility()) {
      if (BigInt(row.raw) !== 0n) expect(k[1], row.name).toBe('kept');
    }
  });
});

describe('RMI commands', () => {
  it('lists every command the model implements with its FID', () => {
    expect(rmiCommands().map((c) => c.cmd)).toEqual(Object.keys(RMI_FID));
    for (const c of rmiCommands()) expect(Number(c.fid)).toBe(RMI_FID[c.cmd]);
  });
  it('has a rule row for every RTT command the model implements, and no other', () => {
    expect(RMI_RTT_RULES.map((r) => r.cmd).sort()).toEqual(
      Object.keys(RMI_FID)
        .filter((c) => c.startsWith('RMI_RTT_'))
        .sort(),
    );
  });
  it('names entry states as the model does', () => {
    const entries: Rtte[] = [
      { s: 'unassigned', ripas: 'empty' },
      { s: 'unassigned', ripas: 'ram' },
      { s: 'unassigned', ripas: 'destroyed' },
      { s: 'assigned', ripas: 'empty', pa: 0n },
      { s: 'assigned', ripas: 'ram', pa: 0n },
      { s: 'assigned', ripas: 'destroyed', pa: 0n },
      { s: 'unassigned_ns' },
      { s: 'assigned_ns', pa: 0n, memattr: 6, s2ap: 3 },
    ];
    expect(entries.map(name).sort()).toEqual(RTTE_STATES.filter((s) => s !== 'table').sort());
  });
  it('shows every cell as text', () => {
    for (const r of RMI_RTT_RULES) for (const s of RTTE_STATES) expect(cellText(r.cells[s])).not.toBe('');
  });
});

/* The simulator's RMM, set up with one entry in a given state. */
const name = (e: Rtte): string => rtteName(e).replace(/\(.*\)$/, '');
const PROT = 0x46880000n;
const UNPROT = 0x10046880000n;

function world(): World {
  const sc = getBuiltinScenario('private-first-touch');
  const w = createWorld({ ...sc, steps: [] }, 'v14', false, 1_000_000);
  activateRealm(w);
  return w;
}
function delegated(w: World, pages = 1n): bigint {
  const pa = allocPages(w, pages, 'kernel') << 12n;
  expect(RMI_GRANULE_RANGE_DELEGATE(w, pa, pa + pages * 0x1000n).status).toBe(0);
  return pa;
}
/** Tables down to L3 for `ipa`, then the entry at `level` set to `state`; returns a data PA. */
function withEntry(w: World, ipa: bigint, state: RtteState, level: 2 | 3): bigint {
  const l1 = ipa & ~0x3fff_ffffn;
  const l2 = ipa & ~0x1f_ffffn;
  expect(RMI_RTT_CREATE(w, delegated(w), l1, 2).status).toBe(0);
  if (level === 3 || state === 'table') expect(RMI_RTT_CREATE(w, delegated(w), l2, 3).status).toBe(0);
  const size = level === 3 ? 1n : 512n;
  const pa = delegated(w, size);
  if (state === 'table') return pa;
  const wr = rttWalk(w, ipa, level);
  expect(wr.level).toBe(level);
  const [s, ripas] = state.split(/_(?=empty|ram|destroyed)/) as [
    string,
    'empty' | 'ram' | 'destroyed' | undefined,
  ];
  let e: Rtte;
  if (s === 'unassigned' && ripas) e = { s: 'unassigned', ripas };
  else if (s === 'assigned' && ripas) {
    e = { s: 'assigned', ripas, pa };
    for (let g = 0n; g < size; g++) setGranule(w, pa + g * 0x1000n, 'data');
  } else if (state === 'unassigned_ns') e = { s: 'unassigned_ns' };
  else e = { s: 'assigned_ns', pa, memattr: 6, s2ap: 1 }; // write-only: differs from flags 0x1e0001
  setRtte(w, wr.rtt, wr.idx, e);
  return pa;
}

/** Check a rule cell against what the simulator's command did. */
function expectCell(cell: Cell, r: RmiResult, after: () => string, level: number): void {
  switch (cell.kind) {
    case 'to':
      expect(r.status, `status for → ${cell.state}`).toBe(0);
      expect(after()).toBe(cell.state);
      return;
    case 'error': {
      const m = /^RMI_ERROR_RTT\(level( − 1)?\)$/.exec(cell.ret);
      expect(m, cell.ret).not.toBeNull();
      expect(hex(r.ret)).toBe(hex(4 | ((level - (m?.[1] ? 1 : 0)) << 8)));
      return;
    }
    case 'other-half':
      expect(r.status).toBe(1);
      return;
    case 'effect':
    case 'not-stated':
      throw new Error('not checked against the simulator');
    default:
      cell satisfies never;
  }
}

const checked = [
  'RMI_RTT_DATA_MAP',
  'RMI_RTT_UNPROT_MAP',
  'RMI_RTT_UNPROT_UNMAP',
  'RMI_RTT_DATA_UNMAP',
  'RMI_RTT_CREATE',
];
const pairs = RMI_RTT_RULES.filter((r) => checked.includes(r.cmd)).flatMap((r) =>
  RTTE_STATES.filter((s) => r.cells[s].kind !== 'not-stated').map((s) => [r.cmd, s, r.cells[s]] as const),
);

describe('RMI_RTT_RULES against the simulator’s RMM', () => {
  it('checks every stated cell of the five commands the simulator runs on the fault path', () => {
    expect(pairs.length).toBeGreaterThan(30);
  });
  it.each(pairs)('%s on %s', (cmd, state, cell) => {
    const w = world();
    const ns = state.endsWith('_ns');
    const prot = state === 'table' ? true : !ns;
    const tableLevel = state === 'table';
    const protHalf = cmd === 'RMI_RTT_DATA_MAP' || cmd === 'RMI_RTT_DATA_UNMAP';
    // An NS state is set up in the unprotected half, a protected state in the protected half; a
    // table at L2 is set up in the half the command works on.
    const ipa = tableLevel ? (protHalf ? PROT : UNPROT) & ~0x1f_ffffn : prot ? PROT : UNPROT;
    const level = tableLevel || cmd === 'RMI_RTT_CREATE' ? 2 : 3;
    const pa = withEntry(w, ipa, state, cmd === 'RMI_RTT_CREATE' ? 2 : tableLevel ? 2 : 3);
    const after = (): string => name(rttWalk(w, ipa, level).e);
    const top = ipa + (level === 2 ? 0x20_0000n : 0x1000n);
    const desc = pa | (1n << 2n) | (level === 2 ? 1n : 0n);
    let r: RmiResult;
    switch (cmd) {
      case 'RMI_RTT_DATA_MAP':
        r = RMI_RTT_DATA_MAP(w, ipa, top, 1n, desc);
        break;
      case 'RMI_RTT_UNPROT_MAP':
        r = RMI_RTT_UNPROT_MAP(w, ipa, top, 0x1e0001n, desc);
        break;
      case 'RMI_RTT_UNPROT_UNMAP':
        r = RMI_RTT_UNPROT_UNMAP(w, ipa, top);
        break;
      case 'RMI_RTT_DATA_UNMAP':
        r = RMI_RTT_DATA_UNMAP(w, ipa, top);
        break;
      default: {
        // RMI_RTT_CREATE: the entry at L2 is the parent of the new L3 table.
        r = RMI_RTT_CREATE(w, delegated(w), ipa & ~0x1f_ffffn, 3);
        if (cell.kind === 'to') {
          expect(r.status).toBe(0);
          expect(after()).toBe('table');
          // The children inherit the parent's state.
          expect(name(rttWalk(w, ipa, 3).e)).toBe(state);
          return;
        }
        expectCell(cell, r, after, 3);
        return;
      }
    }
    expectCell(cell, r, after, level);
  });
});

describe('KVM_UAPI', () => {
  it.each([
    'KVM_EXIT_MEMORY_FAULT',
    'KVM_MEMORY_EXIT_FLAG_PRIVATE',
    'KVM_EXIT_MMIO',
    'KVM_SET_MEMORY_ATTRIBUTES',
    'KVM_MEMORY_ATTRIBUTE_PRIVATE',
  ])('%s has a row citing the UAPI header or the API document', (n) => {
    const row = KVM_UAPI.find((u) => u.name === n);
    const ids = findCitations(row?.source ?? '').flatMap((m) =>
      m.refs.flatMap((r) => (r.kind === 'function' ? [] : [r.id])),
    );
    expect(ids.some((id) => id === 'linux-uapi-kvm.h' || id === 'linux-api.rst')).toBe(true);
  });
  it('every source and meaning resolves its citations', () => {
    for (const u of KVM_UAPI) {
      expect(citationProblems(u.source), u.name).toEqual([]);
      expect(citationProblems(u.meaning), u.name).toEqual([]);
    }
  });
});

describe('citations in the reference tables', () => {
  it('every cell of every value table and of the RMI rules resolves', () => {
    const texts = [
      ...Object.values(VALUE_TABLES).flatMap((t) => t.rows.flatMap((r) => r.cells.map(cellString))),
      ...RMI_RTT_RULES.flatMap((r) => [r.also, r.source, ...RTTE_STATES.map((st) => cellText(r.cells[st]))]),
      ...Object.values(layouts()).flatMap((l) => [l.exampleSource, ...l.notes]),
    ];
    for (const t of texts) expect(citationProblems(t), t.slice(0, 80)).toEqual([]);
  });
  it('every RMI rule row cites its TF-RMM handler', () => {
    for (const r of RMI_RTT_RULES) {
      const refs = findCitations(r.source).flatMap((m) => m.refs);
      expect(refs.length, r.cmd).toBeGreaterThan(0);
      for (const ref of refs) expect(ref.kind === 'function' ? ref.tree : ref.id, r.cmd).toMatch(/^tf-rmm/);
    }
  });
});

describe('Versions and limits', () => {
  it('TOGGLE_INFO sources and NOT_MODELLED texts cite resolvable sources and never the brief', () => {
    for (const t of TOGGLE_INFO) {
      expect(findCitations(t.source).length, t.name).toBeGreaterThan(0);
      expect(citationProblems(`${t.source} ${t.description}`), t.name).toEqual([]);
      expect(`${t.source} ${t.description}`).not.toMatch(BRIEF_CITATION);
    }
    for (const l of NOT_MODELLED) {
      expect(citationProblems(`${l.what} ${l.why}`)).toEqual([]);
      expect(`${l.what} ${l.why}`).not.toMatch(BRIEF_CITATION);
    }
  });
  it('every version is built from registry sources, with links to the revisions they pin', () => {
    for (const id of VERSION_IDS) {
      const v = VERSIONS[id];
      expect(v.sources.length, id).toBeGreaterThan(0);
      for (const s of v.sources) expect(sourceById(s), `${id}: ${s}`).toBeDefined();
      expect(v.href, id).toMatch(/^https:\/\//);
      expect(citationProblems(v.detail), id).toEqual([]);
      expect(`${v.label} ${v.version} ${v.detail}`).not.toMatch(/\bbrief\b|BRIEF|fixed/i);
      for (const r of v.revisions) expect(r.href, `${id}: ${r.repo}`).toMatch(/^https:\/\//);
    }
    // The revisions the variants follow, as the registry pins them.
    const revs = (id: (typeof VERSION_IDS)[number]): string[] =>
      VERSIONS[id].revisions.map((r) => `${r.repo} ${r.rev}`);
    expect(revs('kvm-cca-v14')).toEqual(['linux-arm/linux-cca cca-host/v14']);
    expect(revs('kvm-cca-post-v14')).toEqual(
      expect.arrayContaining(['gwshan/linux 0242b60a', 'lpieralisi/linux 241a866f']),
    );
    expect(revs('tf-rmm-main')).toEqual(
      expect.arrayContaining([
        'TF-RMM/tf-rmm 9a7f8ef4',
        'TF-RMM/tf-rmm 4de93bb0',
        'TF-RMM/tf-rmm 7626d97b',
        'TF-RMM/tf-rmm 4c40d408',
      ]),
    );
    expect(revs('linux-v7.1.8')).toContain('linux stable v7.1.8');
    expect(revs('qemu')).toContain('qemu/qemu ece40881');
    expect(VERSIONS['rmm-spec-2.0-bet1'].sources).toContain('rmm-spec');
  });
  it('links a code source’s tree: the file address without the file', () => {
    const gl = sourceById('v14-rmi.c');
    const gh = sourceById('tf-rmm-exit.c');
    const cg = sourceById('linux-kvm_main.c');
    if (gl?.kind !== 'code' || gh?.kind !== 'code' || cg?.kind !== 'code')
      throw new Error('registry changed');
    expect(treeHref(gl)).toBe('https://gitlab.arm.com/linux-arm/linux-cca/-/tree/cca-host/v14');
    expect(treeHref(gh)).toBe(
      'https://github.com/TF-RMM/tf-rmm/tree/9a7f8ef46378320ad69140a42e51c1ccf5914661',
    );
    expect(treeHref(cg)).toBe(
      'https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree?h=v7.1.8',
    );
  });
  it('checkedAgainst: the default set, or the page’s own list', () => {
    expect(checkedAgainst({ title: 'x' })).toEqual(DEFAULT_CHECKED_AGAINST);
    expect(checkedAgainst({ checkedAgainst: ['tf-rmm-main'] })).toEqual(['tf-rmm-main']);
    for (const id of DEFAULT_CHECKED_AGAINST) expect(VERSION_IDS).toContain(id);
    for (const id of VERSION_IDS) expect(VERSIONS[id].short).not.toBe('');
  });
  it('the frontmatter field rejects an unknown id, naming the valid ones, and an empty list', () => {
    expect(frontmatterExtension.safeParse({ checkedAgainst: ['kvm-cca-v14'] }).success).toBe(true);
    expect(frontmatterExtension.safeParse({}).success).toBe(true);
    const bad = frontmatterExtension.safeParse({ checkedAgainst: ['v15'] });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toMatch(/expected one of kvm-cca-v14, .*got "v15"/);
    expect(frontmatterExtension.safeParse({ checkedAgainst: [] }).success).toBe(false);
  });
});
