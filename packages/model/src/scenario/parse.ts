/**
 * The scenario parser: the public JSON format (issue 3, "Scenario format and CLI — a public
 * contract"; packages/model/scenario.schema.json) to the validated `Scenario` of ./types.ts.
 *
 * Strict by design. Unknown fields are rejected with the list of allowed ones, every number is a
 * `"0x…"` string or a safe integer, and every error is a ScenarioError that names the field by
 * its path (`steps[2].ipa`) and says what was expected. Hostile input (huge strings, deep
 * nesting, numbers past 2^64, millions of steps) hits a stated limit instead of a hang: the
 * parser only descends into fields it knows, and every list and string has a cap.
 */
import { MAX_IPA_BITS, MIN_IPA_BITS } from '../arch/geometry.js';
import { findJsonDepthExcess, findJsonSyntaxError } from './parse-json-error.js';
import { gpa as toGpa, hva as toHva, ipa as toIpa, PAGE_SIZE, sharedBit } from '../types/addr.js';
import {
  BACKINGS,
  DEFAULT_TOGGLES,
  RETIRED_TOGGLES,
  VARIANT_ALIASES,
  VARIANTS,
  type AccessSize,
  type Backing,
  type GpaRange,
  type GuestStep,
  type Interleave,
  type Memslot,
  type RealmState,
  type Scenario,
  type Step,
  type ToggleName,
  type Toggles,
  type Variant,
  type VmmStep,
  type HostStep,
  WINDOW_POINTS,
} from './types.js';
import { MUTATION_NAMES, type MutationName } from '../sim/mutations.js';

// ---------------------------------------------------------------------------------------------
// Limits. Each is generous for real scenarios and small enough that bad input fails fast.

export const SCENARIO_LIMITS = {
  /** Characters of JSON text parseScenarioJson accepts. */
  maxJsonChars: 32 * 1024 * 1024,
  /** Characters in `name`. */
  maxNameChars: 200,
  /** Characters in `description`. */
  maxDescriptionChars: 10_000,
  /** Characters in a `"0x…"` number (up to 64 hex digits, leading zeros included). */
  maxHexChars: 66,
  /** Steps in the whole scenario, interleaved steps included. */
  maxSteps: 100_000,
  /** Memslots (KVM_USER_MEM_SLOTS on arm64 is 512). */
  maxMemslots: 512,
  /** Entries in `private` and in `ripasRam`. */
  maxRanges: 4096,
  /** How deeply JSON objects and arrays may nest (the format itself needs about 16). */
  maxJsonDepth: 64,
  /** How deeply `interleave` blocks may nest. */
  maxInterleaveDepth: 4,
  /** vCPU ids are 0 … maxVcpus-1 (KVM_MAX_VCPUS on arm64 is 512). */
  maxVcpus: 512,
  /** Addresses and sizes: at most 52 bits (the largest IPA/PA width). */
  addressBits: 52,
} as const;

/** Defaults the parser fills in (documented in the schema). */
export const SCENARIO_DEFAULTS = {
  description: '',
  variant: 'v14' as Variant,
  seed: 0,
  ipaBits: 41,
  realmState: 'ACTIVE' as RealmState,
  guestMemfd: true,
  backing: 'anon-private' as Backing,
  accessSize: 8 as AccessSize,
  isv: true,
  vcpu: 0,
  onMemoryFault: 'convert' as const,
  gmemPrivateAtCreation: true,
  freePages: null,
  interleaveAt: 'after_mmu_seq' as const,
};

export const REALM_STATES: readonly RealmState[] = ['ACTIVE', 'DEAD', 'SYSTEM_OFF'];
export const ACCESS_SIZES: readonly AccessSize[] = [1, 2, 4, 8];
export const ON_MEMORY_FAULT = ['convert', 'stop'] as const;

export type GuestOp = GuestStep['op'];
export type VmmOp = VmmStep['op'];
export const GUEST_OPS: readonly GuestOp[] = [
  'read',
  'write',
  'set_memory_decrypted',
  'set_memory_encrypted',
];
export const VMM_OPS: readonly VmmOp[] = ['read', 'write', 'set_attributes', 'discard'];
export type HostOp = HostStep['op'];
export const HOST_OPS: readonly HostOp[] = ['migrate'];
/** JSON-only spellings of guest operations, after the kernel's other names for them. */
export const GUEST_OP_ALIASES: Readonly<Record<string, GuestOp>> = {
  set_memory_shared: 'set_memory_decrypted',
  set_memory_private: 'set_memory_encrypted',
};

/**
 * Every field of every object in the format, required fields first. The JSON Schema is
 * generated from this table (parse-schema.ts) and a test checks the committed schema, so the
 * parser and the schema cannot drift apart.
 */
export const SCENARIO_FIELDS = {
  scenario: {
    required: ['name', 'memslots', 'steps'],
    optional: [
      '$schema',
      'description',
      'variant',
      'seed',
      'toggles',
      'realm',
      'private',
      'ripasRam',
      'vmm',
      'host',
      'mutations',
    ],
  },
  realm: { required: [], optional: ['ipaBits', 'state'] },
  memslot: { required: ['gpa', 'size', 'hva'], optional: ['guestMemfd', 'backing'] },
  range: { required: ['gpa', 'size'], optional: [] },
  vmm: { required: [], optional: ['onMemoryFault', 'gmemPrivateAtCreation'] },
  host: { required: [], optional: ['freePages'] },
  interleave: { required: ['steps'], optional: ['at'] },
  guest: {
    read: { required: ['guest', 'ipa'], optional: ['size', 'isv', 'vcpu', 'interleave'] },
    write: { required: ['guest', 'ipa', 'value'], optional: ['size', 'isv', 'vcpu', 'interleave'] },
    set_memory_decrypted: { required: ['guest', 'ipa', 'size'], optional: ['vcpu'] },
    set_memory_encrypted: { required: ['guest', 'ipa', 'size'], optional: ['vcpu'] },
  },
  vmm_step: {
    read: { required: ['vmm', 'gpa'], optional: ['size'] },
    write: { required: ['vmm', 'gpa', 'value'], optional: ['size'] },
    set_attributes: { required: ['vmm', 'gpa', 'size', 'private'], optional: [] },
    discard: { required: ['vmm', 'gpa', 'size'], optional: [] },
  },
  host_step: {
    migrate: { required: ['host', 'gpa'], optional: [] },
  },
} as const satisfies {
  [K: string]:
    | { required: readonly string[]; optional: readonly string[] }
    | Record<string, { required: readonly string[]; optional: readonly string[] }>;
};

// ---------------------------------------------------------------------------------------------
// Errors.

/**
 * Bad scenario input. `path` names the field (`steps[2].ipa`; empty for the whole document),
 * `expected` says what would have been accepted.
 */
export class ScenarioError extends Error {
  constructor(
    readonly path: string,
    readonly expected: string,
    /** What was found instead, as a short phrase; null when there is nothing useful to say. */
    readonly got: string | null = null,
  ) {
    super(`${path === '' ? 'scenario' : path}: expected ${expected}${got === null ? '' : `, got ${got}`}`);
    this.name = 'ScenarioError';
  }
}

/** A short description of a JSON value for an error message; never echoes a long string. */
function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return `an array of ${x.length}`;
  switch (typeof x) {
    case 'string':
      return x.length > 40 ? `a string of ${x.length} characters` : JSON.stringify(x);
    case 'number':
      return String(x);
    case 'boolean':
      return String(x);
    case 'object':
      return 'an object';
    case 'undefined':
      return 'nothing';
    case 'bigint':
      return `${x}n`;
    default:
      return `a ${typeof x}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Field readers. Each takes the value and its path and returns the typed result or throws.

type Obj = Readonly<Record<string, unknown>>;

function isObject(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function object(x: unknown, path: string, what = 'an object'): Obj {
  if (!isObject(x)) throw new ScenarioError(path, what, describe(x));
  return x;
}

/** Check that `o` has the required fields and no others. */
function fields(
  o: Obj,
  path: string,
  spec: { required: readonly string[]; optional: readonly string[] },
): void {
  const allowed = [...spec.required, ...spec.optional];
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) {
      throw new ScenarioError(join(path, k), `one of the fields ${allowed.join(', ')}`, 'an unknown field');
    }
  }
  for (const k of spec.required) {
    if (!Object.hasOwn(o, k))
      throw new ScenarioError(join(path, k), 'a value (this field is required)', 'nothing');
  }
}

function join(path: string, key: string): string {
  const k = /^[A-Za-z_$][\w$]*$/.test(key)
    ? key
    : JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key);
  return path === '' ? k : `${path}.${k}`;
}

function get(o: Obj, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

function array(x: unknown, path: string, max: number, what: string): readonly unknown[] {
  if (!Array.isArray(x)) throw new ScenarioError(path, `an array of ${what}`, describe(x));
  if (x.length > max) throw new ScenarioError(path, `at most ${max} ${what}`, `${x.length}`);
  return x;
}

function string(x: unknown, path: string, max: number): string {
  if (typeof x !== 'string')
    throw new ScenarioError(path, `a string of at most ${max} characters`, describe(x));
  if (x.length > max)
    throw new ScenarioError(path, `a string of at most ${max} characters`, `${x.length} characters`);
  return x;
}

function boolean(x: unknown, path: string): boolean {
  if (typeof x !== 'boolean') throw new ScenarioError(path, 'true or false', describe(x));
  return x;
}

function oneOf<T extends string>(x: unknown, path: string, options: readonly T[]): T {
  if (typeof x === 'string' && (options as readonly string[]).includes(x)) return x as T;
  throw new ScenarioError(path, `one of ${options.join(', ')}`, describe(x));
}

const HEX = /^0x[0-9a-fA-F]+$/;

/**
 * An unsigned number: a `"0x…"` string or a non-negative safe integer, at most `maxBits` wide.
 * `what` names the kind of number in the message ("an address", "a size", …).
 */
function unsigned(x: unknown, path: string, maxBits: number, what: string): bigint {
  const expected = `${what} of at most ${maxBits} bits, as a "0x…" string or a non-negative safe integer`;
  let v: bigint;
  if (typeof x === 'number') {
    if (!Number.isSafeInteger(x) || x < 0) throw new ScenarioError(path, expected, describe(x));
    v = BigInt(x);
  } else if (typeof x === 'string') {
    if (x.length > SCENARIO_LIMITS.maxHexChars || !HEX.test(x))
      throw new ScenarioError(path, expected, describe(x));
    v = BigInt(x);
  } else {
    throw new ScenarioError(path, expected, describe(x));
  }
  if (v >> BigInt(maxBits) !== 0n) {
    throw new ScenarioError(path, expected, `0x${v.toString(16)} (${v.toString(2).length} bits)`);
  }
  return v;
}

/**
 * A small integer in [min, max] (a seed, a width, a vCPU id, a page count): a JSON number only,
 * because these never come near 2^53 ("0x…" strings are for addresses, sizes and values).
 */
function int(x: unknown, path: string, min: number, max: number, what: string): number {
  if (typeof x === 'number' && Number.isInteger(x) && x >= min && x <= max) return x;
  throw new ScenarioError(path, `${what}: an integer ${min}…${max}`, describe(x));
}

const ADDR_BITS = SCENARIO_LIMITS.addressBits;

function address(x: unknown, path: string): bigint {
  return unsigned(x, path, ADDR_BITS, 'an address');
}

function pageAligned(x: unknown, path: string): bigint {
  const v = address(x, path);
  if (v % PAGE_SIZE !== 0n)
    throw new ScenarioError(path, 'a 4 KiB-aligned address (a multiple of 0x1000)', hex(v));
  return v;
}

/** A non-zero multiple of 4 KiB. */
function pageSize(x: unknown, path: string): bigint {
  const v = unsigned(x, path, ADDR_BITS, 'a size');
  if (v === 0n || v % PAGE_SIZE !== 0n) {
    throw new ScenarioError(path, 'a size that is a non-zero multiple of 4 KiB (0x1000)', hex(v));
  }
  return v;
}

function accessSize(x: unknown, path: string): AccessSize {
  if (x === undefined) return SCENARIO_DEFAULTS.accessSize;
  if (typeof x === 'number' && (ACCESS_SIZES as readonly number[]).includes(x)) return x as AccessSize;
  throw new ScenarioError(path, 'an access size of 1, 2, 4 or 8 bytes', describe(x));
}

function hex(v: bigint): string {
  return `0x${v.toString(16)}`;
}

// ---------------------------------------------------------------------------------------------
// The document.

/** Parse and validate a scenario from JSON text. Invalid JSON is reported with its line and column. */
export function parseScenarioJson(text: string): Scenario {
  if (typeof text !== 'string') throw new ScenarioError('', 'JSON text', describe(text));
  if (text.length > SCENARIO_LIMITS.maxJsonChars) {
    throw new ScenarioError(
      '',
      `JSON text of at most ${SCENARIO_LIMITS.maxJsonChars} characters`,
      `${text.length}`,
    );
  }
  if (text.trim() === '') throw new ScenarioError('', 'a JSON object', 'empty input');
  const deep = findJsonDepthExcess(text, SCENARIO_LIMITS.maxJsonDepth);
  if (deep) {
    throw new ScenarioError(
      '',
      `JSON nested at most ${SCENARIO_LIMITS.maxJsonDepth} deep`,
      `${deep.message} at line ${deep.line}, column ${deep.column}`,
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text) as unknown;
  } catch (e) {
    throw jsonSyntaxError(text, e);
  }
  return parseScenario(doc);
}

/** Turn a JSON.parse failure into a ScenarioError with a line and column. */
function jsonSyntaxError(text: string, e: unknown): ScenarioError {
  const p = findJsonSyntaxError(text);
  if (p) return new ScenarioError('', 'valid JSON', `${p.message} at line ${p.line}, column ${p.column}`);
  // The checker found nothing (it should not happen): fall back to the engine's message.
  const message = (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').slice(0, 160);
  return new ScenarioError('', 'valid JSON', message);
}

/** Parse and validate an already-decoded JSON value as a scenario, filling in every default. */
export function parseScenario(input: unknown): Scenario {
  const o = object(input, '', 'a JSON object (a scenario)');
  fields(o, '', SCENARIO_FIELDS.scenario);

  const $schema = get(o, '$schema');
  if ($schema !== undefined) string($schema, '$schema', 1000);

  const name = string(get(o, 'name'), 'name', SCENARIO_LIMITS.maxNameChars);
  if (name.trim() === '') throw new ScenarioError('name', 'a non-empty string', '""');
  const descriptionIn = get(o, 'description');
  const description =
    descriptionIn === undefined
      ? SCENARIO_DEFAULTS.description
      : string(descriptionIn, 'description', SCENARIO_LIMITS.maxDescriptionChars);
  const variantIn = get(o, 'variant');
  const variant =
    variantIn === undefined
      ? SCENARIO_DEFAULTS.variant
      : typeof variantIn === 'string' && Object.hasOwn(VARIANT_ALIASES, variantIn)
        ? (VARIANT_ALIASES[variantIn] as Variant)
        : oneOf(variantIn, 'variant', VARIANTS);
  const seedIn = get(o, 'seed');
  const seed = seedIn === undefined ? SCENARIO_DEFAULTS.seed : int(seedIn, 'seed', 0, 0xffff_ffff, 'a seed');

  const toggles = parseToggles(get(o, 'toggles'));
  const mutations = parseMutations(get(o, 'mutations'));
  const realm = parseRealm(get(o, 'realm'));
  const shared = sharedBit(realm.ipaBits);

  const memslots = array(get(o, 'memslots'), 'memslots', SCENARIO_LIMITS.maxMemslots, 'memslots').map(
    (m, i) => parseMemslot(m, `memslots[${i}]`, shared),
  );
  checkMemslotOverlap(memslots);

  const privIn = get(o, 'private');
  const priv = privIn === undefined ? [] : parseRanges(privIn, 'private', memslots);
  const ripasIn = get(o, 'ripasRam');
  const ripasRam =
    ripasIn === undefined
      ? memslots.filter((m) => m.guestMemfd).map((m): GpaRange => ({ gpa: m.gpa, size: m.size }))
      : parseRanges(ripasIn, 'ripasRam', memslots);

  const vmmIn = get(o, 'vmm');
  let onMemoryFault: 'convert' | 'stop' = SCENARIO_DEFAULTS.onMemoryFault;
  let gmemPrivateAtCreation: boolean = SCENARIO_DEFAULTS.gmemPrivateAtCreation;
  if (vmmIn !== undefined) {
    const v = object(vmmIn, 'vmm');
    fields(v, 'vmm', SCENARIO_FIELDS.vmm);
    const f = get(v, 'onMemoryFault');
    if (f !== undefined) onMemoryFault = oneOf(f, 'vmm.onMemoryFault', ON_MEMORY_FAULT);
    const p = get(v, 'gmemPrivateAtCreation');
    if (p !== undefined) gmemPrivateAtCreation = boolean(p, 'vmm.gmemPrivateAtCreation');
  }

  const hostIn = get(o, 'host');
  let freePages: number | null = SCENARIO_DEFAULTS.freePages;
  if (hostIn !== undefined) {
    const h = object(hostIn, 'host');
    fields(h, 'host', SCENARIO_FIELDS.host);
    const f = get(h, 'freePages');
    if (f !== undefined && f !== null) freePages = int(f, 'host.freePages', 0, 0x7fff_ffff, 'a page count');
  }

  const ctx: StepContext = { memslots, shared, count: 0 };
  const steps = parseSteps(get(o, 'steps'), 'steps', ctx, 0);

  return {
    name,
    description,
    variant,
    seed,
    toggles,
    realm,
    memslots,
    private: priv,
    ripasRam,
    vmm: { onMemoryFault, gmemPrivateAtCreation },
    host: { freePages },
    mutations,
    steps,
  };
}

function parseMutations(x: unknown): MutationName[] {
  if (x === undefined) return [];
  const list = array(x, 'mutations', MUTATION_NAMES.length, 'mutation names');
  const out = list.map((m, i) => oneOf(m, `mutations[${i}]`, MUTATION_NAMES));
  out.forEach((m, i) => {
    if (out.indexOf(m) !== i) throw new ScenarioError(`mutations[${i}]`, 'each mutation once', m);
  });
  // Canonical order (the table's), so that equal sets compare equal.
  return MUTATION_NAMES.filter((m) => out.includes(m));
}

/** realm.state NEW was withdrawn: a running vCPU never sees it (its first KVM_RUN activates the realm). */
function retiredRealmState(): never {
  throw new ScenarioError(
    'realm.state',
    `one of ${REALM_STATES.join(', ')}; NEW was withdrawn: KVM activates the realm on a vCPU's first KVM_RUN, so use DEAD for a realm whose activation failed`,
    '"NEW"',
  );
}

/** Toggle names, from DEFAULT_TOGGLES so that a toggle added there is accepted here. */
export function toggleNames(): ToggleName[] {
  return Object.keys(DEFAULT_TOGGLES) as ToggleName[];
}

function parseToggles(x: unknown): Toggles {
  if (x === undefined) return { ...DEFAULT_TOGGLES };
  const o = object(x, 'toggles');
  const names = toggleNames();
  for (const [old, use] of Object.entries(RETIRED_TOGGLES)) {
    if (get(o, old) !== undefined)
      throw new ScenarioError(`toggles.${old}`, `no such toggle any more: use ${use}`, 'a retired toggle');
  }
  fields(o, 'toggles', { required: [], optional: names });
  const out: Record<string, boolean> = { ...DEFAULT_TOGGLES };
  for (const n of names) {
    const v = get(o, n);
    if (v !== undefined) out[n] = boolean(v, `toggles.${n}`);
  }
  return out as unknown as Toggles;
}

function parseRealm(x: unknown): Scenario['realm'] {
  if (x === undefined) return { ipaBits: SCENARIO_DEFAULTS.ipaBits, state: SCENARIO_DEFAULTS.realmState };
  const o = object(x, 'realm');
  fields(o, 'realm', SCENARIO_FIELDS.realm);
  const bitsIn = get(o, 'ipaBits');
  const stateIn = get(o, 'state');
  return {
    ipaBits:
      bitsIn === undefined
        ? SCENARIO_DEFAULTS.ipaBits
        : int(bitsIn, 'realm.ipaBits', MIN_IPA_BITS, MAX_IPA_BITS, 'an IPA width'),
    state:
      stateIn === undefined
        ? SCENARIO_DEFAULTS.realmState
        : stateIn === 'NEW'
          ? retiredRealmState()
          : oneOf(stateIn, 'realm.state', REALM_STATES),
  };
}

function parseMemslot(x: unknown, path: string, shared: bigint): Memslot {
  const o = object(x, path);
  fields(o, path, SCENARIO_FIELDS.memslot);
  const gpa = pageAligned(get(o, 'gpa'), `${path}.gpa`);
  const size = pageSize(get(o, 'size'), `${path}.size`);
  const hva = pageAligned(get(o, 'hva'), `${path}.hva`);
  if (gpa + size > shared) {
    throw new ScenarioError(
      `${path}.size`,
      `a memslot that ends at or below the shared bit ${hex(shared)} (memslots hold GPAs, which have no shared bit)`,
      `${hex(gpa)}…${hex(gpa + size)}`,
    );
  }
  if (hva + size > 1n << BigInt(ADDR_BITS)) {
    throw new ScenarioError(
      `${path}.size`,
      `an HVA range that ends at or below 2^${ADDR_BITS}`,
      hex(hva + size),
    );
  }
  const gm = get(o, 'guestMemfd');
  const bk = get(o, 'backing');
  return {
    gpa: toGpa(gpa),
    size,
    hva: toHva(hva),
    guestMemfd: gm === undefined ? SCENARIO_DEFAULTS.guestMemfd : boolean(gm, `${path}.guestMemfd`),
    backing: bk === undefined ? SCENARIO_DEFAULTS.backing : oneOf(bk, `${path}.backing`, BACKINGS),
  };
}

function checkMemslotOverlap(memslots: readonly Memslot[]): void {
  const order = memslots
    .map((m, i) => ({ m, i }))
    .sort((a, b) => (a.m.gpa < b.m.gpa ? -1 : a.m.gpa > b.m.gpa ? 1 : 0));
  for (let k = 1; k < order.length; k++) {
    const prev = order[k - 1];
    const cur = order[k];
    if (prev && cur && cur.m.gpa < prev.m.gpa + prev.m.size) {
      const [a, b] = prev.i < cur.i ? [prev, cur] : [cur, prev];
      throw new ScenarioError(
        `memslots[${b.i}]`,
        `a GPA range that does not overlap memslots[${a.i}] (${hex(a.m.gpa)}…${hex(a.m.gpa + a.m.size)})`,
        `${hex(b.m.gpa)}…${hex(b.m.gpa + b.m.size)}`,
      );
    }
  }
}

/** Whether [start, end) is covered by the memslots (which do not overlap). */
function coveredByMemslots(start: bigint, end: bigint, memslots: readonly Memslot[]): boolean {
  let cursor = start;
  for (;;) {
    if (cursor >= end) return true;
    const slot = memslots.find((m) => m.gpa <= cursor && cursor < m.gpa + m.size);
    if (!slot) return false;
    cursor = slot.gpa + slot.size;
  }
}

function parseRange(x: unknown, path: string, memslots: readonly Memslot[]): GpaRange {
  const o = object(x, path);
  fields(o, path, SCENARIO_FIELDS.range);
  const gpa = pageAligned(get(o, 'gpa'), `${path}.gpa`);
  const size = pageSize(get(o, 'size'), `${path}.size`);
  if (!coveredByMemslots(gpa, gpa + size, memslots)) {
    throw new ScenarioError(path, 'a GPA range inside the memslots', `${hex(gpa)}…${hex(gpa + size)}`);
  }
  return { gpa: toGpa(gpa), size };
}

function parseRanges(x: unknown, path: string, memslots: readonly Memslot[]): GpaRange[] {
  return array(x, path, SCENARIO_LIMITS.maxRanges, 'GPA ranges').map((r, i) =>
    parseRange(r, `${path}[${i}]`, memslots),
  );
}

// ---------------------------------------------------------------------------------------------
// Steps.

interface StepContext {
  readonly memslots: readonly Memslot[];
  readonly shared: bigint;
  /** Steps parsed so far, interleaved ones included. */
  count: number;
}

function parseSteps(x: unknown, path: string, ctx: StepContext, depth: number): Step[] {
  const list = array(x, path, SCENARIO_LIMITS.maxSteps, 'steps');
  const out: Step[] = [];
  for (let i = 0; i < list.length; i++) {
    ctx.count++;
    if (ctx.count > SCENARIO_LIMITS.maxSteps) {
      throw new ScenarioError(
        `${path}[${i}]`,
        `at most ${SCENARIO_LIMITS.maxSteps} steps in all, interleaved ones included`,
        'more',
      );
    }
    out.push(parseStep(list[i], `${path}[${i}]`, ctx, depth));
  }
  return out;
}

const STEP_EXPECTED =
  `an object with "guest": ${[...GUEST_OPS, ...Object.keys(GUEST_OP_ALIASES)].join('|')}, ` +
  `"vmm": ${VMM_OPS.join('|')} or "host": ${HOST_OPS.join('|')}`;

function parseStep(x: unknown, path: string, ctx: StepContext, depth: number): Step {
  const o = object(x, path, STEP_EXPECTED);
  const actors = (['guest', 'vmm', 'host'] as const).filter((k) => Object.hasOwn(o, k));
  if (actors.length !== 1) {
    throw new ScenarioError(
      path,
      STEP_EXPECTED,
      actors.length === 0 ? 'none of "guest", "vmm", "host"' : actors.map((a) => `"${a}"`).join(' and '),
    );
  }
  switch (actors[0]) {
    case 'guest':
      return parseGuestStep(o, path, ctx, depth);
    case 'vmm':
      return parseVmmStep(o, path, ctx);
    default:
      return parseHostStep(o, path, ctx);
  }
}

function parseHostStep(o: Obj, path: string, ctx: StepContext): HostStep {
  const op = oneOf(get(o, 'host'), `${path}.host`, HOST_OPS);
  fields(o, path, SCENARIO_FIELDS.host_step[op]);
  const gpa = pageAligned(get(o, 'gpa'), `${path}.gpa`);
  inOneMemslot(gpa, 0x1000n, `${path}.gpa`, ctx);
  return { actor: 'host', op, gpa: toGpa(gpa) };
}

function vcpuOf(o: Obj, path: string): number {
  const v = get(o, 'vcpu');
  return v === undefined
    ? SCENARIO_DEFAULTS.vcpu
    : int(v, `${path}.vcpu`, 0, SCENARIO_LIMITS.maxVcpus - 1, 'a vCPU id');
}

/** An access's address: any IPA of at most 52 bits (beyond the realm's width is allowed: the RMM injects an SEA), aligned to the size. */
function accessAddress(x: unknown, path: string, size: AccessSize): bigint {
  const v = address(x, path);
  if (v % BigInt(size) !== 0n)
    throw new ScenarioError(path, `an address aligned to the access size (${size} bytes)`, hex(v));
  return v;
}

function accessValue(x: unknown, path: string, size: AccessSize): bigint {
  return unsigned(x, path, size * 8, `a value (the access is ${size} byte${size === 1 ? '' : 's'})`);
}

function parseGuestStep(o: Obj, path: string, ctx: StepContext, depth: number): GuestStep {
  const opIn = get(o, 'guest');
  const aliased =
    typeof opIn === 'string' && Object.hasOwn(GUEST_OP_ALIASES, opIn) ? GUEST_OP_ALIASES[opIn] : opIn;
  const op = oneOf(aliased, `${path}.guest`, [...GUEST_OPS, ...(Object.keys(GUEST_OP_ALIASES) as GuestOp[])]);
  switch (op) {
    case 'read':
    case 'write': {
      fields(o, path, SCENARIO_FIELDS.guest[op]);
      const size = accessSize(get(o, 'size'), `${path}.size`);
      const ipa = toIpa(accessAddress(get(o, 'ipa'), `${path}.ipa`, size));
      const isvIn = get(o, 'isv');
      const isv = isvIn === undefined ? SCENARIO_DEFAULTS.isv : boolean(isvIn, `${path}.isv`);
      const vcpu = vcpuOf(o, path);
      const ilIn = get(o, 'interleave');
      const interleave =
        ilIn === undefined ? undefined : parseInterleaves(ilIn, `${path}.interleave`, ctx, depth + 1);
      const base =
        op === 'read'
          ? ({ actor: 'guest', op, ipa, size, isv, vcpu } as const)
          : ({
              actor: 'guest',
              op,
              ipa,
              value: accessValue(get(o, 'value'), `${path}.value`, size),
              size,
              isv,
              vcpu,
            } as const);
      return interleave === undefined ? base : { ...base, interleave };
    }
    case 'set_memory_decrypted':
    case 'set_memory_encrypted': {
      fields(o, path, SCENARIO_FIELDS.guest[op]);
      const ipa = toIpa(pageAligned(get(o, 'ipa'), `${path}.ipa`));
      const size = pageSize(get(o, 'size'), `${path}.size`);
      if (ipa + size > 1n << BigInt(ADDR_BITS)) {
        throw new ScenarioError(
          `${path}.size`,
          `a range that ends at or below 2^${ADDR_BITS}`,
          hex(ipa + size),
        );
      }
      return { actor: 'guest', op, ipa, size, vcpu: vcpuOf(o, path) };
    }
  }
}

/** `interleave`: one block, or a list of blocks at different points. */
function parseInterleaves(x: unknown, path: string, ctx: StepContext, depth: number): Interleave[] {
  if (!Array.isArray(x)) return [parseInterleave(x, path, ctx, depth)];
  const list = array(x, path, WINDOW_POINTS.length, 'interleave blocks');
  if (list.length === 0)
    throw new ScenarioError(path, 'one interleave block or a non-empty list of them', '[]');
  const out = list.map((b, i) => parseInterleave(b, `${path}[${i}]`, ctx, depth));
  out.forEach((b, i) => {
    if (out.findIndex((o) => o.at === b.at) !== i)
      throw new ScenarioError(`${path}[${i}].at`, 'a point no other block of this access uses', b.at);
  });
  return out;
}

function parseInterleave(x: unknown, path: string, ctx: StepContext, depth: number): Interleave {
  if (depth > SCENARIO_LIMITS.maxInterleaveDepth) {
    throw new ScenarioError(
      path,
      `interleave blocks nested at most ${SCENARIO_LIMITS.maxInterleaveDepth} deep`,
      `depth ${depth}`,
    );
  }
  const o = object(x, path);
  fields(o, path, SCENARIO_FIELDS.interleave);
  const atIn = get(o, 'at');
  const at = atIn === undefined ? SCENARIO_DEFAULTS.interleaveAt : oneOf(atIn, `${path}.at`, WINDOW_POINTS);
  return { at, steps: parseSteps(get(o, 'steps'), `${path}.steps`, ctx, depth) };
}

function inOneMemslot(gpa: bigint, size: bigint, path: string, ctx: StepContext): void {
  if (!coveredByMemslots(gpa, gpa + size, ctx.memslots)) {
    throw new ScenarioError(
      path,
      'a GPA inside a memslot (the VMM reaches guest RAM through its own mapping)',
      hex(gpa),
    );
  }
}

function parseVmmStep(o: Obj, path: string, ctx: StepContext): VmmStep {
  const op = oneOf(get(o, 'vmm'), `${path}.vmm`, VMM_OPS);
  fields(o, path, SCENARIO_FIELDS.vmm_step[op]);
  switch (op) {
    case 'read':
    case 'write': {
      const size = accessSize(get(o, 'size'), `${path}.size`);
      const gpa = accessAddress(get(o, 'gpa'), `${path}.gpa`, size);
      inOneMemslot(gpa, BigInt(size), `${path}.gpa`, ctx);
      return op === 'read'
        ? { actor: 'vmm', op, gpa: toGpa(gpa), size }
        : {
            actor: 'vmm',
            op,
            gpa: toGpa(gpa),
            value: accessValue(get(o, 'value'), `${path}.value`, size),
            size,
          };
    }
    case 'set_attributes': {
      const gpa = pageAligned(get(o, 'gpa'), `${path}.gpa`);
      const size = pageSize(get(o, 'size'), `${path}.size`);
      if (gpa + size > ctx.shared) {
        throw new ScenarioError(
          path,
          `a GPA range that ends at or below the shared bit ${hex(ctx.shared)}`,
          `${hex(gpa)}…${hex(gpa + size)}`,
        );
      }
      return {
        actor: 'vmm',
        op,
        gpa: toGpa(gpa),
        size,
        private: boolean(get(o, 'private'), `${path}.private`),
      };
    }
    case 'discard': {
      const gpa = pageAligned(get(o, 'gpa'), `${path}.gpa`);
      const size = pageSize(get(o, 'size'), `${path}.size`);
      inOneMemslot(gpa, size, path, ctx);
      return { actor: 'vmm', op, gpa: toGpa(gpa), size };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The way back: a Scenario as canonical JSON (every default explicit, numbers as "0x…").

/** A JSON value. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [k: string]: Json };

const h = (v: bigint): string => hex(v);

function rangeJson(r: GpaRange): Json {
  return { gpa: h(r.gpa), size: h(r.size) };
}

function stepJson(s: Step): Json {
  switch (s.actor) {
    case 'guest': {
      if (s.op === 'set_memory_decrypted' || s.op === 'set_memory_encrypted')
        return { guest: s.op, ipa: h(s.ipa), size: h(s.size), vcpu: s.vcpu };
      const base: Record<string, Json> = { guest: s.op, ipa: h(s.ipa) };
      if (s.op === 'write') base['value'] = h(s.value);
      base['size'] = s.size;
      base['isv'] = s.isv;
      base['vcpu'] = s.vcpu;
      if (s.interleave) {
        const blocks = s.interleave.map((b) => ({ at: b.at, steps: b.steps.map(stepJson) }));
        base['interleave'] = blocks.length === 1 ? (blocks[0] as Json) : blocks;
      }
      return base;
    }
    case 'host':
      return { host: s.op, gpa: h(s.gpa) };
    case 'vmm':
      switch (s.op) {
        case 'read':
          return { vmm: s.op, gpa: h(s.gpa), size: s.size };
        case 'write':
          return { vmm: s.op, gpa: h(s.gpa), value: h(s.value), size: s.size };
        case 'set_attributes':
          return { vmm: s.op, gpa: h(s.gpa), size: h(s.size), private: s.private };
        case 'discard':
          return { vmm: s.op, gpa: h(s.gpa), size: h(s.size) };
      }
  }
}

/** The canonical JSON form of a scenario; parseScenario(scenarioToJson(s)) equals s. */
export function scenarioToJson(s: Scenario): Json {
  return {
    name: s.name,
    description: s.description,
    variant: s.variant,
    seed: s.seed,
    toggles: { ...s.toggles },
    realm: { ipaBits: s.realm.ipaBits, state: s.realm.state },
    memslots: s.memslots.map((m) => ({
      gpa: h(m.gpa),
      size: h(m.size),
      hva: h(m.hva),
      guestMemfd: m.guestMemfd,
      backing: m.backing,
    })),
    private: s.private.map(rangeJson),
    ripasRam: s.ripasRam.map(rangeJson),
    vmm: { onMemoryFault: s.vmm.onMemoryFault, gmemPrivateAtCreation: s.vmm.gmemPrivateAtCreation },
    host: { freePages: s.host.freePages },
    ...(s.mutations.length > 0 ? { mutations: [...s.mutations] } : {}),
    steps: s.steps.map(stepJson),
  };
}
