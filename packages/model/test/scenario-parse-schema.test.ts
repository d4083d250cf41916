/**
 * The JSON Schema (packages/model/scenario.schema.json) and the parser must agree: the committed
 * schema is exactly what scenarioJsonSchema() builds from the parser's tables, it lists the same
 * fields the parser accepts, and valid and invalid examples get the same verdict from both.
 * After changing the format or adding a toggle, regenerate with
 * `npx vitest run -u packages/model/test/scenario-parse-schema.test.ts`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { describe, expect, it } from 'vitest';
import { BUILTIN_SCENARIOS } from '../src/index.js';
import { parseScenario, SCENARIO_FIELDS, scenarioToJson, type Json } from '../src/scenario/parse.js';
import { EXAMPLE_SCENARIO, scenarioJsonSchema } from '../src/scenario/parse-schema.js';
import { DEFAULT_TOGGLES } from '../src/scenario/types.js';

const SCHEMA_PATH = new URL('../scenario.schema.json', import.meta.url);
/** The schema as committed: JSON formatted the way `prettier --check` (npm run lint) wants it. */
const schemaText = async () =>
  format(JSON.stringify(scenarioJsonSchema()), {
    ...((await resolveConfig(fileURLToPath(SCHEMA_PATH))) ?? {}),
    filepath: fileURLToPath(SCHEMA_PATH),
  });

type S = { [k: string]: unknown };

/**
 * A validator for the subset of draft 2020-12 the schema uses ($ref to $defs, type, const, enum,
 * pattern, min/maxLength, minimum, maximum, multipleOf, required, properties,
 * additionalProperties: false, items, maxItems, oneOf). Returns the first problem or null.
 */
function validate(root: S, schema: S, v: unknown, path = '$'): string | null {
  const ref = schema['$ref'];
  if (typeof ref === 'string') {
    const name = ref.replace('#/$defs/', '');
    const target = (root['$defs'] as Record<string, S>)[name];
    if (!target) throw new Error(`dangling $ref ${ref}`);
    return validate(root, target, v, path);
  }
  const type = schema['type'];
  if (type !== undefined) {
    const types = Array.isArray(type) ? (type as string[]) : [type as string];
    const actual =
      v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v;
    const ok = types.some((t) => t === actual || (t === 'number' && actual === 'integer'));
    if (!ok) return `${path}: type ${actual} is not ${types.join('|')}`;
  }
  if ('const' in schema && v !== schema['const']) return `${path}: not ${JSON.stringify(schema['const'])}`;
  if (Array.isArray(schema['enum']) && !(schema['enum'] as unknown[]).includes(v))
    return `${path}: not in enum`;
  if (typeof v === 'string') {
    if (typeof schema['pattern'] === 'string' && !new RegExp(schema['pattern'], 'u').test(v))
      return `${path}: pattern`;
    if (typeof schema['maxLength'] === 'number' && v.length > schema['maxLength'])
      return `${path}: maxLength`;
    if (typeof schema['minLength'] === 'number' && v.length < schema['minLength'])
      return `${path}: minLength`;
  }
  if (typeof v === 'number') {
    if (typeof schema['minimum'] === 'number' && v < schema['minimum']) return `${path}: minimum`;
    if (typeof schema['maximum'] === 'number' && v > schema['maximum']) return `${path}: maximum`;
    if (typeof schema['multipleOf'] === 'number' && v % schema['multipleOf'] !== 0)
      return `${path}: multipleOf`;
  }
  if (Array.isArray(v)) {
    if (typeof schema['maxItems'] === 'number' && v.length > schema['maxItems']) return `${path}: maxItems`;
    const items = schema['items'] as S | undefined;
    if (items) {
      for (let i = 0; i < v.length; i++) {
        const p = validate(root, items, v[i], `${path}[${i}]`);
        if (p) return p;
      }
    }
  }
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as S;
    const props = (schema['properties'] ?? {}) as Record<string, S>;
    for (const r of (schema['required'] ?? []) as string[]) if (!(r in o)) return `${path}: missing ${r}`;
    for (const [k, x] of Object.entries(o)) {
      const ps = props[k];
      if (ps) {
        const p = validate(root, ps, x, `${path}.${k}`);
        if (p) return p;
      } else if (schema['additionalProperties'] === false) {
        return `${path}: additional property ${k}`;
      }
    }
  }
  if (Array.isArray(schema['oneOf'])) {
    const matches = (schema['oneOf'] as S[]).filter((s) => validate(root, s, v, path) === null).length;
    if (matches !== 1) return `${path}: matches ${matches} of oneOf`;
  }
  return null;
}

const schema = () => JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as S;
const schemaOk = (v: unknown) => validate(schema(), schema(), v);
const parserOk = (v: unknown) => {
  try {
    parseScenario(v);
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
};

describe('scenario.schema.json', () => {
  it('is what scenarioJsonSchema() builds (regenerate with vitest -u)', async () => {
    await expect(await schemaText()).toMatchFileSnapshot('../scenario.schema.json');
  });

  it('is draft 2020-12 and lists the toggles of DEFAULT_TOGGLES', () => {
    const s = schema();
    expect(s['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
    const toggles = (s['properties'] as Record<string, S>)['toggles'];
    expect(Object.keys(toggles?.['properties'] as S)).toEqual(Object.keys(DEFAULT_TOGGLES));
  });

  it('lists exactly the fields the parser accepts', () => {
    const s = schema();
    const defs = s['$defs'] as Record<string, S>;
    const keys = (o: S | undefined) => Object.keys(o?.['properties'] ?? {}).sort();
    const spec = (f: { required: readonly string[]; optional: readonly string[] }) =>
      [...f.required, ...f.optional].sort();
    expect(keys(s)).toEqual(spec(SCENARIO_FIELDS.scenario));
    expect(s['required']).toEqual(SCENARIO_FIELDS.scenario.required);
    const props = s['properties'] as Record<string, S>;
    expect(keys(props['realm'])).toEqual(spec(SCENARIO_FIELDS.realm));
    expect(keys(props['vmm'])).toEqual(spec(SCENARIO_FIELDS.vmm));
    expect(keys(props['host'])).toEqual(spec(SCENARIO_FIELDS.host));
    expect(keys(defs['memslot'])).toEqual(spec(SCENARIO_FIELDS.memslot));
    expect(keys(defs['range'])).toEqual(spec(SCENARIO_FIELDS.range));
    expect(keys(defs['interleaveBlock'])).toEqual(spec(SCENARIO_FIELDS.interleave));
    const steps = (defs['step']?.['oneOf'] ?? []) as S[];
    const expected = [
      ...Object.values(SCENARIO_FIELDS.guest).map(spec),
      ...Object.values(SCENARIO_FIELDS.vmm_step).map(spec),
      ...Object.values(SCENARIO_FIELDS.host_step).map(spec),
    ];
    expect(steps.map(keys)).toEqual(expected);
  });
});

/** Valid scenarios beyond the example, each exercising other parts of the format. */
const VALID: Json[] = [
  EXAMPLE_SCENARIO,
  { name: 'minimal', memslots: [], steps: [] },
  { name: 'former-variant-name', variant: 'fixed', realm: { state: 'SYSTEM_OFF' }, memslots: [], steps: [] },
  {
    name: 'everything',
    description: 'd',
    variant: 'post-v14-review',
    seed: 7,
    toggles: Object.fromEntries(Object.keys(DEFAULT_TOGGLES).map((k) => [k, true])),
    realm: { ipaBits: 48, state: 'DEAD' },
    memslots: [
      { gpa: 0x40000000, size: 0x200000, hva: '0x7f0000000000', guestMemfd: false, backing: 'thp' },
      { gpa: '0x80000000', size: '0x200000', hva: '0x7f0000200000', backing: 'hugetlb-2m' },
    ],
    private: [],
    ripasRam: [{ gpa: '0x40000000', size: '0x200000' }],
    vmm: { onMemoryFault: 'stop', gmemPrivateAtCreation: false },
    host: { freePages: null },
    mutations: ['mmu-seq-after-lookup', 'skip-mmu-invalidate-retry'],
    steps: [
      {
        guest: 'read',
        ipa: '0x800040000000',
        interleave: [
          { at: 'after_page_lookup', steps: [{ host: 'migrate', gpa: '0x40000000' }] },
          { steps: [{ vmm: 'set_attributes', gpa: '0x40000000', size: '0x1000', private: true }] },
        ],
      },
      {
        guest: 'write',
        ipa: '0x800040000000',
        value: 255,
        size: 1,
        isv: true,
        vcpu: 3,
        interleave: { at: 'after_mmu_seq', steps: [{ vmm: 'discard', gpa: '0x40000000', size: '0x1000' }] },
      },
      { guest: 'set_memory_encrypted', ipa: '0x40000000', size: 4096, vcpu: 1 },
      { guest: 'set_memory_private', ipa: '0x40000000', size: 4096 },
      { vmm: 'write', gpa: 0x40000000, value: '0xffffffffffffffff', size: 8 },
    ],
  },
];

/** Invalid scenarios that both the schema and the parser must reject. */
const INVALID: [string, Json][] = [
  ['an unknown field', { name: 't', memslots: [], steps: [], extra: 1 }],
  ['malformed hex', { name: 't', memslots: [], steps: [{ guest: 'read', ipa: '0xg' }] }],
  [
    'an address wider than 52 bits',
    { name: 't', memslots: [], steps: [{ guest: 'read', ipa: '0x10000000000000' }] },
  ],
  [
    'a size not a multiple of 4 KiB (string)',
    { name: 't', memslots: [{ gpa: '0x0', size: '0x1800', hva: '0x0' }], steps: [] },
  ],
  [
    'a size not a multiple of 4 KiB (number)',
    { name: 't', memslots: [{ gpa: '0x0', size: 6144, hva: '0x0' }], steps: [] },
  ],
  ['a zero size', { name: 't', memslots: [{ gpa: '0x0', size: '0x0', hva: '0x0' }], steps: [] }],
  ['an unknown variant', { name: 't', variant: 'v13', memslots: [], steps: [] }],
  ['an unknown mutation', { name: 't', mutations: ['no-such-guard'], memslots: [], steps: [] }],
  ['an unknown host operation', { name: 't', memslots: [], steps: [{ host: 'reclaim', gpa: '0x0' }] }],
  [
    'an unknown window',
    {
      name: 't',
      memslots: [],
      steps: [{ guest: 'read', ipa: '0x0', interleave: { at: 'after_lock', steps: [] } }],
    },
  ],
  ['an unknown toggle', { name: 't', toggles: { noSuchToggle: true }, memslots: [], steps: [] }],
  ['the retired toggle rmmMasksWnR', { name: 't', toggles: { rmmMasksWnR: true }, memslots: [], steps: [] }],
  ['the retired realm state NEW', { name: 't', realm: { state: 'NEW' }, memslots: [], steps: [] }],
  [
    'a non-boolean gmemPrivateAtCreation',
    { name: 't', vmm: { gmemPrivateAtCreation: 1 }, memslots: [], steps: [] },
  ],
  ['an unknown guest op', { name: 't', memslots: [], steps: [{ guest: 'exec', ipa: '0x0' }] }],
  ['a bad access size', { name: 't', memslots: [], steps: [{ guest: 'read', ipa: '0x0', size: 16 }] }],
  ['a fractional number', { name: 't', memslots: [], steps: [{ guest: 'read', ipa: 1.5 }] }],
  ['a missing name', { memslots: [], steps: [] }],
  ['ipaBits too small', { name: 't', realm: { ipaBits: 31 }, memslots: [], steps: [] }],
  ['a seed as a string', { name: 't', seed: '0x1', memslots: [], steps: [] }],
  ['a vCPU as a string', { name: 't', memslots: [], steps: [{ guest: 'read', ipa: '0x0', vcpu: '0x1' }] }],
];

describe('the schema and the parser agree', () => {
  for (const [i, v] of VALID.entries()) {
    it(`accept valid example ${i}`, () => {
      expect(schemaOk(v)).toBeNull();
      expect(parserOk(v)).toBeNull();
    });
  }
  for (const [what, v] of INVALID) {
    it(`reject ${what}`, () => {
      expect(schemaOk(v)).not.toBeNull();
      expect(parserOk(v)).not.toBeNull();
    });
  }

  it('accept the canonical JSON of every parsed example', () => {
    for (const v of VALID) expect(schemaOk(scenarioToJson(parseScenario(v)))).toBeNull();
  });

  // The built-in scenarios (src/scenarios) are stored in the JSON format itself.
  it('accept every built-in scenario, raw and in canonical form', () => {
    expect(BUILTIN_SCENARIOS.length).toBeGreaterThanOrEqual(20);
    for (const raw of BUILTIN_SCENARIOS) {
      const name = JSON.stringify(raw['name']);
      expect(schemaOk(raw), name).toBeNull();
      const s = parseScenario(raw);
      const canonical = scenarioToJson(s);
      expect(schemaOk(canonical), name).toBeNull();
      expect(parseScenario(canonical)).toEqual(s);
    }
  });
});
