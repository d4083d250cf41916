/**
 * The realmfault CLI: decode the values of the seed report [@v14-29-shan-0625], run scenarios
 * through the engine (a stub here, so the CLI's own behaviour is pinned independently of the
 * engine), and turn every kind of bad input into one line naming the argument or field, with exit
 * code 2. cli-text.test.ts covers citations, sources, toggles and the variants.
 */
import { describe, expect, it } from 'vitest';
import { SOURCES, VARIANT_INFO, describeSource, type Scenario, type StepSummary } from '@realmfault/model';
import { VERSION, type Engine, type EngineRunResult } from '../src/main.js';
import { bad, cli } from './run-cli.js';
import { readFileBounded, FileTooLarge } from '../src/io.js';

const text = (s: string) => new TextEncoder().encode(s);

describe('realmfault --version, --help, geometry', () => {
  it('prints its version', async () => {
    expect(await cli(['--version'])).toEqual({ code: 0, out: `${VERSION}\n`, err: '' });
  });

  it('prints help, overall and per command', async () => {
    expect((await cli(['--help'])).out).toMatch(/realmfault decode KIND VALUE/);
    for (const c of ['run', 'scenarios', 'explore', 'mutations', 'toggles', 'decode', 'source', 'geometry']) {
      const viaFlag = await cli([c, '--help']);
      const viaHelp = await cli(['help', c]);
      expect(viaFlag.code).toBe(0);
      expect(viaFlag.out).toMatch(new RegExp(`^Usage:\\n  realmfault ${c}`));
      expect(viaHelp.out).toBe(viaFlag.out);
    }
    await bad(
      ['help', 'frob'],
      "help: expected one of run, scenarios, explore, replay, mutations, toggles, decode, source, geometry, got 'frob'",
    );
  });

  it('prints the seed realm geometry for --ipa-bits 41', async () => {
    expect((await cli(['geometry', '--ipa-bits', '41'])).out).toContain(
      '3 levels, start level 1, 2048 root entries (4 tables), shared bit 0x10000000000',
    );
  });

  it('exits 2 for a bad width and for an unknown command', async () => {
    await bad(['geometry', '--ipa-bits', '60'], "--ipa-bits: expected an integer 32…52, got '60'");
    await bad(['frobnicate'], /unknown command 'frobnicate'/);
  });
});

describe('realmfault decode: the values of the seed report', () => {
  it('esr 0x92000007: DABT_LOW, IL 1, ISV 0, WnR 0 (masked), translation fault level 3', async () => {
    const r = await cli(['decode', 'esr', '0x92000007']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ESR_EL2 0x92000007\n/);
    expect(r.out).toMatch(/EC +\[31:26\] +0x24 +ESR_ELx_EC_DABT_LOW/);
    expect(r.out).toMatch(/IL +\[25\] +0x1 /);
    expect(r.out).toMatch(/ISV +\[24\] +0x0 /);
    expect(r.out).toMatch(/WnR +\[6\] +0x0 /);
    expect(r.out).toMatch(/DFSC +\[5:0\] +0x7 +translation fault, level 3/);
    expect(r.out).toMatch(/WnR is hidden/);
  });

  it('pte 0x00e8010046880707: valid page, MT_NORMAL_TAGGED, OA 0x10046880000, DBM, PXN, UXN, dirty', async () => {
    const r = await cli(['decode', 'pte', '0x00e8010046880707', '--ipa-bits', '41']);
    expect(r.out).toMatch(/^stage-1 page descriptor 0x00e8010046880707\n/);
    expect(r.out).toMatch(/AttrIndx +\[4:2\] +0x1 +MT_NORMAL_TAGGED/);
    expect(r.out).toMatch(/SH +\[9:8\] +0x3 +inner shareable/);
    expect(r.out).toMatch(/output address 0x10046880000/);
    expect(r.out).toMatch(/shared \(unprotected\) alias of IPA 0x46880000/);
    for (const f of ['DBM', 'PXN', 'UXN', 'PTE_DIRTY'])
      expect(r.out).toMatch(new RegExp(`${f} +\\[\\d+\\] +0x1 `));
  });

  it('range-desc 0xb8b59004: SIZE 0, COUNT 1, ADDR 0xb8b59000, ST 0', async () => {
    const r = await cli(['decode', 'range-desc', '0xb8b59004']);
    expect(r.out).toMatch(/SIZE +\[1:0\] +0x0 +level 3, 4 KiB/);
    expect(r.out).toMatch(/COUNT +\[11:2\] +0x1 /);
    expect(r.out).toMatch(/ADDR +\[51:12\] +0xb8b59 +address 0xb8b59000/);
    expect(r.out).toMatch(/ST +\[63\] +0x0 +RMI_OP_MEM_DELEGATED/);
  });

  it('unprot-flags 0x1e0001: OADDR_TYPE 1 (SINGLE), MEMATTR 6, S2AP 3', async () => {
    const r = await cli(['decode', 'unprot-flags', '0x1e0001']);
    expect(r.out).toMatch(/OADDR_TYPE +\[1:0\] +0x1 +RMI_ADDR_TYPE_SINGLE/);
    expect(r.out).toMatch(/MEMATTR +\[18:16\] +0x6 +MT_S2_FWB_NORMAL/);
    expect(r.out).toMatch(/S2AP +\[22:19\] +0x3 +RW/);
  });

  it('prot 0xf: PX|UX|W|R, giving flags 0x1e0001', async () => {
    const r = await cli(['decode', 'prot', '0xf']);
    for (const b of ['PX', 'UX', 'W', 'R'])
      expect(r.out).toMatch(new RegExp(`KVM_PGTABLE_PROT_${b} +\\[\\d\\] +0x1 `));
    expect(r.out).toMatch(/KVM_PGTABLE_PROT_DEVICE +\[4\] +0x0 /);
    expect(r.out).toMatch(/flags 0x1e0001/);
  });

  it('rmi-ret 0x204: RMI_ERROR_RTT at level 2', async () => {
    const r = await cli(['decode', 'rmi-ret', '0x204']);
    expect(r.out).toMatch(/status +\[7:0\] +0x4 +RMI_ERROR_RTT/);
    expect(r.out).toMatch(/index +\[15:8\] +0x2 +RTT level 2/);
  });

  it('ipa 0x10046880000 --ipa-bits 41: L1 0x401, L2 0x34, L3 0x80, GPA 0x46880000', async () => {
    const r = await cli(['decode', 'ipa', '0x10046880000', '--ipa-bits', '41']);
    expect(r.out).toMatch(/L1 index +\[40:30\] +0x401 /);
    expect(r.out).toMatch(/L2 index +\[29:21\] +0x34 /);
    expect(r.out).toMatch(/L3 index +\[20:12\] +0x80 /);
    expect(r.out).toMatch(/GPA 0x46880000 .*GFN 0x46880/);
    expect(r.out).toMatch(/unprotected \(shared\) half/);
  });

  it('prints one parseable JSON object with --json, bigints as 0x strings', async () => {
    const r = await cli(['decode', 'ipa', '0x10046880000', '--ipa-bits', '41', '--json']);
    const j = JSON.parse(r.out) as Record<string, unknown>;
    expect(j).toMatchObject({
      kind: 'ipa',
      value: '0x10046880000',
      gpa: '0x46880000',
      gfn: '0x46880',
      half: 'unprotected',
    });
    expect(j['levels']).toEqual([
      { level: 1, msb: 40, lsb: 30, index: 0x401, entries: 2048 },
      { level: 2, msb: 29, lsb: 21, index: 0x34, entries: 512 },
      { level: 3, msb: 20, lsb: 12, index: 0x80, entries: 512 },
    ]);
    for (const k of ['esr', 'pte', 'rmi-ret', 'range-desc', 'unprot-flags', 'prot']) {
      const o = JSON.parse((await cli(['decode', k, '0x1', '--json'])).out) as Record<string, unknown>;
      expect(o['kind']).toBe(k);
    }
  });
});

describe('realmfault decode: bad input', () => {
  it('names the value and what was expected', async () => {
    await bad(
      ['decode', 'esr', '0xZZ'],
      "ESR_EL2 value: expected a hexadecimal value of at most 64 bits (e.g. 0x92000007), got '0xZZ'",
    );
    await bad(
      ['decode', 'pte', '0x10000000000000000'],
      /^realmfault: PTE value: expected .* at most 64 bits .*65 bits\)\n$/,
    );
    await bad(
      ['decode', 'frob', '1'],
      "decode KIND: expected one of esr, pte, rmi-ret, range-desc, unprot-flags, prot, ipa, got 'frob'",
    );
    await bad(
      ['decode'],
      'decode KIND: expected one of esr, pte, rmi-ret, range-desc, unprot-flags, prot, ipa, got nothing',
    );
    await bad(['decode', 'esr'], 'decode esr VALUE: expected a hexadecimal value, got nothing');
    await bad(['decode', 'esr', '1', '2'], "decode esr: expected one VALUE, got also '2'");
    await bad(
      ['decode', 'ipa', '0x1', '--ipa-bits', '31'],
      "--ipa-bits: expected an integer 32…52, got '31'",
    );
    await bad(
      ['decode', 'ipa', '0x1', '--ipa-bits'],
      /^realmfault: decode: Option '--ipa-bits <value>' argument missing/,
    );
    await bad(
      ['decode', 'esr', '0x1', '--ipa-bits', '41'],
      '--ipa-bits: expected only with decode ipa or decode pte, got it with decode esr',
    );
    await bad(
      ['decode', 'esr', '0x1', '--frob'],
      "decode: Unknown option '--frob' (see realmfault decode --help)",
    );
    await bad(['decode', 'esr', 'x'.repeat(5000)], /got 'x{40}…' \(5000 characters\)\n$/);
  });
});

// ---------------------------------------------------------------------------------------------
// run, with a stub engine: what the CLI does with a RunResult.

const SCENARIO_JSON = {
  name: 'seed',
  description: 'The seed, in two steps.\nMore detail.',
  memslots: [{ gpa: '0x40000000', size: '0x80000000', hva: '0xffff23e00000' }],
  steps: [
    { guest: 'write', ipa: '0x10046880000', value: '0x1234', isv: false },
    { vmm: 'read', gpa: '0x46880000' },
  ],
};

const SUMMARIES: StepSummary[] = [
  {
    outcome: 'completed',
    exits: [],
    faults: [{ ipa: 0x100_4688_0000n as never, esr: 0x92000007n, handler: 'user_mem_abort', ret: 1 }],
    rmi: [
      { cmd: 'RMI_RTT_UNPROT_MAP', status: 'RMI_ERROR_RTT', index: 1 },
      { cmd: 'RMI_RTT_UNPROT_MAP', status: 'RMI_SUCCESS', index: 0 },
    ],
    warnings: [],
  },
  {
    outcome: 'vmm_exit',
    value: 0n,
    exits: [{ reason: 'KVM_EXIT_MEMORY_FAULT', gpa: 0x4688_0000n as never, size: 0x1000n, flags: 0x8n }],
    errno: 'EFAULT',
    faults: [],
    rmi: [],
    warnings: ['realm_map_ipa'],
  },
];

/** The stub's one built-in scenario: only what the CLI reads of it. */
const STUB_BUILTIN = {
  name: 'private-first-touch',
  variant: 'v14',
  description: 'Scenario 1. Detail [@v14-29].\nMore.',
  steps: [],
  memslots: [],
} as unknown as Scenario;

function stubEngine(calls: { scenario: Scenario; variant: string | undefined }[] = []): Engine {
  return {
    runScenario(scenario, options): EngineRunResult {
      calls.push({ scenario, variant: options.variant });
      return {
        variant: options.variant ?? scenario.variant,
        steps: SUMMARIES,
        violations: [
          { invariant: 3, step: 0, message: 'IPA 0x10046880000 maps the shared zero page writable' },
        ],
        trace: [
          { type: 'step', depth: 0, index: 0, what: 'step 0' },
          { type: 'fn_enter', depth: 1, fn: 'kvm_handle_guest_abort', args: {} },
        ],
      };
    },
    builtinScenarios: () => [STUB_BUILTIN],
    builtinScenario: (name) => (name === STUB_BUILTIN.name ? STUB_BUILTIN : undefined),
    formatTrace: (t) =>
      t
        .map(
          (e) =>
            `${'  '.repeat(e.depth)}${e.type === 'step' ? e.what : e.type === 'fn_enter' ? e.fn : e.type}`,
        )
        .join('\n'),
  };
}

const FILES = { 'seed.json': text(JSON.stringify(SCENARIO_JSON)) };

describe('realmfault run', () => {
  it('parses the file and passes --variant to runScenario', async () => {
    const calls: { scenario: Scenario; variant: string | undefined }[] = [];
    const r = await cli(['run', 'seed.json', '--variant', 'post-v14-review'], FILES, stubEngine(calls));
    expect(r.code).toBe(0);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.variant).toBe('post-v14-review');
    expect(calls[0]?.scenario.steps[0]).toMatchObject({ actor: 'guest', op: 'write', ipa: 0x100_4688_0000n });
  });

  it('passes --variant fixed on as post-v14-review, and says so in the text only', async () => {
    const calls: { scenario: Scenario; variant: string | undefined }[] = [];
    const text = await cli(['run', 'seed.json', '--variant', 'fixed'], FILES, stubEngine(calls));
    const json = await cli(['run', 'seed.json', '--variant', 'fixed', '--json'], FILES, stubEngine(calls));
    expect(calls.map((c) => c.variant)).toEqual(['post-v14-review', 'post-v14-review']);
    expect(text.out).toMatch(/^scenario seed — variant post-v14-review \("fixed" is its former name\)\n/);
    expect((JSON.parse(json.out) as { variant: string }).variant).toBe('post-v14-review');
    expect(json.out).not.toContain('fixed');
  });

  it('prints exactly one JSON object with --json', async () => {
    const r = await cli(['run', 'seed.json', '--json'], FILES, stubEngine());
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(r.out)).toEqual({
      variant: 'v14',
      steps: [
        {
          outcome: 'completed',
          exits: [],
          faults: [{ ipa: '0x10046880000', esr: '0x92000007', handler: 'user_mem_abort', ret: 1 }],
          rmi: [
            { cmd: 'RMI_RTT_UNPROT_MAP', status: 'RMI_ERROR_RTT', index: 1 },
            { cmd: 'RMI_RTT_UNPROT_MAP', status: 'RMI_SUCCESS', index: 0 },
          ],
          warnings: [],
        },
        {
          outcome: 'vmm_exit',
          value: '0x0',
          exits: [{ reason: 'KVM_EXIT_MEMORY_FAULT', gpa: '0x46880000', size: '0x1000', flags: '0x8' }],
          errno: 'EFAULT',
          faults: [],
          rmi: [],
          warnings: ['realm_map_ipa'],
        },
      ],
      violations: [
        { invariant: 3, step: 0, message: 'IPA 0x10046880000 maps the shared zero page writable' },
      ],
    });
  });

  it('prints the trace indented by depth, the steps and their outcomes as text', async () => {
    const r = await cli(['run', 'seed.json'], FILES, stubEngine());
    expect(r.out).toBe(
      [
        'scenario seed — variant v14',
        `code: ${VARIANT_INFO.v14.label}: ${VARIANT_INFO.v14.tree}`,
        'realm: 41-bit IPA (shared bit 0x10000000000), state ACTIVE',
        'toggles: all at their defaults (see realmfault toggles)',
        '',
        'The seed, in two steps.',
        'More detail.',
        '',
        'trace:',
        '  step 0',
        '    kvm_handle_guest_abort',
        '',
        'steps:',
        '  [0] guest vCPU0: write 0x1234 (8 bytes) at IPA 0x10046880000 (ISV=0)',
        '      completed',
        // The stub's trace does not show kvm_handle_guest_abort() returning: the summary only.
        '      fault at IPA 0x10046880000, ESR 0x92000007: handled by user_mem_abort(); kvm_handle_guest_abort() returned 1 (re-enter the REC)',
        '      rmi: RMI_RTT_UNPROT_MAP → RMI_ERROR_RTT(1), RMI_RTT_UNPROT_MAP → RMI_SUCCESS',
        '  [1] VMM: read 8 bytes at GPA 0x46880000',
        '      vmm_exit, value 0x0, errno EFAULT',
        '      exit KVM_EXIT_MEMORY_FAULT {gpa 0x46880000, size 0x1000, flags 0x8}',
        '      WARN_ON in realm_map_ipa',
        '',
        'violations:',
        '  invariant 3 after step 0: IPA 0x10046880000 maps the shared zero page writable',
        '',
      ].join('\n'),
    );
  });

  it('runs and lists built-in scenarios', async () => {
    const calls: { scenario: Scenario; variant: string | undefined }[] = [];
    expect(
      (await cli(['run', '--scenario', 'private-first-touch', '--json'], {}, stubEngine(calls))).code,
    ).toBe(0);
    expect(calls[0]?.scenario.name).toBe('private-first-touch');
    // One line: the first sentence, citations left out.
    expect((await cli(['scenarios'], {}, stubEngine())).out).toBe('private-first-touch  v14  Scenario 1.\n');
    const src = SOURCES.find((x) => x.id === 'v14-29');
    expect(src).toBeDefined();
    expect(JSON.parse((await cli(['scenarios', '--json'], {}, stubEngine())).out)).toEqual([
      {
        name: 'private-first-touch',
        variant: 'v14',
        description: 'Scenario 1. Detail [@v14-29].\nMore.',
        sources: [{ ref: 'v14-29', label: src?.short, title: src && describeSource(src), href: src?.url }],
      },
    ]);
  });

  it('rejects bad arguments, files and scenarios with one line and exit 2', async () => {
    const e = stubEngine();
    await bad(['run'], 'run: expected FILE.json or --scenario NAME, got neither', {}, e);
    await bad(['run', 'a.json', 'b.json'], 'run: expected one FILE.json, got 2 arguments', {}, e);
    await bad(
      ['run', 'a.json', '--scenario', 'x'],
      "run: expected FILE.json or --scenario NAME, got both ('a.json' and --scenario)",
      {},
      e,
    );
    for (const v of ['v15', 'FIXED', '', '__proto__', 'constructor']) {
      await bad(
        ['run', 'seed.json', '--variant', v],
        `--variant: expected v14 or post-v14-review, or fixed (the former name of post-v14-review), got '${v}'`,
        FILES,
        e,
      );
    }
    await bad(
      ['run', '--scenario', 'nope'],
      "--scenario: expected a built-in scenario name (see realmfault scenarios), got 'nope'",
      {},
      e,
    );
    await bad(['run', 'missing.json'], 'missing.json: expected an existing file, got no such file', {}, e);
    await bad(
      ['run', 'dir'],
      'dir: expected a file, got a directory',
      { dir: Object.assign(new Error('EISDIR'), { code: 'EISDIR' }) },
      e,
    );
    await bad(
      ['run', 'big.json'],
      'big.json: expected a file of at most 10 bytes',
      { big: new FileTooLarge(10), 'big.json': new FileTooLarge(10) },
      e,
    );
    await bad(
      ['run', 'bin.json'],
      'bin.json: expected UTF-8 text, got bytes that are not valid UTF-8',
      { 'bin.json': new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) },
      e,
    );
    await bad(
      ['run', 'empty.json'],
      'empty.json: scenario: expected a JSON object, got empty input',
      { 'empty.json': text('') },
      e,
    );
    await bad(
      ['run', 'broken.json'],
      "broken.json: scenario: expected valid JSON, got unexpected '}'; expected a value at line 2, column 10",
      { 'broken.json': text('{\n "name": }') },
      e,
    );
    const wide = { ...SCENARIO_JSON, steps: [{ guest: 'read', ipa: '0x10000000000000' }] };
    await bad(
      ['run', 'wide.json'],
      /^realmfault: wide\.json: steps\[0\]\.ipa: expected an address of at most 52 bits.*got 0x10000000000000 \(53 bits\)\n$/,
      { 'wide.json': text(JSON.stringify(wide)) },
      e,
    );
    const unknown = { ...SCENARIO_JSON, toggles: { noSuchToggle: true } };
    await bad(
      ['run', 'u.json'],
      /^realmfault: u\.json: toggles\.noSuchToggle: expected one of the fields rmmEsrBefore4de93bb0, .*got an unknown field\n$/,
      { 'u.json': text(JSON.stringify(unknown)) },
      e,
    );
    const retired = { ...SCENARIO_JSON, toggles: { rmmMasksWnR: true } };
    await bad(
      ['run', 'r.json'],
      /^realmfault: r\.json: toggles\.rmmMasksWnR: .*use rmmEsrBefore4de93bb0 \(with the opposite sense\).*\n$/,
      { 'r.json': text(JSON.stringify(retired)) },
      e,
    );
    const size = { ...SCENARIO_JSON, steps: [{ vmm: 'discard', gpa: '0x46880000', size: '0x1800' }] };
    await bad(
      ['run', 's.json'],
      's.json: steps[0].size: expected a size that is a non-zero multiple of 4 KiB (0x1000), got 0x1800',
      { 's.json': text(JSON.stringify(size)) },
      e,
    );
  });

  it('fails with exit 1 and one line when the engine breaks', async () => {
    const broken: Engine = {
      ...stubEngine(),
      runScenario: () => {
        throw new Error('model invariant: granule 0x1000 is both delegated and mapped NS');
      },
    };
    const r = await cli(['run', 'seed.json'], FILES, broken);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      'realmfault: internal error: model invariant: granule 0x1000 is both delegated and mapped NS\n',
    );
  });
});

describe('realmfault run with the real engine', () => {
  it('reports the seed bug: invariant 3 under v14 with forceSharedWrite, and the VMM reads zeros', async () => {
    const r = await cli(['run', '--scenario', 'shared-force-write-zero-page', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as {
      variant: string;
      steps: { outcome: string; value?: string }[];
      violations: { invariant: number }[];
    };
    expect(j.variant).toBe('v14');
    expect(j.violations.map((v) => v.invariant)).toContain(3);
    expect(j.steps.at(-1)).toMatchObject({ outcome: 'completed', value: '0x0' });
  });

  it('runs a scenario file under --variant post-v14-review and prints the trace as text', async () => {
    const file = text(
      JSON.stringify({
        ...SCENARIO_JSON,
        private: [{ gpa: '0x46880000', size: '0x1000' }],
        steps: [{ guest: 'write', ipa: '0x46880000', value: '0x1234', isv: false }],
      }),
    );
    const r = await cli(['run', 'p.json', '--variant', 'post-v14-review'], { 'p.json': file });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^scenario seed — variant post-v14-review\n/);
    expect(r.out).toMatch(/\n {6,}gmem_abort\(/);
    expect(r.out).toMatch(/RMI_RTT_DATA_MAP → RMI_ERROR_RTT\(1\), .*RMI_RTT_DATA_MAP → RMI_ERROR_RTT\(2\)/);
  });
});

describe('readFileBounded', () => {
  it('reads a file and refuses an endless one', async () => {
    const self = await readFileBounded(new URL(import.meta.url).pathname);
    expect(new TextDecoder().decode(self)).toContain('readFileBounded');
    await expect(readFileBounded('/dev/zero', 4096)).rejects.toBeInstanceOf(FileTooLarge);
  });
});
