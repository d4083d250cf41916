/**
 * A tolerant JSON reader for the playground's editor (src/playground/editor.ts): it turns the text
 * into a light tree with the source range of every value and field name, so that the editor can
 * map the model parser's field paths (`steps[2].ipa`) to ranges of the text, and tell which field
 * or value the cursor is in for completion and hover. It never throws and reads half-typed text
 * (a missing comma, an unclosed string or bracket) as well as it can; whether the text is valid
 * JSON is for the model's parser to say. Iterative, so deep nesting cannot overflow the stack.
 */

/** One step of a field path: a field name or an array index. */
export type PathSegment = string | number;

export type JsonNode = JsonObject | JsonArray | JsonScalar;

interface Base {
  /** Offset of the value's first character. */
  readonly from: number;
  /** Offset after its last character (for an unclosed object or array, where reading stopped). */
  to: number;
}

export interface JsonObject extends Base {
  readonly kind: 'object';
  readonly props: JsonProperty[];
  closed: boolean;
}

export interface JsonArray extends Base {
  readonly kind: 'array';
  readonly items: JsonNode[];
  closed: boolean;
}

export interface JsonScalar extends Base {
  readonly kind: 'scalar';
  /** The value (a string, number, boolean or null); undefined for a word that is not JSON. */
  readonly value: unknown;
}

export interface JsonProperty {
  /** The field name, unquoted. */
  readonly key: string;
  readonly keyFrom: number;
  readonly keyTo: number;
  /** Offset of the `:` after the name, or null when there is none. */
  colon: number | null;
  value: JsonNode | null;
  /** Where the property ends: the offset of the `,` or `}` after it (or of the end of the text). */
  to: number;
}

interface Token {
  readonly type: '{' | '}' | '[' | ']' | ',' | ':' | 'string' | 'word';
  readonly from: number;
  readonly to: number;
  /** For a string: whether it has its closing quote. */
  readonly closed?: boolean;
}

const WORD = /[^\s{}[\],:"]+/y;
const SPACE = /[ \t\r\n]+/y;

function* tokens(text: string): Generator<Token> {
  let i = 0;
  const n = text.length;
  while (i < n) {
    SPACE.lastIndex = i;
    if (SPACE.test(text)) i = SPACE.lastIndex;
    if (i >= n) return;
    const c = text[i] ?? '';
    if ('{}[],:'.includes(c)) {
      yield { type: c as Token['type'], from: i, to: i + 1 };
      i++;
    } else if (c === '"') {
      // A string ends at its closing quote; one left open ends at the end of its line.
      let j = i + 1;
      while (j < n && text[j] !== '"' && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      const closed = j < n && text[j] === '"';
      j = Math.min(closed ? j + 1 : j, n);
      yield { type: 'string', from: i, to: j, closed };
      i = j;
    } else {
      WORD.lastIndex = i;
      WORD.test(text);
      yield { type: 'word', from: i, to: WORD.lastIndex };
      i = WORD.lastIndex;
    }
  }
}

/** The value of a string token, tolerating one left open or with a bad escape. */
function unquote(raw: string, closed: boolean): string {
  // An open string may end in half an escape: drop it.
  const body = closed ? raw : `${raw.replace(/\\(u[0-9a-fA-F]{0,3})?$/, '')}"`;
  try {
    return JSON.parse(body) as string;
  } catch {
    return raw.slice(1, closed ? -1 : undefined);
  }
}

function scalar(text: string, t: Token): JsonScalar {
  const raw = text.slice(t.from, t.to);
  let value: unknown;
  if (t.type === 'string') value = unquote(raw, t.closed === true);
  else if (raw === 'true') value = true;
  else if (raw === 'false') value = false;
  else if (raw === 'null') value = null;
  else if (/^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(raw)) value = Number(raw);
  return { kind: 'scalar', from: t.from, to: t.to, value };
}

interface ObjectFrame {
  readonly node: JsonObject;
  state: 'key' | 'colon' | 'value' | 'comma';
  prop: JsonProperty | null;
}
interface ArrayFrame {
  readonly node: JsonArray;
  state: 'value' | 'comma';
}
type Frame = ObjectFrame | ArrayFrame;

/** Read `text` into a tree; null when it holds no value at all. Text after the first value is ignored. */
export function readJson(text: string): JsonNode | null {
  // In an object, so that TypeScript sees the closure below assign it.
  const top: { root: JsonNode | null } = { root: null };
  const stack: Frame[] = [];
  /** Attach a value where the innermost frame expects one (the root, when there is no frame). */
  const place = (v: JsonNode): void => {
    const f = stack[stack.length - 1];
    if (f === undefined) {
      top.root ??= v;
      return;
    }
    if (f.node.kind === 'array') {
      f.node.items.push(v);
      (f as ArrayFrame).state = 'comma';
    } else {
      const of = f as ObjectFrame;
      if (of.prop !== null) of.prop.value = v;
      of.state = 'comma';
    }
  };
  const open = (v: JsonObject | JsonArray): void => {
    place(v);
    stack.push(v.kind === 'object' ? { node: v, state: 'key', prop: null } : { node: v, state: 'value' });
  };
  const endProp = (f: ObjectFrame, at: number): void => {
    if (f.prop !== null) f.prop.to = at;
    f.prop = null;
  };
  for (const t of tokens(text)) {
    if (top.root !== null && stack.length === 0) break;
    const f = stack[stack.length - 1];
    if (t.type === '{' || t.type === '[') {
      if (f !== undefined && f.node.kind === 'object') {
        const of = f as ObjectFrame;
        // A bracket where a field name belongs is read as the value of a nameless field.
        if (of.state === 'key' || of.state === 'comma') {
          endProp(of, t.from);
          of.prop = null;
        }
      }
      open(
        t.type === '{'
          ? { kind: 'object', from: t.from, to: t.to, props: [], closed: false }
          : { kind: 'array', from: t.from, to: t.to, items: [], closed: false },
      );
      continue;
    }
    if (t.type === '}' || t.type === ']') {
      // Close the innermost container of that kind, and any left open inside it.
      const want = t.type === '}' ? 'object' : 'array';
      const at = stack.map((x) => x.node.kind).lastIndexOf(want);
      if (at < 0) continue;
      while (stack.length > at) {
        const top = stack.pop();
        if (top === undefined) break;
        if (top.node.kind === 'object') endProp(top as ObjectFrame, t.from);
        top.node.to = stack.length === at ? t.to : t.from;
        top.node.closed = stack.length === at;
      }
      continue;
    }
    if (f === undefined) {
      if (t.type === 'string' || t.type === 'word') place(scalar(text, t));
      continue;
    }
    if (f.node.kind === 'array') {
      const af = f as ArrayFrame;
      if (t.type === ',') af.state = 'value';
      else if (t.type === 'string' || t.type === 'word') place(scalar(text, t));
      continue;
    }
    const of = f as ObjectFrame;
    if (t.type === ',') {
      endProp(of, t.from);
      of.state = 'key';
    } else if (t.type === ':') {
      if (of.prop !== null && of.state === 'colon') {
        of.prop.colon = t.from;
        of.state = 'value';
      }
    } else if (of.state === 'value' && of.prop !== null) {
      place(scalar(text, t));
    } else {
      // A field name (a missing comma before it is forgiven).
      endProp(of, t.from);
      const raw = text.slice(t.from, t.to);
      const prop: JsonProperty = {
        key: t.type === 'string' ? unquote(raw, t.closed === true) : raw,
        keyFrom: t.from,
        keyTo: t.to,
        colon: null,
        value: null,
        to: text.length,
      };
      of.node.props.push(prop);
      of.prop = prop;
      of.state = 'colon';
    }
  }
  for (const f of stack) {
    f.node.to = text.length;
    if (f.node.kind === 'object') endProp(f as ObjectFrame, text.length);
  }
  return top.root;
}

/** The node at `path` (the last property of a name wins, as in JSON.parse), or null. */
export function nodeAt(root: JsonNode | null, path: readonly PathSegment[]): JsonNode | null {
  let node = root;
  for (const seg of path) {
    if (node === null) return null;
    node = childOf(node, seg)?.value ?? null;
  }
  return node;
}

/** The property (for an object and a name) or item (for an array and an index) of `node`. */
function childOf(
  node: JsonNode,
  seg: PathSegment,
): { value: JsonNode | null; prop: JsonProperty | null } | null {
  if (typeof seg === 'number') {
    if (node.kind !== 'array') return null;
    const v = node.items[seg];
    return v === undefined ? null : { value: v, prop: null };
  }
  if (node.kind !== 'object') return null;
  const p = node.props.findLast((x) => x.key === seg);
  return p === undefined ? null : { value: p.value, prop: p };
}

/**
 * The model parser's field path (`steps[2].ipa`, `toggles."odd name"`, `memslots[0]`; '' for
 * the whole document) as segments; null when it is not of that form.
 */
export function parseFieldPath(path: string): PathSegment[] | null {
  const out: PathSegment[] = [];
  let i = 0;
  const n = path.length;
  while (i < n) {
    const c = path[i];
    if (c === '[') {
      const m = /^\[(\d+)\]/.exec(path.slice(i));
      if (m === null) return null;
      out.push(Number(m[1]));
      i += m[0].length;
      continue;
    }
    if (out.length > 0) {
      if (c !== '.') return null;
      i++;
    }
    if (path[i] === '"') {
      // A quoted name, as JSON.stringify wrote it.
      let j = i + 1;
      while (j < n && path[j] !== '"') j += path[j] === '\\' ? 2 : 1;
      if (j >= n) return null;
      try {
        out.push(JSON.parse(path.slice(i, j + 1)) as string);
      } catch {
        return null;
      }
      i = j + 1;
    } else {
      const m = /^[A-Za-z_$][\w$]*/.exec(path.slice(i));
      if (m === null) return null;
      out.push(m[0]);
      i += m[0].length;
    }
  }
  return out;
}

/** A path as the model's parser writes it (its `join`): `steps[2].ipa`, `toggles."odd name"`. */
export function formatFieldPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${String(seg)}]`;
    else {
      const k = /^[A-Za-z_$][\w$]*$/.test(seg) ? seg : JSON.stringify(seg);
      out += out === '' ? k : `.${k}`;
    }
  }
  return out;
}

export interface TextRange {
  readonly from: number;
  readonly to: number;
}

/**
 * Where to show a problem with the field at `path`: the value when it is a scalar, the field's
 * name when its value is an object or array (so a whole block is not underlined), the opening
 * bracket of an array item that is an object or array. A field that is missing (a required one,
 * or an index past the end) is shown on the nearest ancestor that exists, the same way.
 * `exact` says whether the field itself was found.
 */
export function rangeOfPath(
  root: JsonNode | null,
  path: readonly PathSegment[],
): (TextRange & { exact: boolean }) | null {
  if (root === null) return null;
  let node: JsonNode = root;
  let prop: JsonProperty | null = null;
  let depth = 0;
  for (const seg of path) {
    const c = childOf(node, seg);
    if (c === null) break;
    if (c.value === null) {
      // A field with a name but no value yet: its name.
      return c.prop === null
        ? null
        : { from: c.prop.keyFrom, to: c.prop.keyTo, exact: depth + 1 === path.length };
    }
    node = c.value;
    prop = c.prop;
    depth++;
  }
  const exact = depth === path.length;
  if (node.kind === 'scalar') return { from: node.from, to: node.to, exact };
  if (prop !== null) return { from: prop.keyFrom, to: prop.keyTo, exact };
  return { from: node.from, to: node.from + 1, exact };
}

/** What the cursor is on, for completion and hover. */
export type CursorContext =
  | {
      /** A field name of the object at `path` (being typed, or where one can be typed). */
      readonly kind: 'key';
      readonly path: PathSegment[];
      readonly object: JsonObject;
      /** The text a completion replaces: the name being typed, quotes included (empty at a gap). */
      readonly from: number;
      readonly to: number;
      /** The name typed so far (unquoted). */
      readonly typed: string;
      /** Whether a `:` already follows the name (a completion then inserts the name only). */
      readonly hasColon: boolean;
    }
  | {
      /** The value of the field or array item at `path`. */
      readonly kind: 'value';
      readonly path: PathSegment[];
      readonly from: number;
      readonly to: number;
      readonly typed: string;
    };

/** The container chain from the root down to the innermost object or array holding `pos`. */
function containersAt(root: JsonNode, pos: number): { node: JsonObject | JsonArray; path: PathSegment[] }[] {
  const out: { node: JsonObject | JsonArray; path: PathSegment[] }[] = [];
  const inside = (n: JsonNode): boolean =>
    n.kind !== 'scalar' && n.from < pos && (pos < n.to || (!n.closed && pos <= n.to));
  if (!inside(root)) return out;
  let node = root as JsonObject | JsonArray;
  let path: PathSegment[] = [];
  for (;;) {
    out.push({ node, path });
    let next: { node: JsonObject | JsonArray; seg: PathSegment } | null = null;
    if (node.kind === 'object') {
      for (const p of node.props) {
        if (p.value !== null && inside(p.value))
          next = { node: p.value as JsonObject | JsonArray, seg: p.key };
      }
    } else {
      node.items.forEach((v, i) => {
        if (inside(v)) next = { node: v as JsonObject | JsonArray, seg: i };
      });
    }
    if (next === null) return out;
    const chosen: { node: JsonObject | JsonArray; seg: PathSegment } = next;
    node = chosen.node;
    path = [...path, chosen.seg];
  }
}

/**
 * What is at `pos` in `text` (read as `root`): a field name or a value, with its path. Null
 * outside any object or array, or where nothing can be completed (e.g. on a bracket).
 */
export function contextAt(text: string, root: JsonNode | null, pos: number): CursorContext | null {
  if (root === null) return null;
  const chain = containersAt(root, pos);
  const inner = chain[chain.length - 1];
  if (inner === undefined) return null;
  const { node, path } = inner;
  /** What is typed of the token at [from, end) up to the cursor (all of it, at its end). */
  const typedOf = (from: number, end: number, whole: () => string): string => {
    if (pos >= end) return whole();
    const raw = text.slice(from, pos);
    return raw.startsWith('"') ? unquote(raw, false) : raw;
  };
  const scalarText = (v: JsonScalar): string =>
    typeof v.value === 'string' ? v.value : text.slice(v.from, v.to);
  if (node.kind === 'array') {
    let index = 0;
    for (const [i, v] of node.items.entries()) {
      if (v.kind === 'scalar' && v.from <= pos && pos <= v.to) {
        return {
          kind: 'value',
          path: [...path, i],
          from: v.from,
          to: v.to,
          typed: typedOf(v.from, v.to, () => scalarText(v)),
        };
      }
      if (v.to <= pos) index = i + 1;
    }
    return { kind: 'value', path: [...path, index], from: pos, to: pos, typed: '' };
  }
  for (const p of node.props) {
    if (p.keyFrom <= pos && pos <= p.keyTo) {
      // On a name: with the cursor inside it or right after it.
      return {
        kind: 'key',
        path,
        object: node,
        from: p.keyFrom,
        to: p.keyTo,
        typed: typedOf(p.keyFrom, p.keyTo, () => p.key),
        hasColon: p.colon !== null,
      };
    }
    if (p.colon !== null && p.colon < pos && pos <= p.to) {
      const v = p.value;
      if (v === null || pos <= v.from)
        return { kind: 'value', path: [...path, p.key], from: pos, to: pos, typed: '' };
      if (v.kind === 'scalar' && pos <= v.to) {
        return {
          kind: 'value',
          path: [...path, p.key],
          from: v.from,
          to: v.to,
          typed: typedOf(v.from, v.to, () => scalarText(v)),
        };
      }
      return null;
    }
  }
  return { kind: 'key', path, object: node, from: pos, to: pos, typed: '', hasColon: false };
}

/** The field name at `pos` and the path of its value, for hover; null when `pos` is not on a name. */
export function keyAt(
  root: JsonNode | null,
  pos: number,
): { path: PathSegment[]; from: number; to: number } | null {
  let node = root;
  const path: PathSegment[] = [];
  while (node !== null) {
    let next: JsonNode | null = null;
    if (node.kind === 'object') {
      for (const p of node.props) {
        if (p.keyFrom <= pos && pos < p.keyTo)
          return { path: [...path, p.key], from: p.keyFrom, to: p.keyTo };
        if (p.value !== null && p.value.from <= pos && pos < p.value.to) {
          next = p.value;
          path.push(p.key);
          break;
        }
      }
    } else if (node.kind === 'array') {
      const i = node.items.findIndex((v) => v.from <= pos && pos < v.to);
      if (i >= 0) {
        next = node.items[i] ?? null;
        path.push(i);
      }
    }
    node = next;
  }
  return null;
}

/**
 * The field whose name or (scalar) value is at `pos`, or the array item (scalar) there: its path
 * and the range of its name (of the item, for an item). For the editor's keyboard help.
 */
export function fieldAt(
  root: JsonNode | null,
  pos: number,
): { path: PathSegment[]; from: number; to: number } | null {
  let node = root;
  const path: PathSegment[] = [];
  while (node !== null) {
    let next: JsonNode | null = null;
    if (node.kind === 'object') {
      for (const p of node.props) {
        const v = p.value;
        if (p.keyFrom <= pos && pos <= p.keyTo)
          return { path: [...path, p.key], from: p.keyFrom, to: p.keyTo };
        if (v?.kind === 'scalar' && v.from <= pos && pos <= v.to) {
          return { path: [...path, p.key], from: p.keyFrom, to: p.keyTo };
        }
        if (v !== null && v.kind !== 'scalar' && v.from < pos && pos < v.to) {
          next = v;
          path.push(p.key);
          break;
        }
      }
    } else if (node.kind === 'array') {
      for (const [i, v] of node.items.entries()) {
        if (v.kind === 'scalar' && v.from <= pos && pos <= v.to)
          return { path: [...path, i], from: v.from, to: v.to };
        if (v.kind !== 'scalar' && v.from < pos && pos < v.to) {
          next = v;
          path.push(i);
          break;
        }
      }
    }
    node = next;
  }
  return null;
}
