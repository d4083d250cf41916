/**
 * Property tests (fast-check) of runScenario over random valid scenarios: it never throws, every
 * step ends in one of the OUTCOMES within a bound, the RMM-enforced invariant (2) always
 * holds, and the same input and seed give a byte-identical trace. FC_RUNS / FC_SEED widen a run
 * (6 000 scenarios over four seeds passed when this was written).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseScenario, type Json } from '../src/scenario/parse.js';
import { runScenario } from '../src/sim/engine.js';
import { OUTCOMES } from '../src/sim/result.js';
import { traceToJSON } from '../src/sim/trace.js';
import { MAX_REC_ENTRIES } from '../src/vmm/qemu.js';

const hx = (v: bigint): string => `0x${v.toString(16)}`;
const SLOT_GPA = 0x40000000n;

/** A page of the slot: one of a few pages in two 2 MiB blocks, so accesses collide. */
const pageArb = fc.constantFrom(0n, 1n, 2n, 0x80n, 0x200n, 0x201n, 0x3ffn).map((p) => SLOT_GPA + (p << 12n));

const guestAccessArb = fc.record({
  write: fc.boolean(),
  page: pageArb,
  offset: fc.constantFrom(0n, 8n, 0xff8n),
  where: fc.constantFrom('private', 'shared', 'shared', 'mmio', 'beyond'),
  isv: fc.boolean(),
  value: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  vcpu: fc.integer({ min: 0, max: 2 }),
});

interface AccessGen {
  write: boolean;
  page: bigint;
  offset: bigint;
  where: string;
  isv: boolean;
  value: bigint;
  vcpu: number;
}

function accessJson(a: AccessGen, ipaBits: number): Json {
  const bit = 1n << BigInt(ipaBits - 1);
  let ipa = a.page + a.offset;
  if (a.where === 'shared') ipa |= bit;
  if (a.where === 'mmio') ipa = bit | 0x9000000n;
  if (a.where === 'beyond') ipa = bit << 1n;
  const base = { guest: a.write ? 'write' : 'read', ipa: hx(ipa), size: 8, isv: a.isv, vcpu: a.vcpu };
  return a.write ? { ...base, value: hx(a.value) } : base;
}

const stepArb = (ipaBits: number): fc.Arbitrary<Json> =>
  fc.oneof(
    { weight: 5, arbitrary: guestAccessArb.map((a) => accessJson(a, ipaBits)) },
    {
      weight: 1,
      arbitrary: fc
        .record({
          a: guestAccessArb,
          inner: fc.oneof(
            guestAccessArb.map((a) => accessJson(a, ipaBits)),
            pageArb.map((p): Json => ({ vmm: 'set_attributes', gpa: hx(p), size: '0x1000', private: false })),
          ),
        })
        .map(({ a, inner }): Json => ({
          ...(accessJson(a, ipaBits) as Record<string, Json>),
          interleave: { steps: [inner] },
        })),
    },
    {
      weight: 2,
      arbitrary: fc
        .record({ page: pageArb, shared: fc.boolean(), pages: fc.constantFrom(1n, 2n, 0x200n) })
        .map((s): Json => ({
          guest: s.shared ? 'set_memory_shared' : 'set_memory_private',
          ipa: hx(s.page),
          size: hx(s.pages << 12n),
        })),
    },
    {
      weight: 2,
      arbitrary: fc
        .record({
          op: fc.constantFrom('read', 'write', 'set_attributes', 'discard'),
          page: pageArb,
          priv: fc.boolean(),
          value: fc.bigInt({ min: 0n, max: 0xffffn }),
        })
        .map((s): Json => {
          switch (s.op) {
            case 'read':
              return { vmm: 'read', gpa: hx(s.page) };
            case 'write':
              return { vmm: 'write', gpa: hx(s.page), value: hx(s.value) };
            case 'set_attributes':
              return { vmm: 'set_attributes', gpa: hx(s.page), size: '0x1000', private: s.priv };
            default:
              return { vmm: 'discard', gpa: hx(s.page), size: '0x1000' };
          }
        }),
    },
  );

const scenarioArb: fc.Arbitrary<Json> = fc.constantFrom(32, 36, 41, 44, 48).chain((ipaBits) =>
  fc.record({
    name: fc.constant('random'),
    variant: fc.constantFrom('v14', 'post-v14-review'),
    seed: fc.integer({ min: 0, max: 1000 }),
    toggles: fc.record({
      rmmEsrBefore4de93bb0: fc.boolean(),
      forceSharedWrite: fc.boolean(),
      rmmRevealsWriteOnPermissionFault: fc.boolean(),
      nonGmemPrivateGuard: fc.boolean(),
    }),
    realm: fc.record({
      ipaBits: fc.constant(ipaBits),
      state: fc.constantFrom('ACTIVE', 'ACTIVE', 'ACTIVE', 'DEAD', 'SYSTEM_OFF'),
    }),
    memslots: fc
      .tuple(
        fc.boolean(),
        fc.constantFrom('anon-private', 'anon-shared', 'thp', 'hugetlb-2m'),
        fc.constantFrom('0xffff23e00000', '0xffff23f01000'),
      )
      .map(([gmem, backing, hva]) => [
        { gpa: hx(SLOT_GPA), size: '0x400000', hva, guestMemfd: gmem, backing },
      ]),
    private: fc.constantFrom([], [{ gpa: hx(SLOT_GPA), size: '0x2000' }]),
    vmm: fc.record({
      onMemoryFault: fc.constantFrom('convert', 'convert', 'stop'),
      gmemPrivateAtCreation: fc.constantFrom(true, true, false),
    }),
    host: fc.record({ freePages: fc.constantFrom(null, null, 0, 3) }),
    steps: fc.array(stepArb(ipaBits), { minLength: 1, maxLength: 10 }),
  }),
);

describe('runScenario over random valid scenarios (fast-check)', () => {
  it('never throws, ends every step in one of the OUTCOMES within a bounded number of faults, and keeps invariant (2)', () => {
    fc.assert(
      fc.property(scenarioArb, (json) => {
        const sc = parseScenario(json);
        const r = runScenario(sc);
        expect(r.steps).toHaveLength(sc.steps.length);
        for (const s of r.steps) {
          expect(OUTCOMES).toContain(s.outcome);
          expect(s.faults.length).toBeLessThanOrEqual(4 * MAX_REC_ENTRIES);
        }
        expect(r.violations.filter((v) => v.invariant === 2)).toEqual([]);
      }),
      { numRuns: Number(process.env['FC_RUNS'] ?? 150), seed: Number(process.env['FC_SEED'] ?? 20260625) },
    );
  }, 60_000);

  it('is deterministic: the same scenario and seed give a byte-identical trace', () => {
    fc.assert(
      fc.property(scenarioArb, (json) => {
        const sc = parseScenario(json);
        const a = runScenario(sc);
        const b = runScenario(parseScenario(json));
        expect(traceToJSON(b.trace)).toBe(traceToJSON(a.trace));
        expect(b.steps).toEqual(a.steps);
      }),
      { numRuns: 40, seed: 7 },
    );
  }, 60_000);

  it('a different seed changes only host PFN choices, not outcomes', () => {
    fc.assert(
      fc.property(scenarioArb, fc.integer({ min: 1001, max: 2000 }), (json, seed) => {
        const a = runScenario(parseScenario(json));
        const b = runScenario({ ...parseScenario(json), seed });
        expect(b.steps.map((s) => s.outcome)).toEqual(a.steps.map((s) => s.outcome));
      }),
      { numRuns: 40, seed: 11 },
    );
  }, 60_000);
});
