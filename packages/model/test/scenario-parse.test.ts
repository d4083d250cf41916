/**
 * parseScenario / parseScenarioJson: the public scenario format (issue 3). Valid input gives a
 * Scenario with every default filled; bad input of any kind gives one ScenarioError naming the
 * field and what was expected, quickly, never a hang or a crash.
 */
import { describe, expect, it } from 'vitest';
import {
  parseScenario,
  parseScenarioJson,
  ScenarioError,
  scenarioToJson,
  SCENARIO_LIMITS,
} from '../src/scenario/parse.js';
import { EXAMPLE_SCENARIO } from '../src/scenario/parse-schema.js';
import { DEFAULT_TOGGLES } from '../src/scenario/types.js';

const SLOT = { gpa: '0x40000000', size: '0x80000000', hva: '0xffff23e00000' };
const base = (extra: Record<string, unknown> = {}) => ({ name: 't', memslots: [SLOT], steps: [], ...extra });
const withStep = (step: unknown) => base({ steps: [step] });

/** The ScenarioError thrown by parsing `input`. */
function errorOf(input: unknown): ScenarioError {
  try {
    parseScenario(input);
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw e;
  }
  throw new Error('expected a ScenarioError');
}

function jsonErrorOf(text: string): ScenarioError {
  try {
    parseScenarioJson(text);
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw e;
  }
  throw new Error('expected a ScenarioError');
}

describe('parseScenario: the issue 3 example', () => {
  const s = parseScenario(EXAMPLE_SCENARIO);

  it('reads every field, branded and as bigints', () => {
    expect(s.name).toBe('shared-read-map-private');
    expect(s.variant).toBe('v14');
    expect(s.seed).toBe(1);
    expect(s.realm).toEqual({ ipaBits: 41, state: 'ACTIVE' });
    expect(s.memslots).toEqual([
      {
        gpa: 0x4000_0000n,
        size: 0x8000_0000n,
        hva: 0xffff_23e0_0000n,
        guestMemfd: true,
        backing: 'anon-private',
      },
    ]);
    expect(s.private).toEqual([{ gpa: 0x4000_0000n, size: 0x1000n }]);
    expect(s.vmm.onMemoryFault).toBe('convert');
    expect(s.host.freePages).toBeNull();
  });

  it('fills step defaults and maps set_memory_shared to set_memory_decrypted', () => {
    expect(s.steps).toEqual([
      { actor: 'guest', op: 'write', ipa: 0x4000_1000n, value: 0x1234n, size: 8, isv: false, vcpu: 0 },
      { actor: 'guest', op: 'set_memory_decrypted', ipa: 0x4688_0000n, size: 0x1000n, vcpu: 0 },
      { actor: 'guest', op: 'read', ipa: 0x100_4688_0000n, size: 8, isv: true, vcpu: 0 },
      { actor: 'vmm', op: 'read', gpa: 0x4688_0000n, size: 8 },
      { actor: 'vmm', op: 'write', gpa: 0x4688_0000n, value: 0x5n, size: 8 },
      { actor: 'vmm', op: 'set_attributes', gpa: 0x4688_0000n, size: 0x1000n, private: true },
      { actor: 'vmm', op: 'discard', gpa: 0x4688_0000n, size: 0x1000n },
    ]);
  });

  it('keeps toggles not given at their defaults', () => {
    expect(s.toggles).toEqual({ ...DEFAULT_TOGGLES, rmmEsrBefore4de93bb0: false, forceSharedWrite: false });
    expect(s.vmm.gmemPrivateAtCreation).toBe(true);
  });

  it('round-trips through scenarioToJson', () => {
    expect(parseScenario(scenarioToJson(s))).toEqual(s);
    expect(parseScenario(JSON.parse(JSON.stringify(scenarioToJson(s))))).toEqual(s);
  });
});

describe('parseScenario: defaults', () => {
  it('fills every default for a minimal scenario', () => {
    const s = parseScenario(base());
    expect(s).toEqual({
      name: 't',
      description: '',
      variant: 'v14',
      seed: 0,
      toggles: DEFAULT_TOGGLES,
      realm: { ipaBits: 41, state: 'ACTIVE' },
      memslots: [
        {
          gpa: 0x4000_0000n,
          size: 0x8000_0000n,
          hva: 0xffff_23e0_0000n,
          guestMemfd: true,
          backing: 'anon-private',
        },
      ],
      private: [],
      ripasRam: [{ gpa: 0x4000_0000n, size: 0x8000_0000n }],
      vmm: { onMemoryFault: 'convert', gmemPrivateAtCreation: true },
      host: { freePages: null },
      mutations: [],
      steps: [],
    });
  });

  it('defaults ripasRam to the guest_memfd memslots only', () => {
    const s = parseScenario(
      base({ memslots: [SLOT, { gpa: '0x0', size: '0x1000', hva: '0x1000', guestMemfd: false }] }),
    );
    expect(s.ripasRam).toEqual([{ gpa: 0x4000_0000n, size: 0x8000_0000n }]);
  });

  it('accepts the extensions: interleave, vcpu, host.freePages, realm.state, vmm.gmemPrivateAtCreation', () => {
    const s = parseScenario(
      base({
        realm: { ipaBits: 41, state: 'SYSTEM_OFF' },
        vmm: { gmemPrivateAtCreation: false },
        host: { freePages: 1 },
        steps: [
          {
            guest: 'read',
            ipa: '0x46880000',
            vcpu: 1,
            interleave: { steps: [{ vmm: 'set_attributes', gpa: '0x46880000', size: 4096, private: false }] },
          },
        ],
      }),
    );
    expect(s.realm.state).toBe('SYSTEM_OFF');
    expect(s.vmm).toEqual({ onMemoryFault: 'convert', gmemPrivateAtCreation: false });
    expect(s.host.freePages).toBe(1);
    expect(s.steps[0]).toEqual({
      actor: 'guest',
      op: 'read',
      ipa: 0x4688_0000n,
      size: 8,
      isv: true,
      vcpu: 1,
      interleave: [
        {
          at: 'after_mmu_seq',
          steps: [{ actor: 'vmm', op: 'set_attributes', gpa: 0x4688_0000n, size: 0x1000n, private: false }],
        },
      ],
    });
  });

  it('accepts every realm state: ACTIVE, DEAD, SYSTEM_OFF', () => {
    for (const state of ['ACTIVE', 'DEAD', 'SYSTEM_OFF'] as const)
      expect(parseScenario(base({ realm: { state } })).realm).toEqual({ ipaBits: 41, state });
  });

  it('accepts the former variant name fixed and normalises it to post-v14-review', () => {
    expect(parseScenario(base({ variant: 'fixed' })).variant).toBe('post-v14-review');
    expect(parseScenario(base({ variant: 'post-v14-review' })).variant).toBe('post-v14-review');
    expect(scenarioToJson(parseScenario(base({ variant: 'fixed' })))).toMatchObject({
      variant: 'post-v14-review',
    });
  });

  it('accepts set_memory_private as set_memory_encrypted and plain integers', () => {
    const s = parseScenario(withStep({ guest: 'set_memory_private', ipa: 0x46880000, size: 4096 }));
    expect(s.steps[0]).toMatchObject({ op: 'set_memory_encrypted', ipa: 0x4688_0000n, size: 0x1000n });
  });

  it('accepts an access beyond the realm IPA width (the RMM injects an SEA for it)', () => {
    const s = parseScenario(withStep({ guest: 'read', ipa: '0x20000000000' }));
    expect(s.steps[0]).toMatchObject({ ipa: 0x200_0000_0000n });
  });

  it('accepts a RIPAS change for a range not wholly protected (scenario 20)', () => {
    expect(() =>
      parseScenario(withStep({ guest: 'set_memory_shared', ipa: '0xfffff000', size: '0x100000002000' })),
    ).not.toThrow();
  });
});

describe('parseScenario: bad input names the field and the expectation', () => {
  const cases: [string, unknown, string][] = [
    ['not an object', [], 'scenario: expected a JSON object (a scenario), got an array of 0'],
    [
      'a missing field',
      { name: 't', steps: [] },
      'memslots: expected a value (this field is required), got nothing',
    ],
    [
      'an unknown top-level field',
      base({ colour: 'red' }),
      'colour: expected one of the fields name, memslots, steps, $schema, description, variant, seed, toggles, realm, private, ripasRam, vmm, host, mutations, got an unknown field',
    ],
    [
      'an unknown step field',
      base({ steps: [{ guest: 'read', ipa: '0x0' }, {}, { guest: 'read', ipa: '0x0', flavour: 1 }] }),
      'steps[1]: expected an object with "guest": read|write|set_memory_decrypted|set_memory_encrypted|set_memory_shared|set_memory_private, "vmm": read|write|set_attributes|discard or "host": migrate, got none of "guest", "vmm", "host"',
    ],
    [
      'malformed hex',
      withStep({ guest: 'read', ipa: '0x4688z000' }),
      'steps[0].ipa: expected an address of at most 52 bits, as a "0x…" string or a non-negative safe integer, got "0x4688z000"',
    ],
    [
      'an address wider than 52 bits',
      withStep({ guest: 'read', ipa: '0x10000000000000' }),
      'steps[0].ipa: expected an address of at most 52 bits, as a "0x…" string or a non-negative safe integer, got 0x10000000000000 (53 bits)',
    ],
    [
      'a size that is not a multiple of 4 KiB',
      withStep({ vmm: 'discard', gpa: '0x46880000', size: '0x800' }),
      'steps[0].size: expected a size that is a non-zero multiple of 4 KiB (0x1000), got 0x800',
    ],
    [
      'a zero size',
      withStep({ vmm: 'discard', gpa: '0x46880000', size: 0 }),
      'steps[0].size: expected a size that is a non-zero multiple of 4 KiB (0x1000), got 0x0',
    ],
    [
      'an unknown variant',
      base({ variant: 'v15' }),
      'variant: expected one of v14, post-v14-review, got "v15"',
    ],
    [
      'an unknown toggle',
      base({ toggles: { rmmMasksWNR: true } }),
      `toggles.rmmMasksWNR: expected one of the fields ${Object.keys(DEFAULT_TOGGLES).join(', ')}, got an unknown field`,
    ],
    [
      'the retired toggle rmmMasksWnR',
      base({ toggles: { rmmMasksWnR: false } }),
      'toggles.rmmMasksWnR: expected no such toggle any more: use rmmEsrBefore4de93bb0 (with the opposite sense): no TF-RMM version reported WnR for protected aborts, and before commit 4de93bb0 an unprotected abort without a valid syndrome lost IL as it kept WnR, got a retired toggle',
    ],
    [
      'the retired realm state NEW',
      base({ realm: { state: 'NEW' } }),
      'realm.state: expected one of ACTIVE, DEAD, SYSTEM_OFF; NEW was withdrawn: KVM activates the realm on a vCPU\'s first KVM_RUN, so use DEAD for a realm whose activation failed, got "NEW"',
    ],
    [
      'an unknown realm state',
      base({ realm: { state: 'DYING' } }),
      'realm.state: expected one of ACTIVE, DEAD, SYSTEM_OFF, got "DYING"',
    ],
    [
      'a non-boolean gmemPrivateAtCreation',
      base({ vmm: { gmemPrivateAtCreation: 'yes' } }),
      'vmm.gmemPrivateAtCreation: expected true or false, got "yes"',
    ],
    [
      'a non-boolean toggle',
      base({ toggles: { forceSharedWrite: 1 } }),
      'toggles.forceSharedWrite: expected true or false, got 1',
    ],
    [
      'a bad backing',
      base({ memslots: [{ ...SLOT, backing: 'thp-1g' }] }),
      'memslots[0].backing: expected one of anon-private, anon-shared, thp, hugetlb-2m, got "thp-1g"',
    ],
    [
      'a bad access size',
      withStep({ guest: 'read', ipa: '0x0', size: 3 }),
      'steps[0].size: expected an access size of 1, 2, 4 or 8 bytes, got 3',
    ],
    [
      'an unaligned access',
      withStep({ guest: 'read', ipa: '0x4', size: 8 }),
      'steps[0].ipa: expected an address aligned to the access size (8 bytes), got 0x4',
    ],
    [
      'a value too wide for the access',
      withStep({ guest: 'write', ipa: '0x0', size: 1, value: '0x100' }),
      'steps[0].value: expected a value (the access is 1 byte) of at most 8 bits, as a "0x…" string or a non-negative safe integer, got 0x100 (9 bits)',
    ],
    [
      'a missing write value',
      withStep({ guest: 'write', ipa: '0x0' }),
      'steps[0].value: expected a value (this field is required), got nothing',
    ],
    [
      'ipaBits out of range',
      base({ realm: { ipaBits: 53 } }),
      'realm.ipaBits: expected an IPA width: an integer 32…52, got 53',
    ],
    [
      'an unsafe integer',
      withStep({ guest: 'read', ipa: 2 ** 53 }),
      'steps[0].ipa: expected an address of at most 52 bits, as a "0x…" string or a non-negative safe integer, got 9007199254740992',
    ],
    [
      'a negative number',
      withStep({ guest: 'read', ipa: -8 }),
      'steps[0].ipa: expected an address of at most 52 bits, as a "0x…" string or a non-negative safe integer, got -8',
    ],
    [
      'overlapping memslots',
      base({ memslots: [SLOT, { gpa: '0x80000000', size: '0x1000', hva: '0x0' }] }),
      'memslots[1]: expected a GPA range that does not overlap memslots[0] (0x40000000…0xc0000000), got 0x80000000…0x80001000',
    ],
    [
      'a memslot above the shared bit',
      base({ memslots: [{ gpa: '0x10000000000', size: '0x1000', hva: '0x0' }] }),
      'memslots[0].size: expected a memslot that ends at or below the shared bit 0x10000000000 (memslots hold GPAs, which have no shared bit), got 0x10000000000…0x10000001000',
    ],
    [
      'a private range outside the memslots',
      base({ private: [{ gpa: '0x0', size: '0x1000' }] }),
      'private[0]: expected a GPA range inside the memslots, got 0x0…0x1000',
    ],
    [
      'a ripasRam range crossing a memslot end',
      base({ ripasRam: [{ gpa: '0xbffff000', size: '0x2000' }] }),
      'ripasRam[0]: expected a GPA range inside the memslots, got 0xbffff000…0xc0001000',
    ],
    [
      'a VMM read outside the memslots',
      withStep({ vmm: 'read', gpa: '0x1000' }),
      'steps[0].gpa: expected a GPA inside a memslot (the VMM reaches guest RAM through its own mapping), got 0x1000',
    ],
    [
      'a bad vcpu',
      withStep({ guest: 'read', ipa: '0x0', vcpu: 512 }),
      'steps[0].vcpu: expected a vCPU id: an integer 0…511, got 512',
    ],
    [
      'a bad interleave point',
      withStep({ guest: 'read', ipa: '0x0', interleave: { at: 'later', steps: [] } }),
      'steps[0].interleave.at: expected one of before_mmu_seq, after_mmu_seq, after_page_lookup, got "later"',
    ],
    [
      'two interleave blocks at one point',
      withStep({
        guest: 'read',
        ipa: '0x0',
        interleave: [{ steps: [] }, { at: 'after_mmu_seq', steps: [] }],
      }),
      'steps[0].interleave[1].at: expected a point no other block of this access uses, got after_mmu_seq',
    ],
    [
      'an empty interleave list',
      withStep({ guest: 'read', ipa: '0x0', interleave: [] }),
      'steps[0].interleave: expected one interleave block or a non-empty list of them, got []',
    ],
    [
      'a repeated mutation',
      base({ mutations: ['attributes-skip-unmap', 'attributes-skip-unmap'] }),
      'mutations[1]: expected each mutation once, got attributes-skip-unmap',
    ],
    [
      'an unknown mutation',
      base({ mutations: ['skip-everything'] }),
      'mutations[0]: expected one of skip-mmu-invalidate-retry, mmu-seq-after-lookup, gmem-abort-no-attribute-check, notifier-skips-shared-unmap, attributes-skip-unmap, got "skip-everything"',
    ],
    [
      'a host step outside the memslots',
      withStep({ host: 'migrate', gpa: '0x1000' }),
      'steps[0].gpa: expected a GPA inside a memslot (the VMM reaches guest RAM through its own mapping), got 0x1000',
    ],
    [
      'a step with two actors',
      withStep({ host: 'migrate', vmm: 'read', gpa: '0x40000000' }),
      'steps[0]: expected an object with "guest": read|write|set_memory_decrypted|set_memory_encrypted|set_memory_shared|set_memory_private, "vmm": read|write|set_attributes|discard or "host": migrate, got "vmm" and "host"',
    ],
    [
      'an interleave on a VMM step',
      withStep({ vmm: 'read', gpa: '0x40000000', interleave: { steps: [] } }),
      'steps[0].interleave: expected one of the fields vmm, gpa, size, got an unknown field',
    ],
    ['an empty name', base({ name: '' }), 'name: expected a non-empty string, got ""'],
  ];
  for (const [what, input, message] of cases) {
    it(`rejects ${what}`, () => {
      const e = errorOf(input);
      expect(e.message).toBe(message);
      expect(e.message).not.toMatch(/\n/);
    });
  }

  it('carries path and expected separately', () => {
    const e = errorOf(
      base({
        steps: [
          { guest: 'read', ipa: '0x0' },
          { guest: 'read', ipa: '0x0' },
          { guest: 'read', ipa: 'x' },
        ],
      }),
    );
    expect(e.path).toBe('steps[2].ipa');
    expect(e.expected).toMatch(/^an address of at most 52 bits/);
  });

  it('names a field whose key is not an identifier in quotes', () => {
    expect(errorOf(base({ 'bad key': 1 })).path).toBe('"bad key"');
    expect(errorOf(JSON.parse('{"__proto__": {}, "name": "t", "memslots": [], "steps": []}')).path).toBe(
      '__proto__',
    );
  });
});

describe('parseScenario: hostile input hits a limit, fast', () => {
  it('rejects numbers past 2^64', () => {
    expect(errorOf(withStep({ guest: 'write', ipa: '0x0', value: '0x10000000000000000' })).message).toMatch(
      /steps\[0\]\.value: .* got 0x10000000000000000 \(65 bits\)/,
    );
    expect(errorOf(withStep({ guest: 'write', ipa: '0x0', value: `0x${'f'.repeat(100)}` })).message).toMatch(
      /got a string of 102 characters/,
    );
  });

  it('rejects a 10 MB name without echoing it', () => {
    const t0 = Date.now();
    const e = errorOf(base({ name: 'x'.repeat(10 * 1024 * 1024) }));
    expect(e.message).toBe(
      `name: expected a string of at most ${SCENARIO_LIMITS.maxNameChars} characters, got 10485760 characters`,
    );
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('rejects deep nesting in an unknown field without descending into it', () => {
    let deep: unknown = {};
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    expect(errorOf(base({ junk: deep })).path).toBe('junk');
    expect(errorOf(base({ realm: deep })).path).toBe('realm.a');
  });

  it('caps interleave nesting', () => {
    let steps: unknown[] = [{ guest: 'read', ipa: '0x0' }];
    for (let i = 0; i < 10; i++) steps = [{ guest: 'read', ipa: '0x0', interleave: { steps } }];
    expect(errorOf(base({ steps })).message).toMatch(
      /interleave: expected interleave blocks nested at most 4 deep, got depth 5$/,
    );
  });

  it('caps the number of steps', () => {
    const steps = Array.from({ length: SCENARIO_LIMITS.maxSteps + 1 }, () => ({ guest: 'read', ipa: '0x0' }));
    expect(errorOf(base({ steps })).message).toBe(
      `steps: expected at most ${SCENARIO_LIMITS.maxSteps} steps, got ${SCENARIO_LIMITS.maxSteps + 1}`,
    );
  });
});

describe('parseScenarioJson', () => {
  it('parses JSON text', () => {
    expect(parseScenarioJson(JSON.stringify(EXAMPLE_SCENARIO)).name).toBe('shared-read-map-private');
  });

  it('reports empty input', () => {
    expect(jsonErrorOf('').message).toBe('scenario: expected a JSON object, got empty input');
    expect(jsonErrorOf(' \n ').message).toBe('scenario: expected a JSON object, got empty input');
  });

  it('reports invalid JSON with line and column', () => {
    const e = jsonErrorOf('{\n  "name": "t",\n  "steps": [,]\n}');
    expect(e.message).toBe(
      "scenario: expected valid JSON, got unexpected ','; expected a value at line 3, column 13",
    );
    expect(e.path).toBe('');
  });

  it('reports truncated JSON', () => {
    expect(jsonErrorOf('{"name": "t"').message).toBe(
      'scenario: expected valid JSON, got unexpected end of input at line 1, column 13',
    );
    expect(jsonErrorOf('{"a": 1} x').message).toMatch(
      /unexpected 'x' after the JSON value at line 1, column 10$/,
    );
    expect(jsonErrorOf('{"a": "\u0001"}').message).toMatch(
      /control character U\+0001 in a string at line 1, column 8$/,
    );
    expect(jsonErrorOf("{'a': 1}").message).toMatch(
      /unexpected '''; expected a "quoted" field name at line 1, column 2$/,
    );
  });

  it('refuses deeply nested JSON text quickly, before parsing it', () => {
    const t0 = Date.now();
    const text = `{"name":"t","memslots":[],"steps":[],"junk":${'['.repeat(8_000_000)}${']'.repeat(8_000_000)}}`;
    expect(jsonErrorOf(text).message).toBe(
      'scenario: expected JSON nested at most 64 deep, got nesting deeper than 64 at line 1, column 108',
    );
    expect(Date.now() - t0).toBeLessThan(2000);
    // Brackets inside strings do not count.
    expect(() => parseScenarioJson(`{"name":"${'['.repeat(100)}","memslots":[],"steps":[]}`)).not.toThrow();
  });

  it('rejects text over the size limit before parsing', () => {
    expect(jsonErrorOf(' '.repeat(SCENARIO_LIMITS.maxJsonChars + 1)).message).toMatch(
      /at most 33554432 characters/,
    );
  });
});
