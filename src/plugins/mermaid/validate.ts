/**
 * A strict checker for the Mermaid subset that the build-time renderer (beautiful-mermaid) draws
 * faithfully. beautiful-mermaid parses line by line and silently skips lines it does not
 * understand (a `click` handler, an `autonumber`, a message without a label), so a typo would
 * vanish from the page without a word. This checker runs first and rejects anything the renderer
 * would drop or misdraw, naming the line: authoring errors fail the build (design.md §4), they
 * never fall back to client-side Mermaid.
 */

/** A Mermaid error at a line of the diagram source (1-based, counting the header line as 1). */
export class MermaidSyntaxError extends Error {
  constructor(
    message: string,
    /** 1-based line inside the diagram source. */
    readonly line: number,
  ) {
    super(message);
    this.name = 'MermaidSyntaxError';
  }
}

export type DiagramKind = 'flowchart' | 'sequence';

/** One meaningful line of the source, with its 1-based line number. */
export interface SourceLine {
  readonly text: string;
  readonly line: number;
}

/** What the checker extracts besides "it is valid". */
export interface CheckedDiagram {
  readonly kind: DiagramKind;
  /** `accTitle:` or `title` line, if any. */
  readonly title: string | undefined;
  /** `accDescr:` line, if any. */
  readonly description: string | undefined;
  /** The source to hand to the renderer: accessibility lines removed, trailing `;` dropped. */
  readonly renderSource: string;
}

const ID = String.raw`[A-Za-z0-9_][\w-]*`;
const DIRECTION = /^(TD|TB|LR|BT|RL)$/i;
/** Node shapes beautiful-mermaid draws, most specific delimiters first (as its parser tries them). */
const SHAPES: readonly (readonly [open: string, close: string])[] = [
  ['(((', ')))'],
  ['([', '])'],
  ['((', '))'],
  ['[[', ']]'],
  ['[(', ')]'],
  ['[/', '\\]'],
  ['[\\', '/]'],
  ['{{', '}}'],
  ['>', ']'],
  ['[', ']'],
  ['(', ')'],
  ['{', '}'],
];
/** Arrows beautiful-mermaid draws; anything else (`--->`, `--x`, `~~~`) is rejected. */
const ARROWS = ['<-->', '<-.->', '<==>', '-->', '---', '-.->', '-.-', '==>', '==='] as const;
const TEXT_ARROW = /^(<)?(--|-\.|==)\s+(.+?)\s+(-->|---|\.->|-\.-|==>|===)/;

/** Split the source into non-empty, non-comment lines, keeping their line numbers. */
function meaningfulLines(source: string): SourceLine[] {
  const lines = source.split('\n').map((raw, i) => ({ text: raw.trim(), line: i + 1 }));
  const directive = lines.find((l) => l.text.startsWith('%%{'));
  if (directive) {
    // The renderer would skip it as a comment; colours and fonts come from the site's theme.
    throw new MermaidSyntaxError(
      '%%{init}%% directives are not supported: the site theme styles diagrams',
      directive.line,
    );
  }
  return lines.filter((l) => l.text.length > 0 && !l.text.startsWith('%%'));
}

/** Check a diagram's source; throws MermaidSyntaxError naming the first bad line. */
export function checkMermaid(source: string): CheckedDiagram {
  const lines = meaningfulLines(source);
  const header = lines[0];
  if (!header) throw new MermaidSyntaxError('empty diagram', 1);
  let title: string | undefined;
  let description: string | undefined;
  const body: SourceLine[] = [];
  for (const l of lines.slice(1)) {
    const acc = /^(accTitle|accDescr)\s*:\s*(.*)$/.exec(l.text);
    if (acc) {
      const value = (acc[2] ?? '').trim();
      if (!value) throw new MermaidSyntaxError(`${acc[1] ?? ''} needs a value`, l.line);
      if (acc[1] === 'accTitle') title = value;
      else description = value;
      continue;
    }
    if (/^accDescr\s*\{/.test(l.text)) {
      throw new MermaidSyntaxError(
        'multi-line accDescr { … } is not supported; use one accDescr: line',
        l.line,
      );
    }
    const t = /^title\s+(.+)$/.exec(l.text);
    if (t) {
      title ??= (t[1] ?? '').trim();
      continue;
    }
    body.push({ text: l.text.replace(/;$/, '').trim(), line: l.line });
  }
  let kind: DiagramKind;
  const flow = /^(graph|flowchart)(?:\s+(\S+))?$/i.exec(header.text);
  if (flow) {
    const dir = flow[2];
    if (dir === undefined || !DIRECTION.test(dir)) {
      throw new MermaidSyntaxError(
        `"${header.text}" needs a direction: TD, TB, LR, BT or RL (e.g. "flowchart TD")`,
        header.line,
      );
    }
    kind = 'flowchart';
    checkFlowchart(body);
  } else if (/^sequenceDiagram$/.test(header.text)) {
    kind = 'sequence';
    checkSequence(body);
  } else {
    throw new MermaidSyntaxError(
      `unsupported diagram type "${header.text.split(/\s/)[0] ?? ''}": the build-time renderer draws ` +
        '"flowchart <dir>" / "graph <dir>" and "sequenceDiagram"',
      header.line,
    );
  }
  const renderSource = [header.text, ...body.map((l) => l.text)].join('\n');
  return { kind, title, description, renderSource };
}

/** Consume one node reference (`id`, `id[label]`, `id:::class`) from the start of `text`. */
function consumeNode(text: string, line: number): string | null {
  const idMatch = new RegExp(`^${ID}`).exec(text);
  if (!idMatch) return null;
  let rest = text.slice(idMatch[0].length);
  for (const [open, close] of SHAPES) {
    if (!rest.startsWith(open)) continue;
    const end = rest.indexOf(close, open.length);
    if (end < 0)
      throw new MermaidSyntaxError(`node "${idMatch[0]}": "${open}" is not closed by "${close}"`, line);
    const label = rest.slice(open.length, end);
    if (!label.trim()) throw new MermaidSyntaxError(`node "${idMatch[0]}" has an empty label`, line);
    if (/^"/.test(label) !== /"$/.test(label)) {
      throw new MermaidSyntaxError(`node "${idMatch[0]}": unbalanced quotes in label ${label}`, line);
    }
    rest = rest.slice(end + close.length);
    break;
  }
  const cls = /^:::[A-Za-z_][\w-]*/.exec(rest);
  if (cls) rest = rest.slice(cls[0].length);
  return rest.trimStart();
}

/** Consume `node (& node)*`. */
function consumeGroup(text: string, line: number): string | null {
  let rest = consumeNode(text, line);
  if (rest === null) return null;
  while (rest.startsWith('&')) {
    const next = consumeNode(rest.slice(1).trimStart(), line);
    if (next === null) throw new MermaidSyntaxError(`expected a node after "&"`, line);
    rest = next;
  }
  return rest;
}

/** Consume one arrow (with an optional `|label|` or `-- label -->` text) from the start of `text`. */
function consumeArrow(text: string, line: number): string | null {
  const textArrow = TEXT_ARROW.exec(text);
  if (textArrow) return text.slice(textArrow[0].length).trimStart();
  const arrow = ARROWS.find((a) => text.startsWith(a));
  if (!arrow) return null;
  let rest = text.slice(arrow.length);
  if (/^[-=.>ox]/.test(rest)) {
    throw new MermaidSyntaxError(
      `arrow "${arrow}${rest.slice(0, 2)}…" is not drawn by the build-time renderer; use one of ${ARROWS.join(' ')}`,
      line,
    );
  }
  if (rest.startsWith('|')) {
    const end = rest.indexOf('|', 1);
    if (end < 0) throw new MermaidSyntaxError('edge label "|…" is not closed by "|"', line);
    rest = rest.slice(end + 1);
  }
  return rest.trimStart();
}

function checkFlowchart(body: readonly SourceLine[]): void {
  let depth = 0;
  for (const { text, line } of body) {
    if (/^classDef\s+\w+\s+\S/.test(text)) continue;
    if (/^class\s+[\w,-]+\s+\w+$/.test(text)) continue;
    if (/^style\s+[\w,-]+\s+\S/.test(text)) continue;
    if (/^linkStyle\s+(default|[\d,\s]+)\s+\S/.test(text)) continue;
    if (/^direction\s+\S+$/.test(text)) {
      if (depth === 0) throw new MermaidSyntaxError('"direction" is only allowed inside a subgraph', line);
      if (!DIRECTION.test(text.split(/\s+/)[1] ?? '')) {
        throw new MermaidSyntaxError(`bad direction in "${text}": use TD, TB, LR, BT or RL`, line);
      }
      continue;
    }
    if (/^subgraph(\s|$)/.test(text)) {
      if (!/^subgraph\s+\S/.test(text)) throw new MermaidSyntaxError('subgraph needs an id or a label', line);
      depth++;
      continue;
    }
    if (text === 'end') {
      if (depth === 0) throw new MermaidSyntaxError('"end" without an open subgraph', line);
      depth--;
      continue;
    }
    const keyword = /^(click|callback|call|href|interpolate)\b/.exec(text);
    if (keyword) {
      throw new MermaidSyntaxError(
        `"${keyword[1] ?? ''}" is not supported: diagrams are static SVG built at build time`,
        line,
      );
    }
    let rest = consumeGroup(text, line);
    if (rest === null) throw new MermaidSyntaxError(`expected a node id at "${text}"`, line);
    while (rest.length > 0) {
      const afterArrow = consumeArrow(rest, line);
      if (afterArrow === null) throw new MermaidSyntaxError(`unexpected "${rest}"`, line);
      const afterNode = consumeGroup(afterArrow, line);
      if (afterNode === null) {
        throw new MermaidSyntaxError(
          `expected a node after the arrow, found "${afterArrow || 'end of line'}"`,
          line,
        );
      }
      rest = afterNode;
    }
  }
  if (depth > 0) {
    throw new MermaidSyntaxError('subgraph not closed by "end"', body[body.length - 1]?.line ?? 1);
  }
}

const SEQ_ARROW = String.raw`(-->>|->>|--\)|-\)|--x|-x|-->|->)`;
/** A sequence message: from, arrow, activation mark, to, text. */
export const SEQUENCE_MESSAGE = new RegExp(
  String.raw`^([^\s:+-][^\s:]*?)\s*${SEQ_ARROW}\s*([+-]?)([^\s:]+)\s*:\s*(\S.*)$`,
);

function checkSequence(body: readonly SourceLine[]): void {
  const blocks: { kind: string; line: number }[] = [];
  for (const { text, line } of body) {
    if (/^(participant|actor)\s+\S+(\s+as\s+\S.*)?$/.test(text)) continue;
    if (/^Note\s+(left of|right of|over)\s+[^:]+:\s*\S/i.test(text)) continue;
    const block = /^(loop|alt|opt|par|critical|break|rect)(\s|$)/.exec(text);
    if (block) {
      blocks.push({ kind: block[1] ?? '', line });
      continue;
    }
    const divider = /^(else|and)(\s|$)/.exec(text);
    if (divider) {
      const open = blocks[blocks.length - 1];
      const expected = divider[1] === 'else' ? ['alt', 'critical'] : ['par'];
      if (!open || !expected.includes(open.kind)) {
        throw new MermaidSyntaxError(`"${divider[1] ?? ''}" outside a ${expected.join('/')} block`, line);
      }
      continue;
    }
    if (text === 'end') {
      if (!blocks.pop()) throw new MermaidSyntaxError('"end" without an open block', line);
      continue;
    }
    const unsupported =
      /^(autonumber|activate|deactivate|box|create|destroy|links?|properties|details)\b/.exec(text);
    if (unsupported) {
      throw new MermaidSyntaxError(`"${unsupported[1] ?? ''}" is not drawn by the build-time renderer`, line);
    }
    const message = SEQUENCE_MESSAGE.exec(text);
    if (message) {
      if (message[3]) {
        throw new MermaidSyntaxError(
          `activation mark "${message[3]}" is not drawn by the build-time renderer; remove it`,
          line,
        );
      }
      continue;
    }
    if (new RegExp(SEQ_ARROW).test(text)) {
      throw new MermaidSyntaxError(
        `message "${text}" needs the form "From->>To: text" (the text is required)`,
        line,
      );
    }
    throw new MermaidSyntaxError(`unexpected "${text}"`, line);
  }
  const open = blocks[blocks.length - 1];
  if (open) throw new MermaidSyntaxError(`"${open.kind}" block not closed by "end"`, open.line);
}
