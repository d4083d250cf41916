/**
 * The playground's scenario editor: CodeMirror 6 with JSON highlighting, completion and hover
 * docs from the scenario schema (packages/model/scenario.schema.json, read by ./schema-help.ts)
 * and inline diagnostics from the model's own parser, which runs in the playground's worker (a
 * check request; ./diagnostics.ts puts each error on the field it names). The playground's
 * client (./client.ts) loads this module, as a standalone bundle (src/lazy-module.ts), when the
 * plain textarea is first focused or touched, and puts the editor in its place.
 *
 * Like the snippet editor (src/snippets/client/editor.ts), it lives in an open shadow root, where
 * CodeMirror's styles are constructed style sheets, which the page's CSP allows (style-src has
 * only hashes). Colours are Starlight's variables, so it follows the light and dark themes.
 *
 * Keyboard: Tab and Shift+Tab move focus, as in the textarea (Enter indents the new line). Ctrl+Space
 * lists the fields or values that fit at the cursor, each with its schema description; F8 moves
 * to the next problem; Ctrl+Shift+Space shows the description of the field under the cursor (as
 * hovering its name does) and the problem there. (CodeMirror's Ctrl+Shift+M, the list of
 * problems, stays bound, but Chrome keeps that key for itself.)
 */
import {
  autocompletion,
  closeBrackets,
  closeBracketsKeymap,
  completionKeymap,
  insertCompletionText,
  pickedCompletion,
  type Completion,
  type CompletionContext,
  type CompletionResult,
} from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { json } from '@codemirror/lang-json';
import { bracketMatching, HighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { forEachDiagnostic, linter, lintGutter, lintKeymap, type Diagnostic } from '@codemirror/lint';
import { EditorState, StateEffect, StateField } from '@codemirror/state';
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  hoverTooltip,
  keymap,
  lineNumbers,
  showTooltip,
  type Tooltip,
} from '@codemirror/view';
import { tags } from '@lezer/highlight';
import schemaJson from '../../packages/model/scenario.schema.json';
import { provideModule } from '../lazy-module';
import { locateProblem } from './diagnostics';
import { contextAt, fieldAt, keyAt, readJson } from './json-doc';
import type { CheckReply } from './protocol';
import { describeField, fieldCandidates, valueCandidates, type FieldInfo, type Schema } from './schema-help';

const SCHEMA = schemaJson as Schema;

export interface ScenarioEditorOptions {
  /** The accessible name of the editing area. */
  readonly label: string;
  /** The text and selection to start with (the textarea's). */
  readonly doc: string;
  readonly selection?: { readonly anchor: number; readonly head: number };
  /** Validate with the model's parser; null when the check could not be made (no diagnostics then). */
  readonly check: (json: string) => Promise<CheckReply | null>;
  /** Called after each change of the text by the reader. */
  readonly onChange: () => void;
}

export interface ScenarioEditor {
  getValue(): string;
  setValue(text: string): void;
  /** Mark the editing area invalid (aria-invalid) after a run the parser refused. */
  setInvalid(invalid: boolean): void;
  focus(): void;
  destroy(): void;
  readonly view: EditorView;
}

const highlight = HighlightStyle.define([
  { tag: tags.propertyName, color: 'var(--sl-color-blue-high)' },
  { tag: tags.string, color: 'var(--sl-color-green-high)' },
  { tag: [tags.number, tags.bool, tags.null], color: 'var(--sl-color-orange-high)' },
]);

/** Starlight's colours throughout, including CodeMirror's own tooltips, lists and panels. */
const theme = EditorView.theme({
  '&': {
    color: 'var(--sl-color-white)',
    backgroundColor: 'var(--sl-color-gray-6)',
    fontSize: 'var(--sl-text-code)',
    border: '1px solid var(--sl-color-gray-3)',
    borderRadius: '0.25rem',
  },
  '&.cm-focused': { outline: '2px solid var(--sl-color-text-accent)', outlineOffset: '2px' },
  '&.rf-cm-invalid': { border: '2px solid var(--sl-color-red)' },
  '.cm-content': { fontFamily: 'var(--__sl-font-mono)', caretColor: 'var(--sl-color-white)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--sl-color-white)' },
  '.cm-gutters': {
    backgroundColor: 'var(--sl-color-gray-6)',
    color: 'var(--sl-color-gray-2)',
    borderRight: '1px solid var(--sl-color-gray-5)',
  },
  '.cm-scroller': { overflow: 'auto', maxHeight: '32rem', minHeight: '12rem' },
  '.cm-activeLine': { backgroundColor: 'color-mix(in srgb, var(--sl-color-gray-5) 45%, transparent)' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--sl-color-gray-5)', color: 'var(--sl-color-white)' },
  '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground': {
    backgroundColor: 'color-mix(in srgb, var(--sl-color-accent) 35%, transparent)',
  },
  '.cm-matchingBracket, &.cm-focused .cm-matchingBracket': {
    backgroundColor: 'color-mix(in srgb, var(--sl-color-accent) 25%, transparent)',
    color: 'inherit',
  },
  '.cm-tooltip': {
    backgroundColor: 'var(--sl-color-black)',
    color: 'var(--sl-color-white)',
    border: '1px solid var(--sl-color-gray-4)',
    fontFamily: 'var(--__sl-font)',
    fontSize: 'var(--sl-text-sm)',
    maxWidth: 'min(40rem, 90vw)',
  },
  // The longest list (a scenario's fields) has a dozen entries: show them all rather than make
  // the list a scroll region, which the keyboard cannot reach (it moves through the list from the
  // editor, with the arrow keys).
  '.cm-tooltip.cm-tooltip-autocomplete > ul': { fontFamily: 'var(--__sl-font-mono)', maxHeight: 'none' },
  '.cm-tooltip-autocomplete ul li[aria-selected]': {
    backgroundColor: 'var(--sl-color-accent-high)',
    color: 'var(--sl-color-text-invert)',
  },
  '.cm-completionDetail': { fontStyle: 'normal', marginLeft: '1em' },
  '.cm-completionInfo': { padding: '0.4rem 0.6rem', whiteSpace: 'pre-line' },
  '.cm-completionMatchedText': { textDecoration: 'underline', fontWeight: '700' },
  '.cm-diagnostic': { padding: '0.3rem 0.6rem' },
  '.cm-diagnostic-error': { borderLeft: '4px solid var(--sl-color-red)' },
  '.cm-panels': { backgroundColor: 'var(--sl-color-black)', color: 'var(--sl-color-white)' },
  '.cm-panel.cm-panel-lint ul [aria-selected]': {
    backgroundColor: 'var(--sl-color-accent-high)',
    color: 'var(--sl-color-text-invert)',
  },
  '.cm-panel.cm-panel-lint ul:focus [aria-selected]': {
    backgroundColor: 'var(--sl-color-accent-high)',
    color: 'var(--sl-color-text-invert)',
  },
  '.cm-panel.cm-panel-lint button': { color: 'var(--sl-color-white)' },
  '.rf-cm-field': { padding: '0.4rem 0.6rem', maxWidth: '36rem' },
  '.rf-cm-field p': { margin: '0.25rem 0 0' },
  '.rf-cm-field code': { fontFamily: 'var(--__sl-font-mono)', fontWeight: '700' },
  '.rf-cm-field .rf-cm-problem': { borderLeft: '4px solid var(--sl-color-red)', paddingLeft: '0.4rem' },
});

/** Completion's info text for a field: its description, type, default, whether it is required. */
function fieldText(f: FieldInfo): string {
  const lines = [
    f.description ?? '',
    `Type: ${f.type}`,
    f.hasDefault ? `Default: ${JSON.stringify(f.default)}` : '',
    f.required ? 'Required.' : '',
  ];
  return lines.filter((l) => l !== '').join('\n');
}

/**
 * How to apply a completion: replace the token being typed, from its start to its end, which may
 * lie `tail` characters after the cursor (the closing quote closeBrackets added).
 */
function replaceToken(insert: string, tail: number): NonNullable<Completion['apply']> {
  return (view, completion, from, to) => {
    const end = Math.min(to + tail, view.state.doc.length);
    view.dispatch({
      ...insertCompletionText(view.state, insert, from, end),
      annotations: pickedCompletion.of(completion),
    });
  };
}

/** Field names and values from the schema that fit at the cursor. */
function complete(ctx: CompletionContext): CompletionResult | null {
  const text = ctx.state.doc.toString();
  const root = readJson(text);
  const c = contextAt(text, root, ctx.pos);
  // At a gap (nothing typed yet) only on request (Ctrl+Space), not on every keystroke.
  if (c === null || (c.from === c.to && !ctx.explicit)) return null;
  // The list is matched against the text from the token's start to the cursor.
  const tail = Math.max(c.to - ctx.pos, 0);
  if (c.kind === 'key') {
    const fields = fieldCandidates(SCHEMA, root, c.path, c.from === c.to ? null : c.typed);
    const options: Completion[] = fields.map((f) => ({
      label: JSON.stringify(f.name),
      detail: f.required ? `${f.type}, required` : f.type,
      info: fieldText(f),
      apply: replaceToken(c.hasColon ? JSON.stringify(f.name) : `${JSON.stringify(f.name)}: `, tail),
      type: 'property',
      boost: f.required ? 1 : 0,
    }));
    return { from: c.from, options, validFor: /^"?[\w$]*$/ };
  }
  const values = valueCandidates(SCHEMA, root, c.path);
  if (values.length === 0) return null;
  const options: Completion[] = values.map((v) => ({
    label: JSON.stringify(v.value),
    ...(v.description === null ? {} : { info: v.description }),
    apply: replaceToken(JSON.stringify(v.value), tail),
    type: 'enum',
  }));
  return { from: c.from, options, validFor: /^"?[\w$-]*$/ };
}

/** The box describing a field (hover and Ctrl+Shift+Space): its path, type, description, default. */
function fieldBox(d: NonNullable<ReturnType<typeof describeField>>): HTMLElement {
  const dom = document.createElement('div');
  dom.className = 'rf-cm-field';
  const head = document.createElement('p');
  const name = document.createElement('code');
  name.textContent = d.path;
  head.append(name, `: ${d.type}${d.required ? ' (required)' : ''}`);
  dom.append(head);
  if (d.description !== null) {
    const p = document.createElement('p');
    p.textContent = d.description;
    dom.append(p);
  }
  if (d.hasDefault) {
    const p = document.createElement('p');
    p.textContent = `Default: ${JSON.stringify(d.default)}`;
    dom.append(p);
  }
  return dom;
}

/** Hovering a field name: what the schema says of that field. */
function hoverField(state: EditorState, pos: number): Tooltip | null {
  const root = readJson(state.doc.toString());
  const k = keyAt(root, pos);
  const d = k === null ? null : describeField(SCHEMA, root, k.path);
  if (k === null || d === null) return null;
  return { pos: k.from, end: k.to, above: true, create: () => ({ dom: fieldBox(d) }) };
}

/**
 * Ctrl+Shift+Space: the same for the field whose name or value holds the cursor, with the
 * problem the parser reports there, if any (F8 moves the cursor to it): the keyboard's way to
 * what hovering shows.
 */
function keyboardHelp(state: EditorState): Tooltip | null {
  const pos = state.selection.main.head;
  const root = readJson(state.doc.toString());
  const f = fieldAt(root, pos);
  const d = f === null ? null : describeField(SCHEMA, root, f.path);
  const problems: string[] = [];
  forEachDiagnostic(state, (diag, from, to) => {
    if (from <= pos && pos <= to) problems.push(diag.message);
  });
  if (d === null && problems.length === 0) return null;
  return {
    pos,
    above: true,
    create: () => {
      const dom = d === null ? document.createElement('div') : fieldBox(d);
      dom.classList.add('rf-cm-field');
      for (const m of problems) {
        const p = document.createElement('p');
        p.className = 'rf-cm-problem';
        p.textContent = m;
        dom.append(p);
      }
      return { dom };
    },
  };
}

/** The field description shown from the keyboard (Ctrl+Shift+Space), until the next change or move. */
const showField = StateEffect.define<Tooltip | null>();
const fieldTip = StateField.define<Tooltip | null>({
  create: () => null,
  update(tip, tr) {
    for (const e of tr.effects) if (e.is(showField)) return e.value;
    return tr.docChanged || tr.selection ? null : tip;
  },
  provide: (f) => showTooltip.from(f),
});

/**
 * An editor in `host` holding `options.doc`. It lives in an open shadow root (see the module
 * comment); the caller hides the textarea it replaces.
 */
export function createScenarioEditor(host: HTMLElement, options: ScenarioEditorOptions): ScenarioEditor {
  const root = host.attachShadow({ mode: 'open' });
  const len = options.doc.length;
  const clamp = (n: number): number => Math.max(0, Math.min(n, len));
  const lint = async (view: EditorView): Promise<Diagnostic[]> => {
    const text = view.state.doc.toString();
    const reply = await options.check(text);
    if (reply === null || reply.ok) return [];
    const p = locateProblem(text, reply.path, reply.message);
    return [{ from: p.from, to: p.to, severity: 'error', message: p.message }];
  };
  const view = new EditorView({
    parent: root,
    root,
    state: EditorState.create({
      doc: options.doc,
      ...(options.selection === undefined
        ? {}
        : { selection: { anchor: clamp(options.selection.anchor), head: clamp(options.selection.head) } }),
      extensions: [
        lineNumbers(),
        lintGutter(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        closeBrackets(),
        highlightActiveLine(),
        syntaxHighlighting(highlight),
        json(),
        autocompletion({ override: [complete], icons: false }),
        hoverTooltip((v, pos) => hoverField(v.state, pos)),
        fieldTip,
        linter(lint, { delay: 400 }),
        keymap.of([
          {
            key: 'Ctrl-Shift-Space',
            run: (v) => {
              const tip = keyboardHelp(v.state);
              v.dispatch({ effects: showField.of(tip) });
              return tip !== null;
            },
          },
          ...closeBracketsKeymap,
          ...defaultKeymap,
          ...historyKeymap,
          ...completionKeymap,
          ...lintKeymap,
        ]),
        theme,
        EditorView.contentAttributes.of({ 'aria-label': options.label }),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) options.onChange();
        }),
      ],
    }),
  });
  return {
    view,
    getValue: () => view.state.doc.toString(),
    setValue: (text) => {
      view.dispatch({
        changes: { from: 0, to: view.state.doc.length, insert: text },
        selection: { anchor: 0 },
      });
    },
    setInvalid: (invalid) => {
      view.dom.classList.toggle('rf-cm-invalid', invalid);
      if (invalid) view.contentDOM.setAttribute('aria-invalid', 'true');
      else view.contentDOM.removeAttribute('aria-invalid');
    },
    focus: () => {
      view.focus();
    },
    destroy: () => {
      view.destroy();
    },
  };
}

// Loaded as a standalone module (src/lazy-module.ts): hand the API to loadModule().
provideModule('scenario-editor', { createScenarioEditor });
