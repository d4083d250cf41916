/**
 * What the scenario schema (packages/model/scenario.schema.json, generated from the parser's own
 * field table) says at a place in a scenario being edited: the fields an object may have, the
 * values a field takes (enums and consts: variants, access kinds, backings…) and the description
 * and type of a field. The playground's editor (src/playground/editor.ts) uses it for completion
 * and hover; pure, so tests/unit/playground-schema-help.test.ts checks it in Node.
 *
 * Only the parts of JSON Schema that file uses are read: $ref to #/$defs, properties, required,
 * additionalProperties, items, oneOf, enum, const, type, minimum/maximum, maxLength, maxItems,
 * default and description. Where a oneOf offers alternatives (a step is a guest read, a guest
 * write, a VMM command…), the document narrows them: an alternative whose discriminating field
 * (a const or enum) disagrees with what the document has, or that does not know one of the
 * document's field names, is dropped, unless that drops them all.
 */
import { formatFieldPath, nodeAt, type JsonNode, type PathSegment } from './json-doc';

export type Schema = Readonly<Record<string, unknown>>;

/** A field an object may have, for completion and hover. */
export interface FieldInfo {
  readonly name: string;
  /** A short type, e.g. `integer 0…511`, `"v14" | "post-v14-review" | "fixed"`, `array of objects`. */
  readonly type: string;
  readonly description: string | null;
  readonly required: boolean;
  /** The schema's default, when it gives one (`hasDefault`). */
  readonly hasDefault: boolean;
  readonly default: unknown;
}

/** A value a field may take (a const or enum member, true/false, null), with what it means. */
export interface ValueInfo {
  readonly value: string | number | boolean | null;
  readonly description: string | null;
}

const isSchema = (x: unknown): x is Schema => typeof x === 'object' && x !== null && !Array.isArray(x);

const str = (x: unknown): string | null => (typeof x === 'string' ? x : null);

/** `s` with its $ref (to #/$defs/…) followed; the referring schema's own keywords win. */
export function deref(root: Schema, s: Schema): Schema {
  let out = s;
  for (let hops = 0; hops < 16; hops++) {
    const ref = str(out['$ref']);
    if (ref === null) return out;
    const m = /^#\/\$defs\/(.+)$/.exec(ref);
    const defs = root['$defs'];
    const target = m !== null && isSchema(defs) ? defs[m[1] ?? ''] : undefined;
    const rest = Object.fromEntries(Object.entries(out).filter(([k]) => k !== '$ref'));
    out = isSchema(target) ? { ...target, ...rest } : rest;
  }
  return out;
}

/** Schemas that are members of a oneOf/anyOf (as alternatives() returns them). */
const unionMembers = new WeakSet<Schema>();

/** The alternatives `s` stands for: its oneOf/anyOf members (recursively), else itself; refs followed. */
export function alternatives(root: Schema, s: Schema): Schema[] {
  const d = deref(root, s);
  const list = Array.isArray(d['oneOf']) ? d['oneOf'] : Array.isArray(d['anyOf']) ? d['anyOf'] : null;
  if (list === null) return [d];
  // A member without a description of its own inherits the union's (e.g. "An address of at most 52 bits.").
  const own = str(d['description']);
  return list
    .filter(isSchema)
    .flatMap((m) => alternatives(root, m))
    .map((m) => {
      const out = own !== null && str(m['description']) === null ? { ...m, description: own } : m;
      unionMembers.add(out);
      return out;
    });
}

function types(s: Schema): string[] {
  const t = s['type'];
  if (typeof t === 'string') return [t];
  if (Array.isArray(t)) return t.filter((x): x is string => typeof x === 'string');
  if (isSchema(s['properties'])) return ['object'];
  if (s['items'] !== undefined) return ['array'];
  return [];
}

function properties(root: Schema, s: Schema): Record<string, Schema> {
  const p = s['properties'];
  if (!isSchema(p)) return {};
  return Object.fromEntries(
    Object.entries(p)
      .filter((e): e is [string, Schema] => isSchema(e[1]))
      .map(([k, v]) => [k, deref(root, v)]),
  );
}

/** The values a (dereferenced) schema fixes: its const or enum members; null when it fixes none. */
function fixedValues(s: Schema): unknown[] | null {
  if ('const' in s) return [s['const']];
  if (Array.isArray(s['enum'])) return s['enum'] as unknown[];
  return null;
}

/** Whether a JSON value fits an alternative's type, const or enum (formats and ranges are not checked). */
function valueFits(root: Schema, s: Schema, v: unknown): boolean {
  return alternatives(root, s).some((a) => {
    const fixed = fixedValues(a);
    if (fixed !== null) return fixed.some((f) => f === v);
    const t = types(a);
    if (t.length === 0) return true;
    const kind =
      v === null
        ? 'null'
        : typeof v === 'number'
          ? Number.isInteger(v)
            ? 'integer'
            : 'number'
          : typeof v === 'string' || typeof v === 'boolean'
            ? typeof v
            : 'unknown';
    return t.includes(kind) || (kind === 'integer' && t.includes('number'));
  });
}

/**
 * Whether alternative `a` can describe the document's `node`. `ignore` names a field of the node
 * to leave out of the check (the one being typed).
 */
function fits(root: Schema, a: Schema, node: JsonNode | null, ignore: string | null): boolean {
  if (node === null) return true;
  const t = types(a);
  if (node.kind === 'array') return t.length === 0 || t.includes('array');
  if (node.kind === 'scalar') return node.value === undefined || valueFits(root, a, node.value);
  if (t.length > 0 && !t.includes('object')) return false;
  const props = properties(root, a);
  const closed = a['additionalProperties'] === false;
  for (const p of node.props) {
    if (p.key === ignore) continue;
    const ps = props[p.key];
    if (ps === undefined) {
      if (closed) return false;
      continue;
    }
    // Only a field that fixes its value (a discriminator such as `guest` or `vmm`) narrows.
    const v = p.value;
    if (v !== null && v.kind === 'scalar' && v.value !== undefined) {
      const alts = alternatives(root, ps);
      if (alts.every((x) => fixedValues(x) !== null) && !valueFits(root, ps, v.value)) return false;
    }
  }
  return true;
}

/** The alternatives of `list` that fit `node`, or all of them when none does. */
function narrow(root: Schema, list: Schema[], node: JsonNode | null, ignore: string | null): Schema[] {
  const kept = list.filter((a) => fits(root, a, node, ignore));
  return kept.length > 0 ? kept : list;
}

/**
 * The schema alternatives for the value at `path` in `doc`. `ignore`, when given, is a field of
 * the object at `path` to leave out when narrowing that object's alternatives.
 */
export function schemasAt(
  root: Schema,
  doc: JsonNode | null,
  path: readonly PathSegment[],
  ignore: string | null = null,
): Schema[] {
  let current = narrow(root, alternatives(root, root), doc, path.length === 0 ? ignore : null);
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const next: Schema[] = [];
    for (const a of current) {
      if (typeof seg === 'number') {
        const items = a['items'];
        if (isSchema(items)) next.push(...alternatives(root, items));
      } else {
        const p = properties(root, a)[seg ?? ''];
        if (p !== undefined) next.push(...alternatives(root, p));
      }
    }
    const prefix = path.slice(0, i + 1);
    current = narrow(root, dedupe(next), nodeAt(doc, prefix), i + 1 === path.length ? ignore : null);
  }
  return current;
}

function dedupe<T>(list: T[]): T[] {
  return [...new Set(list)];
}

const plural = (t: string): string => (t === 'object' ? 'objects' : t);

/** A short type of a schema: `integer 0…511`, `"read"`, `string (at most 200 characters)`, … */
export function typeText(root: Schema, schema: Schema): string {
  const parts = alternatives(root, schema).map((s) => {
    const fixed = fixedValues(s);
    if (fixed !== null) return fixed.map((v) => JSON.stringify(v)).join(' | ');
    return types(s)
      .map((t) => {
        const min = s['minimum'];
        const max = s['maximum'];
        if (t === 'integer' || t === 'number') {
          if (min === 0 && max === Number.MAX_SAFE_INTEGER) return `non-negative ${t}`;
          return typeof min === 'number' && typeof max === 'number'
            ? `${t} ${String(min)}…${String(max)}`
            : t;
        }
        if (t === 'string') {
          if (str(s['pattern'])?.startsWith('^0x')) return '"0x…" string';
          const maxLength = s['maxLength'];
          return typeof maxLength === 'number'
            ? `string (at most ${String(maxLength)} characters)`
            : 'string';
        }
        if (t === 'array') {
          const items = s['items'];
          const inner = isSchema(items)
            ? dedupe(alternatives(root, items).map((a) => typeText(root, a)))
            : [];
          const of =
            inner.length === 1 ? ` of ${plural(inner[0] ?? '')}` : inner.length > 1 ? ' of objects' : '';
          const maxItems = s['maxItems'];
          return `array${of}${typeof maxItems === 'number' ? ` (at most ${String(maxItems)})` : ''}`;
        }
        return t;
      })
      .join(' | ');
  });
  return dedupe(parts.filter((p) => p !== '')).join(' | ') || 'any value';
}

/** The description of a field's schema: its own, else that of what it refers to. */
function descriptionOf(root: Schema, s: Schema): string | null {
  const own = str(s['description']);
  if (own !== null) return own;
  const alts = alternatives(root, s);
  const ds = dedupe(alts.map((a) => str(a['description'])).filter((d): d is string => d !== null));
  return ds.length === 1 ? (ds[0] ?? null) : null;
}

function fieldInfo(root: Schema, parent: Schema, name: string, s: Schema): FieldInfo {
  const required = Array.isArray(parent['required']) && (parent['required'] as unknown[]).includes(name);
  return {
    name,
    type: typeText(root, s),
    description: descriptionOf(root, s),
    required,
    hasDefault: 'default' in s,
    default: s['default'],
  };
}

/** Merge the infos of one field from several alternatives: types joined, the first description. */
function merge(list: FieldInfo[]): FieldInfo[] {
  const byName = new Map<string, FieldInfo[]>();
  for (const f of list) byName.set(f.name, [...(byName.get(f.name) ?? []), f]);
  return [...byName.values()].map((fs) => {
    const first = fs[0] as FieldInfo;
    const descriptions = dedupe(fs.map((f) => f.description).filter((d): d is string => d !== null));
    return {
      ...first,
      type: dedupe(fs.flatMap((f) => f.type.split(' | '))).join(' | '),
      description: descriptions.length === 1 ? (descriptions[0] ?? null) : descriptions.join(' / ') || null,
      required: fs.every((f) => f.required),
    };
  });
}

/**
 * The fields the object at `path` may have, required ones first, in schema order otherwise.
 * `typing` is a field name being typed there (left out when narrowing); fields the object already
 * has are not offered.
 */
export function fieldCandidates(
  root: Schema,
  doc: JsonNode | null,
  path: readonly PathSegment[],
  typing: string | null = null,
): FieldInfo[] {
  const alts = schemasAt(root, doc, path, typing).filter((a) => types(a).includes('object'));
  const all = merge(
    alts.flatMap((a) => Object.entries(properties(root, a)).map(([k, s]) => fieldInfo(root, a, k, s))),
  );
  const node = nodeAt(doc, path);
  const present = new Set(
    node?.kind === 'object' ? node.props.filter((p) => p.key !== typing).map((p) => p.key) : [],
  );
  const free = all.filter((f) => !present.has(f.name));
  return [...free.filter((f) => f.required), ...free.filter((f) => !f.required)];
}

/**
 * The values the field or array item at `path` may take: consts and enum members (each with the
 * description of the alternative it selects, e.g. `"read"`: "A guest load."), true and false
 * for a boolean, null where allowed.
 */
export function valueCandidates(
  root: Schema,
  doc: JsonNode | null,
  path: readonly PathSegment[],
): ValueInfo[] {
  if (path.length === 0) return [];
  const last = path[path.length - 1];
  const parentPath = path.slice(0, -1);
  const out: ValueInfo[] = [];
  const seen = new Set<string>();
  const add = (value: unknown, description: string | null): void => {
    if (!(value === null || ['string', 'number', 'boolean'].includes(typeof value))) return;
    const k = JSON.stringify(value);
    if (seen.has(k)) return;
    seen.add(k);
    out.push({ value: value as ValueInfo['value'], description });
  };
  const parents = schemasAt(root, doc, parentPath, typeof last === 'string' ? last : null);
  for (const parent of parents) {
    let s: Schema | undefined;
    if (typeof last === 'number') {
      const items = parent['items'];
      s = isSchema(items) ? items : undefined;
    } else {
      s = properties(root, parent)[last ?? ''];
    }
    if (s === undefined) continue;
    const fieldDescription = descriptionOf(root, s);
    for (const a of alternatives(root, s)) {
      const own = str(a['description']) ?? fieldDescription;
      const fixed = fixedValues(a);
      if (fixed !== null) {
        // A discriminator's value means the alternative it selects ("A guest load.").
        const selects =
          typeof last === 'string' && unionMembers.has(parent) ? str(parent['description']) : null;
        for (const v of fixed) add(v, selects ?? own);
        continue;
      }
      const t = types(a);
      if (t.includes('boolean')) {
        add(true, own);
        add(false, own);
      }
      if (t.includes('null')) add(null, own);
    }
  }
  return out;
}

/** What hovering a field name shows: the field's path, type and description; null for an unknown field. */
export function describeField(
  root: Schema,
  doc: JsonNode | null,
  path: readonly PathSegment[],
): (FieldInfo & { path: string }) | null {
  const last = path[path.length - 1];
  if (typeof last !== 'string') return null;
  const parents = schemasAt(root, doc, path.slice(0, -1));
  const infos = parents.flatMap((p) => {
    const s = properties(root, p)[last];
    return s === undefined ? [] : [fieldInfo(root, p, last, s)];
  });
  const merged = merge(infos)[0];
  return merged === undefined ? null : { ...merged, path: formatFieldPath(path) };
}
