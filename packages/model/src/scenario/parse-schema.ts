/**
 * The JSON Schema (draft 2020-12) of the scenario format, built from the parser's own tables
 * (SCENARIO_FIELDS, SCENARIO_LIMITS, SCENARIO_DEFAULTS, DEFAULT_TOGGLES) so the two cannot drift.
 * The committed copy is packages/model/scenario.schema.json; a test compares it with this
 * function's output (`npx vitest run -u packages/model/test/scenario-parse-schema.test.ts`
 * rewrites it).
 *
 * The schema checks shape and syntax. The parser also checks what a schema cannot say well:
 * memslots do not overlap, ranges lie inside memslots, accesses are aligned to their size,
 * values fit their access size.
 */
import { MAX_IPA_BITS, MIN_IPA_BITS } from '../arch/geometry.js';
import {
  BACKINGS,
  DEFAULT_TOGGLES,
  VARIANT_ALIASES,
  VARIANTS,
  WINDOW_POINTS,
  type ToggleName,
} from './types.js';
import { MUTATION_NAMES } from '../sim/mutations.js';
import {
  ACCESS_SIZES,
  GUEST_OP_ALIASES,
  ON_MEMORY_FAULT,
  REALM_STATES,
  SCENARIO_DEFAULTS,
  SCENARIO_FIELDS,
  SCENARIO_LIMITS,
  type Json,
} from './parse.js';

type Schema = { [k: string]: Json };

const ref = (name: string): Schema => ({ $ref: `#/$defs/${name}` });

/** An object schema with exactly these properties; `required` in the field table's order. */
function obj(
  spec: { readonly required: readonly string[]; readonly optional: readonly string[] },
  props: Record<string, Schema>,
  extra: Schema = {},
): Schema {
  const names = [...spec.required, ...spec.optional];
  const missing = names.filter((n) => !(n in props));
  if (missing.length) throw new Error(`scenario schema: no property schema for ${missing.join(', ')}`);
  const properties: Record<string, Json> = {};
  for (const n of names) properties[n] = props[n] ?? {};
  return { type: 'object', ...extra, required: [...spec.required], properties, additionalProperties: false };
}

const HEX_DIGITS = SCENARIO_LIMITS.maxHexChars - 2;
const ADDR_HEX = Math.ceil(SCENARIO_LIMITS.addressBits / 4);
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** The scenario JSON Schema. */
export function scenarioJsonSchema(): Schema {
  const guestAccess = (op: 'read' | 'write', description: string): Schema =>
    obj(
      SCENARIO_FIELDS.guest[op],
      {
        guest: { const: op },
        ipa: {
          ...ref('address'),
          description:
            'The IPA the guest accesses, shared bit included; may lie beyond the realm width (the RMM then injects an SEA). Aligned to size.',
        },
        ...(op === 'write'
          ? { value: { ...ref('u64'), description: 'The value written; must fit the access size.' } }
          : {}),
        size: ref('accessSize'),
        isv: {
          type: 'boolean',
          default: SCENARIO_DEFAULTS.isv,
          description:
            'Whether the instruction gives a valid syndrome: LDR/STR do, LDP/STP, SIMD and DC ZVA do not.',
        },
        vcpu: ref('vcpu'),
        interleave: ref('interleave'),
      },
      { description },
    );
  const ripas = (
    op: 'set_memory_decrypted' | 'set_memory_encrypted',
    alias: string,
    description: string,
  ): Schema =>
    obj(
      SCENARIO_FIELDS.guest[op],
      {
        guest: { enum: [op, alias] },
        ipa: ref('pageAddress'),
        size: ref('pageSize'),
        vcpu: ref('vcpu'),
      },
      { description },
    );
  const aliasOf = (op: string): string => {
    const a = Object.entries(GUEST_OP_ALIASES).find(([, v]) => v === op)?.[0];
    if (a === undefined) throw new Error(`scenario schema: no alias for ${op}`);
    return a;
  };
  const range = obj(SCENARIO_FIELDS.range, { gpa: ref('pageAddress'), size: ref('pageSize') });

  const toggles: Record<string, Json> = {};
  for (const name of Object.keys(DEFAULT_TOGGLES) as ToggleName[]) {
    toggles[name] = { type: 'boolean', default: DEFAULT_TOGGLES[name] };
  }

  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'realmfault scenario',
    description:
      'A scenario for the realmfault simulator of the Arm CCA realm stage-2 fault path (issue 3). Numbers that can exceed 2^53 are "0x…" strings; plain integers are accepted where they fit. The parser also checks that memslots do not overlap, that ranges lie inside memslots and that accesses are aligned to their size.',
    ...obj(SCENARIO_FIELDS.scenario, {
      $schema: { type: 'string', maxLength: 1000, description: 'Ignored: lets editors find this schema.' },
      name: { type: 'string', minLength: 1, maxLength: SCENARIO_LIMITS.maxNameChars },
      description: {
        type: 'string',
        maxLength: SCENARIO_LIMITS.maxDescriptionChars,
        default: SCENARIO_DEFAULTS.description,
      },
      variant: {
        enum: [...VARIANTS, ...Object.keys(VARIANT_ALIASES)],
        default: SCENARIO_DEFAULTS.variant,
        description:
          'v14: the series as posted (cca-host/v14). post-v14-review: the post-v14 development code (gwshan/linux rmi.c, lpieralisi/linux mmu.c) with the fixes proposed in the v14 review. The former name fixed is accepted.',
      },
      seed: { type: 'integer', minimum: 0, maximum: 0xffff_ffff, default: SCENARIO_DEFAULTS.seed },
      mutations: {
        type: 'array',
        items: { enum: [...MUTATION_NAMES] },
        uniqueItems: true,
        maxItems: MUTATION_NAMES.length,
        default: [],
        description:
          'Guards of the real code removed or moved for this run ("what if this line were missing"); see `realmfault mutations`.',
      },
      toggles: {
        type: 'object',
        description:
          'Named toggles for behaviour that differs between code versions or that no public code settles; unlisted toggles keep their defaults.',
        properties: toggles,
        additionalProperties: false,
      },
      realm: obj(SCENARIO_FIELDS.realm, {
        ipaBits: {
          type: 'integer',
          minimum: MIN_IPA_BITS,
          maximum: MAX_IPA_BITS,
          default: SCENARIO_DEFAULTS.ipaBits,
          description: 'IPA width; the shared bit is bit ipaBits-1.',
        },
        state: { enum: [...REALM_STATES], default: SCENARIO_DEFAULTS.realmState },
      }),
      memslots: { type: 'array', maxItems: SCENARIO_LIMITS.maxMemslots, items: ref('memslot') },
      private: {
        type: 'array',
        maxItems: SCENARIO_LIMITS.maxRanges,
        items: ref('range'),
        description:
          'GPA ranges whose KVM memory attribute is PRIVATE before the realm is activated, besides the guest_memfd memslots vmm.gmemPrivateAtCreation makes private. Default none.',
      },
      ripasRam: {
        type: 'array',
        maxItems: SCENARIO_LIMITS.maxRanges,
        items: ref('range'),
        description: 'What RMI_RTT_INIT_RIPAS sets to RAM at activation. Default: every guest_memfd memslot.',
      },
      vmm: obj(SCENARIO_FIELDS.vmm, {
        onMemoryFault: {
          enum: [...ON_MEMORY_FAULT],
          default: SCENARIO_DEFAULTS.onMemoryFault,
          description: 'How the VMM reacts to KVM_EXIT_MEMORY_FAULT.',
        },
        gmemPrivateAtCreation: {
          type: 'boolean',
          default: SCENARIO_DEFAULTS.gmemPrivateAtCreation,
          description:
            "Whether the VMM sets the memory attributes of every guest_memfd memslot to PRIVATE when it creates the slot, as QEMU does since 9.1 (commit bd3bcf69). false: they keep KVM's default, shared.",
        },
      }),
      host: obj(SCENARIO_FIELDS.host, {
        freePages: {
          type: ['integer', 'null'],
          minimum: 0,
          maximum: 0x7fff_ffff,
          default: SCENARIO_DEFAULTS.freePages,
          description: 'Pages the host can still allocate for the stage-2 memcache; null is unlimited.',
        },
      }),
      steps: ref('steps'),
    }),
    $defs: {
      u64: {
        description: `An unsigned number: a "0x…" string or a non-negative safe integer.`,
        oneOf: [
          { type: 'string', pattern: `^0x[0-9a-fA-F]{1,${HEX_DIGITS}}$` },
          { type: 'integer', minimum: 0, maximum: MAX_SAFE },
        ],
      },
      address: {
        description: `An address of at most ${SCENARIO_LIMITS.addressBits} bits.`,
        oneOf: [
          { type: 'string', pattern: `^0x0*[0-9a-fA-F]{1,${ADDR_HEX}}$` },
          { type: 'integer', minimum: 0, maximum: MAX_SAFE },
        ],
      },
      pageAddress: {
        description: `A 4 KiB-aligned address of at most ${SCENARIO_LIMITS.addressBits} bits.`,
        oneOf: [
          { type: 'string', pattern: `^0x0*([0-9a-fA-F]{0,${ADDR_HEX - 3}}000|0)$` },
          { type: 'integer', minimum: 0, maximum: MAX_SAFE, multipleOf: 4096 },
        ],
      },
      pageSize: {
        description: 'A non-zero multiple of 4 KiB.',
        oneOf: [
          { type: 'string', pattern: `^0x0*[1-9a-fA-F][0-9a-fA-F]{0,${ADDR_HEX - 4}}000$` },
          { type: 'integer', minimum: 4096, maximum: MAX_SAFE, multipleOf: 4096 },
        ],
      },
      accessSize: {
        enum: [...ACCESS_SIZES],
        default: SCENARIO_DEFAULTS.accessSize,
        description: 'Access size in bytes.',
      },
      vcpu: {
        type: 'integer',
        minimum: 0,
        maximum: SCENARIO_LIMITS.maxVcpus - 1,
        default: SCENARIO_DEFAULTS.vcpu,
      },
      memslot: obj(SCENARIO_FIELDS.memslot, {
        gpa: ref('pageAddress'),
        size: ref('pageSize'),
        hva: ref('pageAddress'),
        guestMemfd: { type: 'boolean', default: SCENARIO_DEFAULTS.guestMemfd },
        backing: { enum: [...BACKINGS], default: SCENARIO_DEFAULTS.backing },
      }),
      range,
      interleaveBlock: obj(
        SCENARIO_FIELDS.interleave,
        { at: { enum: [...WINDOW_POINTS], default: SCENARIO_DEFAULTS.interleaveAt }, steps: ref('steps') },
        {
          description: `Steps run in a fault window of this access's first fault: after_mmu_seq (after the mmu_seq sample) or after_page_lookup (after the page lookup), both before kvm_fault_lock(); nested at most ${SCENARIO_LIMITS.maxInterleaveDepth} deep.`,
        },
      ),
      interleave: {
        oneOf: [
          ref('interleaveBlock'),
          {
            type: 'array',
            minItems: 1,
            maxItems: WINDOW_POINTS.length,
            items: ref('interleaveBlock'),
            description: 'One block per point, at different points.',
          },
        ],
      },
      steps: { type: 'array', maxItems: SCENARIO_LIMITS.maxSteps, items: ref('step') },
      step: {
        oneOf: [
          guestAccess('read', 'A guest load.'),
          guestAccess('write', 'A guest store.'),
          ripas(
            'set_memory_decrypted',
            aliasOf('set_memory_decrypted'),
            'set_memory_decrypted(): RSI_IPA_STATE_SET to EMPTY.',
          ),
          ripas(
            'set_memory_encrypted',
            aliasOf('set_memory_encrypted'),
            'set_memory_encrypted(): RSI_IPA_STATE_SET to RAM.',
          ),
          obj(
            SCENARIO_FIELDS.vmm_step.read,
            { vmm: { const: 'read' }, gpa: ref('address'), size: ref('accessSize') },
            { description: 'The VMM reads guest RAM through its own mapping.' },
          ),
          obj(
            SCENARIO_FIELDS.vmm_step.write,
            { vmm: { const: 'write' }, gpa: ref('address'), value: ref('u64'), size: ref('accessSize') },
            { description: 'The VMM writes guest RAM through its own mapping.' },
          ),
          obj(
            SCENARIO_FIELDS.vmm_step.set_attributes,
            {
              vmm: { const: 'set_attributes' },
              gpa: ref('pageAddress'),
              size: ref('pageSize'),
              private: { type: 'boolean' },
            },
            { description: 'KVM_SET_MEMORY_ATTRIBUTES.' },
          ),
          obj(
            SCENARIO_FIELDS.vmm_step.discard,
            { vmm: { const: 'discard' }, gpa: ref('pageAddress'), size: ref('pageSize') },
            { description: 'The VMM discards the backing of a range.' },
          ),
          obj(
            SCENARIO_FIELDS.host_step.migrate,
            { host: { const: 'migrate' }, gpa: ref('pageAddress') },
            {
              description:
                "The host kernel migrates the page behind the VMM's mapping of this GPA to a new physical page.",
            },
          ),
        ],
      },
    },
    examples: [EXAMPLE_SCENARIO],
  };
}

/** The example from issue 3, the format's reference example. */
export const EXAMPLE_SCENARIO: Json = {
  name: 'shared-read-map-private',
  variant: 'v14',
  seed: 1,
  toggles: { rmmEsrBefore4de93bb0: false, forceSharedWrite: false },
  realm: { ipaBits: 41 },
  memslots: [
    {
      gpa: '0x40000000',
      size: '0x80000000',
      hva: '0xffff23e00000',
      guestMemfd: true,
      backing: 'anon-private',
    },
  ],
  private: [{ gpa: '0x40000000', size: '0x1000' }],
  ripasRam: [{ gpa: '0x40000000', size: '0x80000000' }],
  vmm: { onMemoryFault: 'convert' },
  steps: [
    { guest: 'write', ipa: '0x40001000', value: '0x1234', size: 8, isv: false },
    { guest: 'set_memory_shared', ipa: '0x46880000', size: '0x1000' },
    { guest: 'read', ipa: '0x10046880000' },
    { vmm: 'read', gpa: '0x46880000' },
    { vmm: 'write', gpa: '0x46880000', value: '0x5' },
    { vmm: 'set_attributes', gpa: '0x46880000', size: '0x1000', private: true },
    { vmm: 'discard', gpa: '0x46880000', size: '0x1000' },
  ],
};
