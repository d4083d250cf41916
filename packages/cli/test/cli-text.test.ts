/**
 * What the CLI prints of the model's texts: citations as footnotes with a source list (long text),
 * left out (one-line listings) or as written plus resolved sources (--json); never a citation of
 * the internal brief, never an unresolved `[@`. Also the variants and their former name, the step
 * details (RSI status, kernel_livelock, which function returned what), the realm states, the
 * toggles and `realmfault source`.
 */
import { describe, expect, it } from 'vitest';
import {
  BUILTIN_SCENARIO_NAMES,
  DECODE_KINDS,
  OUTCOMES,
  RETIRED_TOGGLES,
  SOURCES,
  TOGGLE_INFO,
  VARIANTS,
  citationProblems,
  describeSource,
  getBuiltinScenario,
  resolveCitations,
  runScenario,
  type DecodeKind,
  type Scenario,
  type StepSummary,
  type TraceEvent,
} from '@realmfault/model';
import { BRIEF_CITATION } from '../../../scripts/check-brief.mjs';
import { citation } from '../src/cite.js';
import { type Engine, type EngineRunResult } from '../src/main.js';
import { cli as runCli } from './run-cli.js';

/** The CLI with no files to read, and optionally a stub engine. */
const cli = (argv: string[], engine?: Engine) => runCli(argv, {}, engine);

/** A command that must succeed: its stdout. */
async function out(...argv: string[]): Promise<string> {
  const r = await cli(argv);
  expect(r.err, argv.join(' ')).toBe('');
  expect(r.code, argv.join(' ')).toBe(0);
  return r.out;
}

/** Text output: no brief citation, no citation left as written. */
function expectReadable(text: string, what: string): void {
  expect(BRIEF_CITATION.exec(text)?.[0], `${what}: brief citation`).toBeUndefined();
  expect(text.includes('[@'), `${what}: unresolved citation`).toBe(false);
}

/** JSON output: no brief citation, and every citation it carries as written resolves. */
function expectResolvable(json: string, what: string): void {
  expect(BRIEF_CITATION.exec(json)?.[0], `${what}: brief citation`).toBeUndefined();
  expect(citationProblems(json), what).toEqual([]);
}

/**
 * The footnotes of `lines` against the `sources:` block that follows them: every number cited is
 * listed, every listed number is cited, numbered 1…N. Markers are `[n]` or `[n, m]` after a space.
 */
function expectFootnotes(lines: readonly string[], what: string): number {
  const at = lines.indexOf('sources:');
  const body = at < 0 ? lines : lines.slice(0, at);
  const cited = new Set<number>();
  for (const l of body) {
    for (const m of l.matchAll(/ \[(\d+(?:, \d+)*)\]/g))
      for (const n of (m[1] ?? '').split(', ')) cited.add(Number(n));
  }
  const listed: number[] = [];
  if (at >= 0) {
    for (const l of lines.slice(at + 1)) {
      const m = /^ {2}\[(\d+)\] +\S/.exec(l);
      if (m) listed.push(Number(m[1]));
      else if (!/^ {6,}https?:\/\/\S+$/.test(l)) break;
    }
  }
  expect(listed, `${what}: numbered 1…N`).toEqual(listed.map((_, i) => i + 1));
  expect(
    [...cited].sort((a, b) => a - b),
    `${what}: cited = listed`,
  ).toEqual(listed);
  return listed.length;
}

/** Values the decoders explain with notes, a few per kind (the seed's, and the masks' edge cases). */
const DECODE_VALUES: Readonly<Record<DecodeKind, readonly string[]>> = {
  esr: [
    '0x92000007',
    '0x90000047',
    '0x91C08047',
    '0x9200000F',
    '0x9200004F',
    '0x86000007',
    '0x92000010',
    '0x96000050',
  ],
  pte: ['0x00e8010046880707', '0x0'],
  'rmi-ret': ['0x0', '0x1', '0x204', '0x104'],
  'range-desc': ['0xb8b59004', '0xb8b59000', '0x8000000046800006', '0x46880005'],
  'unprot-flags': ['0x1e0001', '0x160001', '0x4', '0x200000'],
  prot: ['0xf', '0xb', '0x31', '0x1'],
  ipa: ['0x10046880000', '0x46880000'],
};

describe('citations in what the CLI prints', () => {
  it('every built-in scenario, run (text and JSON, each variant) and shown: readable, resolvable, no brief', async () => {
    let withSources = 0;
    for (const name of BUILTIN_SCENARIO_NAMES) {
      for (const variant of [...VARIANTS, 'fixed']) {
        const text = await out('run', '--scenario', name, '--variant', variant);
        expectReadable(text, `run ${name} ${variant}`);
        const lines = text.split('\n');
        if (expectFootnotes(lines.slice(0, lines.indexOf('trace:')), `run ${name}`) > 0) withSources++;
        expectResolvable(
          await out('run', '--scenario', name, '--variant', variant, '--json'),
          `run --json ${name}`,
        );
      }
      const shown = await out('scenarios', name);
      expectReadable(shown, `scenarios ${name}`);
      expectFootnotes(shown.split('\n').slice(0, shown.split('\n').indexOf('steps:')), `scenarios ${name}`);
      expectResolvable(await out('scenarios', name, '--json'), `scenarios ${name} --json`);
    }
    // The descriptions cite their sources: the footnotes are there, not merely absent.
    expect(withSources).toBeGreaterThan(BUILTIN_SCENARIO_NAMES.length);
    expectReadable(await out('scenarios'), 'scenarios');
    expectResolvable(await out('scenarios', '--json'), 'scenarios --json');
  });

  it('the toggles and every help text: readable, no brief', async () => {
    const toggles = await out('toggles');
    expectReadable(toggles, 'toggles');
    expect(expectFootnotes(toggles.split('\n'), 'toggles')).toBeGreaterThan(0);
    expectResolvable(await out('toggles', '--json'), 'toggles --json');
    expectReadable(await out('--help'), '--help');
    for (const c of ['run', 'scenarios', 'toggles', 'decode', 'source', 'geometry']) {
      expectReadable(await out('help', c), `help ${c}`);
    }
  });

  it('the decoders on representative values: readable, resolvable, no brief', async () => {
    expect(Object.keys(DECODE_VALUES).sort()).toEqual([...DECODE_KINDS].sort());
    let footnoted = 0;
    for (const [kind, values] of Object.entries(DECODE_VALUES)) {
      for (const v of values) {
        const args = ['decode', kind, v, ...(kind === 'ipa' || kind === 'pte' ? ['--ipa-bits', '41'] : [])];
        const text = await out(...args);
        expectReadable(text, args.join(' '));
        // Markers only in the notes: field rows show bit ranges such as [6].
        const lines = text.split('\n');
        const at = lines.indexOf('sources:');
        const notes = lines.filter((l, i) => l.startsWith('  * ') || (at >= 0 && i >= at));
        if (expectFootnotes(notes, args.join(' ')) > 0) footnoted++;
        expectResolvable(await out(...args, '--json'), `${args.join(' ')} --json`);
      }
    }
    expect(footnoted).toBeGreaterThan(5);
  });

  it('decode --json keeps the notes as written and lists the sources the text numbers', async () => {
    const text = await out('decode', 'esr', '0x90000047');
    const j = JSON.parse(await out('decode', 'esr', '0x90000047', '--json')) as {
      notes: string[];
      sources: { ref: string; label: string; title: string; href: string }[];
    };
    expect(j.notes.some((n) => n.includes('[@'))).toBe(true);
    const hrefs = text
      .split('\n')
      .filter((l) => /^ {6,}https:/.test(l))
      .map((l) => l.trim());
    expect(j.sources.map((s) => s.href)).toEqual(hrefs);
    // Each source as the model resolves it.
    for (const s of j.sources) {
      const [c] = resolveCitations(citation(s.ref))[0]?.cites ?? [];
      expect(c?.href).toBe(s.href);
      expect(c?.label).toBe(s.label);
    }
  });

  it('scenarios: one line each, first sentence without citations; --json as written with sources', async () => {
    const lines = (await out('scenarios')).trimEnd().split('\n');
    expect(lines).toHaveLength(BUILTIN_SCENARIO_NAMES.length);
    const list = JSON.parse(await out('scenarios', '--json')) as {
      name: string;
      variant: string;
      description: string;
      sources: { ref: string; href: string }[];
    }[];
    BUILTIN_SCENARIO_NAMES.forEach((name, i) => {
      const s = getBuiltinScenario(name);
      expect(lines[i]).toMatch(new RegExp(`^${name} +${s.variant} +\\S`));
      expect(list[i]).toMatchObject({ name, variant: s.variant, description: s.description });
      const refs = resolveCitations(s.description).flatMap((g) => g.cites.map((c) => c.href));
      expect(list[i]?.sources.map((x) => x.href)).toEqual([...new Set(refs)]);
    });
    // Function names keep their parentheses when the citations are left out.
    expect(lines.find((l) => l.startsWith('explicit-private-to-shared'))).toMatch(
      / set_memory_decrypted\(\) of a mapped private page\.$/,
    );
  });

  it('scenarios NAME: the whole description with footnotes, its sources, the steps', async () => {
    const s = getBuiltinScenario('shared-fault-zero-page');
    const text = await out('scenarios', 'shared-fault-zero-page');
    const cites = resolveCitations(s.description).flatMap((g) => g.cites);
    for (const c of cites) expect(text).toContain(`      ${c.href}\n`);
    expect(text).toContain(`\nsteps:\n  [0] `);
    expect(text.split('\n').filter((l) => /^ {2}\[\d+\] /.test(l))).toHaveLength(
      new Set(cites.map((c) => c.href)).size + s.steps.length,
    );
    const r = await cli(['scenarios', 'nope']);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      "realmfault: scenarios NAME: expected a built-in scenario name (see realmfault scenarios), got 'nope'\n",
    );
  });
});

describe('variants', () => {
  it('--variant fixed runs as post-v14-review: the same JSON, the canonical name', async () => {
    for (const name of ['shared-fault-zero-page', 'thp-unaligned', 'realm-not-active']) {
      const fixed = await out('run', '--scenario', name, '--variant', 'fixed', '--json');
      expect(fixed).toBe(await out('run', '--scenario', name, '--variant', 'post-v14-review', '--json'));
      expect((JSON.parse(fixed) as { variant: string }).variant).toBe('post-v14-review');
    }
    const text = await out('run', '--scenario', 'shared-fault-zero-page', '--variant', 'fixed');
    expect(text.split('\n')[0]).toBe(
      'scenario shared-fault-zero-page — variant post-v14-review ("fixed" is its former name)',
    );
    expect(text).toContain('== setup: create and activate the realm (post-v14-review)');
  });

  it('a bad variant: exit 2, one line naming the accepted names', async () => {
    const r = await cli(['run', '--scenario', 'shared-fault-zero-page', '--variant', 'v15']);
    expect(r).toEqual({
      code: 2,
      out: '',
      err: "realmfault: --variant: expected v14 or post-v14-review, or fixed (the former name of post-v14-review), got 'v15'\n",
    });
  });

  it('a former scenario name runs the renamed scenario and says so', async () => {
    // fixed-read-then-write: the name before the variant was renamed (RENAMED_SCENARIOS).
    const text = await out('run', '--scenario', 'fixed-read-then-write');
    expect(text.split('\n')[0]).toBe(
      'scenario shared-read-then-write ("fixed-read-then-write" is its former name) — variant post-v14-review',
    );
  });
});

describe('steps: outcomes, RSI, faults, realm states', () => {
  it('names the outcomes, each explained in the run help', async () => {
    const help = await out('help', 'run');
    for (const o of OUTCOMES) expect(help).toMatch(new RegExp(`\\n {2}${o} +\\S`));
  });

  it('prints the RSI status and response a guest RSI call got, as the model reports them', async () => {
    for (const name of ['explicit-private-to-shared', 'ripas-change-not-protected']) {
      const s = getBuiltinScenario(name);
      const model = runScenario(s);
      const text = await out('run', '--scenario', name);
      const json = JSON.parse(await out('run', '--scenario', name, '--json')) as {
        steps: { rsi?: string; rsiResponse?: string }[];
      };
      const withRsi = model.steps.map((x, i) => [x, i] as const).filter(([x]) => x.rsi !== undefined);
      expect(withRsi.length).toBeGreaterThan(0);
      for (const [x, i] of withRsi) {
        expect(json.steps[i]?.rsi).toBe(x.rsi);
        expect(json.steps[i]?.rsiResponse).toBe(x.rsiResponse);
        expect(text).toContain(
          `      RSI_IPA_STATE_SET returned ${x.rsi}${x.rsiResponse === undefined ? '' : `, response ${x.rsiResponse}`}\n`,
        );
      }
    }
  });

  it('says which function returned what for each fault, from the trace', async () => {
    const text = await out('run', '--scenario', 'shared-fault-zero-page');
    expect(text).toContain(
      '      fault at IPA 0x10046880000, ESR 0x92000007: user_mem_abort() returned -EFAULT, kvm_handle_guest_abort() returned -EFAULT (KVM_RUN returns -1, errno EFAULT)\n',
    );
    const mmio = await out('run', '--scenario', 'mmio-valid-syndrome');
    expect(mmio).toMatch(
      /: io_mem_abort\(\) returned 0, kvm_handle_guest_abort\(\) returned 0 \(KVM_RUN returns 0 to the VMM\)\n/,
    );
    const sea = await out('run', '--scenario', 'beyond-ipa-size');
    expect(sea).toMatch(/: the RMM injected an SEA into the realm, no REC exit, no KVM handler\n/);
  });

  it('collapses a fault repeated until no_progress into one line with a count', async () => {
    const name = 'thp-aligned';
    const model = runScenario(getBuiltinScenario(name));
    const text = await out('run', '--scenario', name);
    const i = model.steps.findIndex((x) => x.outcome === 'no_progress');
    expect(i).toBeGreaterThanOrEqual(0);
    const steps = text.slice(text.indexOf('\nsteps:\n'));
    const step = steps
      .slice(steps.indexOf(`\n  [${i}] `) + 1)
      .split('\n')
      .slice(1);
    expect(step[0]).toMatch(
      /^ {6}no_progress: the guest's operation did not complete within \d+ REC entries/,
    );
    const faults = step.filter((l) => l.startsWith('      fault at '));
    const count = faults.reduce((n, l) => n + Number(/ \(×(\d+)\)$/.exec(l)?.[1] ?? 1), 0);
    expect(count).toBe(model.steps[i]?.faults.length);
    expect(faults.length).toBeLessThan(count);
  });

  it('explains the realm states other than ACTIVE', async () => {
    for (const [name, state] of [
      ['realm-not-active', 'DEAD'],
      ['realm-system-off', 'SYSTEM_OFF'],
      ['private-first-touch', 'ACTIVE'],
    ] as const) {
      expect(getBuiltinScenario(name).realm.state).toBe(state);
      const realm = (await out('run', '--scenario', name)).split('\n').find((l) => l.startsWith('realm: '));
      expect(realm).toMatch(
        new RegExp(
          `^realm: 41-bit IPA \\(shared bit 0x10000000000\\), state ${state}${state === 'ACTIVE' ? '$' : ': \\S'}`,
        ),
      );
    }
  });
});

// A stub engine for what no built-in scenario shows: a livelock, a fault without a handler call.
const STEP: StepSummary = { outcome: 'completed', exits: [], faults: [], rmi: [], warnings: [] };

function stub(steps: StepSummary[], trace: TraceEvent[]): Engine {
  const scenario = getBuiltinScenario('private-first-touch');
  return {
    runScenario: (): EngineRunResult => ({ variant: 'v14', steps, violations: [], trace }),
    builtinScenarios: () => [scenario],
    builtinScenario: (n) => (n === scenario.name ? scenario : undefined),
    formatTrace: () => '',
  };
}

describe('steps with a stub engine', () => {
  it('kernel_livelock: the function that would loop forever and why, from the trace', async () => {
    const livelock: StepSummary = { ...STEP, outcome: 'kernel_livelock' };
    const trace: TraceEvent[] = [
      { type: 'step', depth: 0, index: 0, what: 'step 0' },
      {
        type: 'decision',
        depth: 3,
        fn: 'realm_fold_rtt_level',
        what: 'livelock: the same table keeps failing to fold; the C loops here without a bound',
      },
      { type: 'step', depth: 0, index: 1, what: 'step 1' },
    ];
    const r = await cli(['run', '--scenario', 'private-first-touch'], stub([livelock, livelock], trace));
    expect(r.out).toContain(
      '      kernel_livelock: realm_fold_rtt_level() would loop forever in the host kernel (the same table keeps failing to fold)\n',
    );
    // Step 1's part of the trace has no livelock decision: the general explanation.
    expect(r.out).toContain(
      '      kernel_livelock: the host kernel would loop forever in a function of the modelled code\n',
    );
  });

  it('a fault kvm_handle_guest_abort() handles itself, and one a handler returns 0 for', async () => {
    const ipa = 0x4688_0000n as never;
    const steps: StepSummary[] = [
      {
        ...STEP,
        errno: 'EFAULT',
        outcome: 'kvm_run_error',
        faults: [
          { ipa, esr: 0x9200_0030n, handler: 'user_mem_abort', ret: -14 },
          { ipa, esr: 0x9200_0007n, handler: 'gmem_abort', ret: 1 },
        ],
      },
    ];
    const trace: TraceEvent[] = [
      { type: 'step', depth: 0, index: 0, what: 'step 0' },
      { type: 'fn_enter', depth: 1, fn: 'kvm_handle_guest_abort', args: {} },
      { type: 'fn_return', depth: 1, fn: 'kvm_handle_guest_abort', ret: '-EFAULT' },
      { type: 'fn_enter', depth: 1, fn: 'kvm_handle_guest_abort', args: {} },
      { type: 'fn_enter', depth: 2, fn: 'gmem_abort', args: {} },
      { type: 'fn_return', depth: 2, fn: 'gmem_abort', ret: '0' },
      { type: 'fn_return', depth: 1, fn: 'kvm_handle_guest_abort', ret: '1' },
    ];
    const r = await cli(['run', '--scenario', 'private-first-touch'], stub(steps, trace));
    expect(r.out).toContain(
      '      fault at IPA 0x46880000, ESR 0x92000030: kvm_handle_guest_abort() called no handler; kvm_handle_guest_abort() returned -EFAULT (KVM_RUN returns -1, errno EFAULT)\n' +
        '      fault at IPA 0x46880000, ESR 0x92000007: gmem_abort() returned 0, kvm_handle_guest_abort() returned 1 (re-enter the REC)\n',
    );
  });
});

describe('realmfault toggles', () => {
  it('documents every toggle, flags the uncertain ones, and names the retired ones', async () => {
    const text = await out('toggles');
    for (const t of TOGGLE_INFO) {
      const head = text.split('\n').find((l) => l.startsWith(`${t.name} (`));
      expect(head).toBe(
        `${t.name} (default ${t.default}${t.uncertain ? '; uncertain: the sources do not settle it' : ''})`,
      );
    }
    for (const name of Object.keys(RETIRED_TOGGLES))
      expect(text).toMatch(new RegExp(`\\n {2}${name}: use \\S`));
    const j = JSON.parse(await out('toggles', '--json')) as {
      toggles: { name: string; source: string; sources: { href: string }[] }[];
    };
    expect(j.toggles.map((t) => t.name)).toEqual(TOGGLE_INFO.map((t) => t.name));
    for (const t of j.toggles) {
      const info = TOGGLE_INFO.find((x) => x.name === t.name);
      expect(t.source).toBe(info?.source);
      expect(t.sources.length).toBeGreaterThan(0);
    }
  });
});

describe('realmfault source', () => {
  it('prints what a source is and its address', async () => {
    const s = SOURCES.find((x) => x.id === 'v14-29');
    expect(s).toBeDefined();
    if (!s) return;
    expect(await out('source', 'v14-29')).toBe(`v14-29: ${s.short}\n  ${describeSource(s)}\n  ${s.url}\n`);
    // The citation forms, with or without the brackets and the @.
    // A function as the texts write it ("v14 fn()") or, easier to type, "v14:fn".
    for (const [ref, body] of [
      ['v14:realm_map_ipa', 'v14 realm_map_ipa()'],
      ['[@post-v14 realm_map_ipa()]', 'post-v14 realm_map_ipa()'],
      ['@v14-rmi.c:812-860', 'v14-rmi.c:812-860'],
      ['[@rmm-spec §A2.2]', 'rmm-spec §A2.2'],
      ['tf-rmm:handle_data_abort', 'tf-rmm handle_data_abort()'],
    ] as const) {
      const [c] = resolveCitations(citation(body))[0]?.cites ?? [];
      const text = await out('source', ref);
      expect(text.split('\n')[0]).toBe(`${body}: ${c?.label ?? '?'}`);
      expect(text).toContain(`  ${c?.href ?? '?'}\n`);
    }
    const j = JSON.parse(await out('source', 'v14-29', 'v14:gmem_abort', '--json')) as { ref: string }[];
    expect(j.map((x) => x.ref)).toEqual(['v14-29', 'v14 gmem_abort()']);
  });

  it('--list lists every source id', async () => {
    const lines = (await out('source', '--list')).trimEnd().split('\n');
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual(SOURCES.map((s) => s.id));
  });

  it('an unknown REF: exit 2, one line saying what is expected', async () => {
    const expected =
      'a source id (see realmfault source --list), ID:LINES, ID §SECTION, or a function: v14:FUNCTION, post-v14:FUNCTION or tf-rmm:FUNCTION (or, as pages write it, "v14 FUNCTION()")';
    for (const [ref, why] of [
      ['nosuch', ' (unknown source id "nosuch")'],
      ['v14:nosuch_fn', ' (unknown function "nosuch_fn")'],
      ['v14-29:1-2', ' ("v14-29" is a mail, not code: it has no lines)'],
      ['a]b', ''],
    ] as const) {
      const r = await cli(['source', ref]);
      expect(r).toEqual({
        code: 2,
        out: '',
        err: `realmfault: source REF: expected ${expected}, got '${ref}'${why}\n`,
      });
    }
    expect((await cli(['source'])).err).toBe(`realmfault: source REF: expected ${expected}, got nothing\n`);
    expect((await cli(['source', '--list', 'v14-29'])).code).toBe(2);
  });
});

describe('a scenario file with citations of its own', () => {
  it('prints the ones that resolve as footnotes and the others as written', async () => {
    const scenario = {
      ...getBuiltinScenario('private-first-touch'),
      description: `Mine ${citation('v14-29')}, and a typo ${citation('v14-2999')}.`,
    } as Scenario;
    const engine = stub([STEP, STEP], []);
    const r = await cli(['run', '--scenario', 'private-first-touch'], {
      ...engine,
      builtinScenario: () => scenario,
    });
    expect(r.out).toContain(`\nMine [1], and a typo ${citation('v14-2999')}.\nsources:\n  [1] `);
  });
});
