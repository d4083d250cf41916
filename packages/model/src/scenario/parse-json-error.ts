/**
 * Where is the JSON syntax error? JSON.parse does not always say (V8 reports some errors with a
 * source snippet but no position), so on failure the parser rescans the text with this small,
 * non-recursive checker to report a line and column. It runs only on text JSON.parse rejected.
 */

export interface JsonSyntaxProblem {
  /** Offset in the text (UTF-16 code units). */
  readonly offset: number;
  readonly line: number;
  readonly column: number;
  /** What was wrong, e.g. `unexpected ','; expected a value`. */
  readonly message: string;
}

type State = 'value' | 'value_or_end' | 'key' | 'key_or_end' | 'colon' | 'after_value';

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = '"\\/bfnrt';

function show(c: string): string {
  return /^[\x21-\x7e]$/.test(c)
    ? `'${c}'`
    : `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The first syntax error in `text`, or null if it is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxProblem | null {
  const stack: ('{' | '[')[] = [];
  let state: State = 'value';
  let i = 0;
  const n = text.length;
  const fail = (offset: number, message: string): JsonSyntaxProblem => {
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    return { offset, line, column: offset - before.lastIndexOf('\n'), message };
  };
  /** Scan a string starting at text[i] === '"'; returns the offset after it, or a problem. */
  const scanString = (): number | JsonSyntaxProblem => {
    let j = i + 1;
    for (;;) {
      if (j >= n) return fail(n, 'unterminated string');
      const c = text.charCodeAt(j);
      if (c === 0x22) return j + 1;
      if (c < 0x20) return fail(j, `control character ${show(text[j] ?? '')} in a string`);
      if (c === 0x5c) {
        const e = text[j + 1] ?? '';
        if (ESCAPES.includes(e) && e !== '') j += 2;
        else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(j + 2, j + 6))) j += 6;
        else return fail(j, 'bad escape in a string');
      } else {
        j++;
      }
    }
  };
  for (;;) {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
    if (i >= n) {
      return state === 'after_value' && stack.length === 0 ? null : fail(n, 'unexpected end of input');
    }
    const c = text[i] ?? '';
    const top = stack[stack.length - 1];
    switch (state) {
      case 'value':
      case 'value_or_end': {
        if (state === 'value_or_end' && c === ']') {
          stack.pop();
          i++;
          state = 'after_value';
          break;
        }
        if (c === '{') {
          stack.push('{');
          i++;
          state = 'key_or_end';
        } else if (c === '[') {
          stack.push('[');
          i++;
          state = 'value_or_end';
        } else if (c === '"') {
          const r = scanString();
          if (typeof r !== 'number') return r;
          i = r;
          state = 'after_value';
        } else if (text.startsWith('true', i) || text.startsWith('null', i)) {
          i += 4;
          state = 'after_value';
        } else if (text.startsWith('false', i)) {
          i += 5;
          state = 'after_value';
        } else {
          NUMBER.lastIndex = i;
          if (!NUMBER.test(text)) return fail(i, `unexpected ${show(c)}; expected a value`);
          i = NUMBER.lastIndex;
          state = 'after_value';
        }
        break;
      }
      case 'key':
      case 'key_or_end': {
        if (state === 'key_or_end' && c === '}') {
          stack.pop();
          i++;
          state = 'after_value';
          break;
        }
        if (c !== '"') return fail(i, `unexpected ${show(c)}; expected a "quoted" field name`);
        const r = scanString();
        if (typeof r !== 'number') return r;
        i = r;
        state = 'colon';
        break;
      }
      case 'colon':
        if (c !== ':') return fail(i, `unexpected ${show(c)}; expected ':'`);
        i++;
        state = 'value';
        break;
      case 'after_value':
        if (top === undefined) return fail(i, `unexpected ${show(c)} after the JSON value`);
        if (c === ',') {
          i++;
          state = top === '{' ? 'key' : 'value';
        } else if (c === (top === '{' ? '}' : ']')) {
          stack.pop();
          i++;
        } else {
          return fail(i, `unexpected ${show(c)}; expected ',' or '${top === '{' ? '}' : ']'}'`);
        }
        break;
    }
  }
}

/**
 * Where `text` first nests brackets deeper than `max`, or null. A linear scan that skips string
 * contents; it lets the parser refuse absurd nesting before JSON.parse spends seconds on it.
 */
export function findJsonDepthExcess(text: string, max: number): JsonSyntaxProblem | null {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) {
        const before = text.slice(0, i);
        const line = before.split('\n').length;
        return {
          offset: i,
          line,
          column: i - before.lastIndexOf('\n'),
          message: `nesting deeper than ${max}`,
        };
      }
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return null;
}
