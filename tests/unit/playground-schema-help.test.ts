/**
 * Completion and hover candidates from the scenario schema (src/playground/schema-help.ts): the
 * fields valid at a path, narrowed by the step kind the document already has; enum and const
 * values with what they mean; a field's type and description. Expectations are read from the
 * schema file and the model's own tables, not written out, so they follow the format.
 */
import { readFileSync } from 'node:fs';
import { MUTATION_NAMES, SCENARIO_FIELDS, VARIANTS } from '@realmfault/model';
import { describe, expect, it } from 'vitest';
import { readJson } from '../../src/playground/json-doc';
import {
  describeField,
  fieldCandidates,
  schemasAt,
  typeText,
  valueCandidates,
  type Schema,
} from '../../src/playground/schema-help';

interface Branch {
  description?: string;
  required: string[];
  properties: Record<string, { const?: string; enum?: string[]; description?: string }>;
}

const SCHEMA = JSON.parse(readFileSync('packages/model/scenario.schema.json', 'utf8')) as Schema & {
  properties: Record<string, { description?: string }>;
  $defs: { step: { oneOf: Branch[] }; memslot: { properties: { backing: { enum: string[] } } } };
};

const doc = (x: unknown) => readJson(JSON.stringify(x));

/** The step alternative whose `key` is `value` (e.g. guest: "write"). */
function branch(key: string, value: string): Branch {
  const b = SCHEMA.$defs.step.oneOf.find((s) => {
    const p = s.properties[key];
    return p?.const === value || p?.enum?.includes(value);
  });
  if (b === undefined) throw new Error(`no step alternative with ${key} ${value}`);
  return b;
}

describe('fieldCandidates', () => {
  it('offers the scenario’s top-level fields, required first, without those present', () => {
    const all = fieldCandidates(SCHEMA, doc({}), []);
    const names = all.map((f) => f.name);
    const { required, optional } = SCENARIO_FIELDS.scenario;
    expect(names.slice(0, required.length).sort()).toEqual([...required].sort());
    expect([...names].sort()).toEqual([...required, ...optional].sort());
    expect(all.find((f) => f.name === 'variant')?.description).toBe(
      (SCHEMA.properties['variant'] as { description: string }).description,
    );
    const rest = fieldCandidates(SCHEMA, doc({ name: 'x', steps: [] }), []).map((f) => f.name);
    expect(rest).not.toContain('name');
    expect(rest).not.toContain('steps');
    expect(rest[0]).toBe('memslots');
  });

  it('narrows a step to its kind at a nested path, inside an interleave block too', () => {
    const write = branch('guest', 'write');
    const want = Object.keys(write.properties).filter((k) => k !== 'guest');
    const at = fieldCandidates(SCHEMA, doc({ steps: [{ guest: 'write' }] }), ['steps', 0]);
    expect(at.map((f) => f.name).sort()).toEqual(want.sort());
    expect(at.filter((f) => f.required).map((f) => f.name)).toEqual(
      write.required.filter((k) => k !== 'guest'),
    );
    expect(at.find((f) => f.name === 'isv')?.description).toBe(write.properties['isv']?.description);
    const nested = fieldCandidates(
      SCHEMA,
      doc({ steps: [{ guest: 'read', ipa: '0x0', interleave: { steps: [{ vmm: 'discard' }] } }] }),
      ['steps', 0, 'interleave', 'steps', 0],
    ).map((f) => f.name);
    expect(nested.sort()).toEqual(
      Object.keys(branch('vmm', 'discard').properties)
        .filter((k) => k !== 'vmm')
        .sort(),
    );
    // The name being typed is left out when narrowing: "ip" is no field, but the step is still a read.
    const typing = fieldCandidates(SCHEMA, doc({ steps: [{ guest: 'read', ip: 1 }] }), ['steps', 0], 'ip');
    expect(typing.map((f) => f.name)).toContain('ipa');
    expect(typing.map((f) => f.name)).not.toContain('value');
  });

  it('offers every kind’s fields when the step has no kind yet, and never nothing', () => {
    const names = fieldCandidates(SCHEMA, doc({ steps: [{}] }), ['steps', 0]).map((f) => f.name);
    for (const k of ['guest', 'vmm', 'host', 'ipa', 'gpa', 'value']) expect(names).toContain(k);
    // A kind no alternative has: still every field, rather than an empty list.
    expect(fieldCandidates(SCHEMA, doc({ steps: [{ guest: 'fly' }] }), ['steps', 0]).length).toBeGreaterThan(
      5,
    );
    // Not an object there (an array), or a path the schema does not know.
    expect(fieldCandidates(SCHEMA, doc({ steps: [] }), ['steps'])).toEqual([]);
    expect(fieldCandidates(SCHEMA, doc({ nope: {} }), ['nope'])).toEqual([]);
  });
});

describe('valueCandidates', () => {
  it('gives enum members and consts, each step kind with its description', () => {
    const variants = valueCandidates(SCHEMA, doc({ variant: '' }), ['variant']).map((v) => v.value);
    // The schema's enum: today's variants and the former name it still accepts.
    for (const v of VARIANTS) expect(variants).toContain(v);
    const backing = valueCandidates(SCHEMA, doc({ memslots: [{ backing: '' }] }), ['memslots', 0, 'backing']);
    expect(backing.map((v) => v.value)).toEqual(SCHEMA.$defs.memslot.properties.backing.enum);
    const guest = valueCandidates(SCHEMA, doc({ steps: [{ guest: '' }] }), ['steps', 0, 'guest']);
    const kinds = SCHEMA.$defs.step.oneOf.flatMap((b) => {
      const p = b.properties['guest'];
      return p === undefined ? [] : (p.enum ?? [p.const]);
    });
    expect(guest.map((v) => v.value)).toEqual(kinds);
    expect(guest.find((v) => v.value === 'read')?.description).toBe(branch('guest', 'read').description);
    expect(guest.find((v) => v.value === 'set_memory_shared')?.description).toBe(
      branch('guest', 'set_memory_shared').description,
    );
    // Array items: the mutation names.
    expect(valueCandidates(SCHEMA, doc({ mutations: [''] }), ['mutations', 0]).map((v) => v.value)).toEqual([
      ...MUTATION_NAMES,
    ]);
  });

  it('gives true and false for a boolean, null where allowed, numbers of an enum', () => {
    expect(
      valueCandidates(SCHEMA, doc({ toggles: {} }), ['toggles', 'forceSharedWrite']).map((v) => v.value),
    ).toEqual([true, false]);
    expect(valueCandidates(SCHEMA, doc({ host: {} }), ['host', 'freePages']).map((v) => v.value)).toEqual([
      null,
    ]);
    expect(
      valueCandidates(SCHEMA, doc({ steps: [{ guest: 'read' }] }), ['steps', 0, 'size']).map((v) => v.value),
    ).toEqual([1, 2, 4, 8]);
    // A free-form field has no candidates.
    expect(valueCandidates(SCHEMA, doc({ name: '' }), ['name'])).toEqual([]);
    expect(valueCandidates(SCHEMA, doc({}), [])).toEqual([]);
  });
});

describe('describeField and typeText', () => {
  it('says what a field is: path, type, description, default, whether required', () => {
    const d = describeField(SCHEMA, doc({ realm: { ipaBits: 41 } }), ['realm', 'ipaBits']);
    expect(d).toMatchObject({
      path: 'realm.ipaBits',
      type: 'integer 32…52',
      required: false,
      hasDefault: true,
      default: 41,
    });
    expect(d?.description).toMatch(/shared bit/);
    const ipa = describeField(SCHEMA, doc({ steps: [{ guest: 'write', ipa: '0x0' }] }), ['steps', 0, 'ipa']);
    expect(ipa?.path).toBe('steps[0].ipa');
    expect(ipa?.required).toBe(true);
    expect(ipa?.description).toBe(branch('guest', 'write').properties['ipa']?.description);
    expect(ipa?.type).toBe('"0x…" string | non-negative integer');
    // A description that comes from the $ref target (address, 52 bits) when the field has none.
    const gpa = describeField(SCHEMA, doc({ steps: [{ vmm: 'read', gpa: 0 }] }), ['steps', 0, 'gpa']);
    expect(gpa?.description).toMatch(/address of at most 52 bits/);
    expect(describeField(SCHEMA, doc({ colour: 1 }), ['colour'])).toBeNull();
    expect(describeField(SCHEMA, doc({ steps: [] }), ['steps', 0])).toBeNull();
  });

  it('writes short types', () => {
    const at = (path: (string | number)[], x: unknown): string =>
      schemasAt(SCHEMA, doc(x), path)
        .map((s) => typeText(SCHEMA, s))
        .join(' / ');
    expect(at(['name'], { name: 'x' })).toBe('string (at most 200 characters)');
    expect(at(['memslots'], { memslots: [] })).toBe('array of objects (at most 512)');
    expect(at(['host', 'freePages'], { host: { freePages: 1 } })).toBe('integer 0…2147483647 | null');
    expect(at(['variant'], { variant: 'v14' })).toBe(
      ['v14', 'post-v14-review', 'fixed'].map((v) => `"${v}"`).join(' | '),
    );
  });
});
