/**
 * Build-time index of the model's TypeScript source (packages/model/src), so the stepper can show
 * the model function a trace event happened in with the line that produced it.
 *
 * It parses the model files with the TypeScript compiler API (syntax only, no type checking) and,
 * for every MIRRORED_FUNCTIONS entry, finds the function in the model file the table names
 * (`model`): a function declaration or `const` of that name, or else the function that wraps a
 * `call(w, '<name>', …)` / `callT` / `rmi(w, '<name>', …)`. Inside each function it records
 *
 * - the declaration line and the closing line (fn_enter / fn_return),
 * - every `decide(w, '<fn>', what)` and `WARN_ON*(w, '<fn>', cond)`, with a pattern built from the
 *   `what`/`cond` expression (literal text, `.*` for the parts computed at run time) so a
 *   decision event can be matched to the site that wrote it,
 * - every call of another mirrored function or RMI command (`gmem_abort(w, …)`,
 *   `RMI_RTT_DATA_MAP(w, …)`, or an inline `call(w, '<callee>', …)`).
 *
 * decide() sites naming a function that is not in the table (the engine's `interleave`, the RMM's
 * `rmm_rec_enter`) get the TypeScript function around them as their slice; when one name is
 * used in several functions (the engine and mmu.ts both decide for `interleave`), each gets a
 * slice and `scopes` lists them. The index is plain
 * JSON (see {@link SourceIndex}); matching events to lines is src/stepper/locate.ts, which runs
 * in Node and in the browser.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { MIRRORED_FUNCTIONS } from '@realmfault/model';
import type { SourceIndex, SourceSite, SourceSlice } from './types';

/**
 * The model package: next to this file in the source tree; from the working directory (the
 * repository root, where Astro and Vitest run) once the build has bundled this module elsewhere.
 */
const MODEL_ROOT = ((): string => {
  const here = fileURLToPath(new URL('../../packages/model/', import.meta.url));
  if (existsSync(`${here}src/index.ts`)) return here;
  const cwd = join(process.cwd(), 'packages/model/');
  if (existsSync(`${cwd}src/index.ts`)) return cwd;
  throw new Error(`source index: packages/model/src not found from ${here} or ${cwd}`);
})();

/** The wrappers that open a traced function (first argument w, second its C name). */
const WRAPPERS = new Set(['call', 'callT', 'rmi']);
/** The calls that record a decision or warning (second argument the function's C name). */
const SITE_KINDS: Readonly<Record<string, SourceSite['kind']>> = {
  decide: 'decide',
  WARN_ON: 'warn',
  WARN_ON_ONCE: 'warn',
};

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A regular expression (source text, anchored) for the strings `expr` can evaluate to: literal
 * text kept, anything computed replaced by `.*`.
 */
export function patternOf(expr: ts.Expression): string {
  const inner = (e: ts.Expression): string => {
    if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return escapeRe(e.text);
    if (ts.isTemplateExpression(e)) {
      return escapeRe(e.head.text) + e.templateSpans.map((s) => `.*${escapeRe(s.literal.text)}`).join('');
    }
    if (ts.isParenthesizedExpression(e)) return inner(e.expression);
    if (ts.isArrowFunction(e) && !ts.isBlock(e.body)) return inner(e.body);
    if (ts.isConditionalExpression(e)) return `(?:${inner(e.whenTrue)}|${inner(e.whenFalse)})`;
    if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      return inner(e.left) + inner(e.right);
    }
    return '.*';
  };
  return `^${inner(expr)}$`;
}

interface FunctionNode {
  readonly name: string;
  readonly node: ts.Node;
  readonly body: ts.Node;
}

/** Named functions of a file: declarations and `const name = (…) => …` / `function`. */
function namedFunctions(sf: ts.SourceFile): FunctionNode[] {
  const out: FunctionNode[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isFunctionDeclaration(n) && n.name && n.body) {
      out.push({ name: n.name.text, node: n, body: n.body });
    } else if (ts.isVariableStatement(n)) {
      for (const d of n.declarationList.declarations) {
        const init = d.initializer;
        if (ts.isIdentifier(d.name) && init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) {
          out.push({ name: d.name.text, node: n, body: init.body });
        }
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

const lineOf = (sf: ts.SourceFile, pos: number): number => sf.getLineAndCharacterOfPosition(pos).line + 1;

/** The innermost named function around `node` in `fns` (by position). */
function enclosing(fns: readonly FunctionNode[], node: ts.Node): FunctionNode | undefined {
  let best: FunctionNode | undefined;
  for (const f of fns) {
    if (f.node.pos <= node.pos && node.end <= f.node.end) {
      if (best === undefined || f.node.end - f.node.pos < best.node.end - best.node.pos) best = f;
    }
  }
  return best;
}

/**
 * The names a function argument of `decide(w, fn, …)` / `call(w, fn, …)` can take: a literal, both
 * arms of a conditional, or a `const fn = …` of those in `scope`.
 */
function fnNames(arg: ts.Expression | undefined, scope: ts.Node | undefined): string[] {
  if (arg === undefined) return [];
  if (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg)) return [arg.text];
  if (ts.isParenthesizedExpression(arg)) return fnNames(arg.expression, scope);
  if (ts.isConditionalExpression(arg))
    return [...fnNames(arg.whenTrue, scope), ...fnNames(arg.whenFalse, scope)];
  if (ts.isIdentifier(arg) && scope !== undefined) {
    let found: string[] = [];
    const visit = (n: ts.Node): void => {
      if (
        ts.isVariableDeclaration(n) &&
        ts.isIdentifier(n.name) &&
        n.name.text === arg.text &&
        n.initializer
      ) {
        found = fnNames(n.initializer, undefined);
      }
      ts.forEachChild(n, visit);
    };
    visit(scope);
    return found;
  }
  return [];
}

const calleeName = (c: ts.CallExpression): string | null =>
  ts.isIdentifier(c.expression) ? c.expression.text : null;

interface ParsedFile {
  readonly sf: ts.SourceFile;
  readonly fns: FunctionNode[];
  readonly calls: ts.CallExpression[];
}

function parseFile(rel: string): ParsedFile {
  const text = readFileSync(`${MODEL_ROOT}${rel}`, 'utf8');
  const sf = ts.createSourceFile(rel, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const calls: ts.CallExpression[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n)) calls.push(n);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return { sf, fns: namedFunctions(sf), calls };
}

/**
 * Build the index over the model's sources. Throws, naming the function, when a mirrored function
 * cannot be found in its model file (the table and the code disagree).
 */
export function buildSourceIndex(): SourceIndex {
  const files = new Map<string, ParsedFile>();
  const file = (rel: string): ParsedFile => {
    let p = files.get(rel);
    if (p === undefined) {
      p = parseFile(rel);
      files.set(rel, p);
    }
    return p;
  };
  const mirrored = new Set(MIRRORED_FUNCTIONS.map((f) => f.name));
  const slices: Record<string, SourceSlice> = {};
  /** Names used by decide() outside the table → the keys of their slices (several TS functions). */
  const scopes: Record<string, string[]> = {};

  /**
   * The RMI commands a file's unmirrored helper issues itself (realm_rtt_create() issuing
   * RMI_RTT_CREATE): a call of the helper is where the calling function issues the command.
   */
  const helperCommands = new Map<string, ReadonlyMap<string, readonly string[]>>();
  const commandsOfHelpers = (rel: string): ReadonlyMap<string, readonly string[]> => {
    let m = helperCommands.get(rel);
    if (m === undefined) {
      const p = file(rel);
      const built = new Map<string, string[]>();
      for (const h of p.fns) {
        if (mirrored.has(h.name)) continue;
        const cmds = p.calls
          .filter((c) => c.pos >= h.node.pos && c.end <= h.node.end)
          .map(calleeName)
          .filter((n): n is string => n !== null && n.startsWith('RMI_') && mirrored.has(n));
        if (cmds.length > 0) built.set(h.name, [...new Set(cmds)]);
      }
      m = built;
      helperCommands.set(rel, m);
    }
    return m;
  };

  const sliceFor = (name: string, rel: string, fn: FunctionNode, cFile: string | null): SourceSlice => {
    const { sf, calls } = file(rel);
    const start = lineOf(sf, fn.node.getStart(sf, true));
    const decl = lineOf(sf, fn.node.getStart(sf, false));
    const end = lineOf(sf, fn.node.end);
    const lines = sf.text.split('\n').slice(start - 1, end);
    const sites: SourceSite[] = [];
    for (const c of calls) {
      if (c.pos < fn.node.pos || c.end > fn.node.end) continue;
      const callee = calleeName(c);
      if (callee === null) continue;
      const line = lineOf(sf, c.getStart(sf));
      const kind = SITE_KINDS[callee];
      if (kind !== undefined) {
        const named = fnNames(c.arguments[1], enclosing(file(rel).fns, c)?.node);
        const text = c.arguments[2];
        const pattern = text === undefined ? '^.*$' : patternOf(text);
        for (const n of named.length > 0 ? named : [name]) sites.push({ kind, line, fn: n, pattern });
      } else if (WRAPPERS.has(callee)) {
        for (const inner of fnNames(c.arguments[1], enclosing(file(rel).fns, c)?.node)) {
          if (inner !== name && mirrored.has(inner)) sites.push({ kind: 'call', line, fn: inner });
        }
      } else if (mirrored.has(callee) && callee !== name) {
        sites.push({ kind: 'call', line, fn: callee });
      } else if (!mirrored.has(callee)) {
        for (const cmd of commandsOfHelpers(rel).get(callee) ?? [])
          sites.push({ kind: 'call', line, fn: cmd });
      }
    }
    sites.sort((a, b) => a.line - b.line);
    return { name, model: `packages/model/${rel}`, cFile, start, decl, end, lines, sites };
  };

  for (const f of MIRRORED_FUNCTIONS) {
    const rel = f.model;
    const p = file(rel);
    let fn = p.fns.find((x) => x.name === f.name);
    if (fn === undefined) {
      const wrap = p.calls.find(
        (c) =>
          WRAPPERS.has(calleeName(c) ?? '') &&
          fnNames(c.arguments[1], enclosing(p.fns, c)?.node).includes(f.name),
      );
      fn = wrap === undefined ? undefined : enclosing(p.fns, wrap);
    }
    if (fn === undefined) {
      throw new Error(`source index: ${f.name} (MIRRORED_FUNCTIONS) not found in packages/model/${rel}`);
    }
    slices[f.name] = sliceFor(f.name, rel, fn, f.file);
  }

  // decide()/WARN_ON sites naming something that is not a mirrored function: the TS function
  // around them becomes that name's slice (all model files are scanned for them). A site naming a
  // mirrored function from outside that function's own slice (a helper deciding for its caller)
  // adds the helper as another scope of the name, after the function's own slice.
  for (const rel of modelFiles()) {
    const p = file(rel);
    for (const c of p.calls) {
      const callee = calleeName(c);
      if (callee === null || SITE_KINDS[callee] === undefined) continue;
      const around = enclosing(p.fns, c);
      if (around === undefined) continue;
      for (const named of fnNames(c.arguments[1], around.node)) {
        const own = mirrored.has(named) ? slices[named] : undefined;
        if (mirrored.has(named)) {
          const line = lineOf(p.sf, c.getStart(p.sf));
          const inside =
            own !== undefined &&
            own.model === `packages/model/${rel}` &&
            line >= own.start &&
            line <= own.end;
          if (inside) continue;
        }
        const slice = sliceFor(named, rel, around, null);
        const keys = (scopes[named] ??= own === undefined ? [] : [named]);
        const same = (k: string): boolean => {
          const other: SourceSlice | undefined = slices[k];
          return other !== undefined && other.model === slice.model && other.start === slice.start;
        };
        if (keys.some(same)) continue;
        const key = keys.length === 0 ? named : `${named}@${rel}:${String(slice.start)}`;
        keys.push(key);
        slices[key] = slice;
      }
    }
  }
  return { slices, scopes };
}

/** The model's source files, relative to packages/model. */
function modelFiles(): string[] {
  return readdirSync(`${MODEL_ROOT}src`, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => `src/${f.split(sep).join('/')}`)
    .sort();
}

let cached: SourceIndex | undefined;

/** The index, built once per process (the build renders several steppers). */
export function sourceIndex(): SourceIndex {
  cached ??= buildSourceIndex();
  return cached;
}
