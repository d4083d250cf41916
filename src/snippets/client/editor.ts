/**
 * The snippet editor: CodeMirror 6 with TypeScript highlighting, loaded by the controller with a
 * dynamic import on the first Edit (never before). Colours come from CSS classes and Starlight's
 * variables (src/styles/snippets.css), so the editor follows the light and dark themes.
 *
 * Keyboard: Tab indents (indentWithTab). To leave the editor press Escape, then Tab (or
 * Shift+Tab): CodeMirror lets the next Tab move focus after Escape. Ctrl+M (Shift+Alt+M on macOS)
 * toggles that "Tab moves focus" mode for good.
 */
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { javascript } from '@codemirror/lang-javascript';
import { bracketMatching, HighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { EditorState, StateEffect, StateField } from '@codemirror/state';
import {
  Decoration,
  drawSelection,
  EditorView,
  highlightActiveLine,
  keymap,
  lineNumbers,
  type DecorationSet,
} from '@codemirror/view';
import { tags } from '@lezer/highlight';
import { provideModule } from '../../lazy-module';

export interface SnippetEditor {
  getCode(): string;
  /** Highlight a 1-based line as the problem's (null clears it). */
  markLine(line: number | null): void;
  focus(): void;
  destroy(): void;
  readonly view: EditorView;
}

const setProblem = StateEffect.define<number | null>();
const problemLine = Decoration.line({ class: 'rf-cm-problem' });
const problemField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(deco, tr) {
    let next = tr.docChanged ? Decoration.none : deco.map(tr.changes);
    for (const e of tr.effects) {
      if (!e.is(setProblem)) continue;
      const n = e.value;
      next =
        n !== null && n >= 1 && n <= tr.state.doc.lines
          ? Decoration.set([problemLine.range(tr.state.doc.line(n).from)])
          : Decoration.none;
    }
    return next;
  },
  provide: (f) => EditorView.decorations.from(f),
});

/** Token colours: custom properties that snippets.css sets per theme (they inherit into the shadow root). */
const highlight = HighlightStyle.define([
  { tag: [tags.keyword, tags.modifier, tags.controlKeyword, tags.operatorKeyword], color: 'var(--rf-cm-kw)' },
  { tag: [tags.string, tags.special(tags.string), tags.regexp], color: 'var(--rf-cm-str)' },
  { tag: [tags.number, tags.bool, tags.null, tags.atom], color: 'var(--rf-cm-num)' },
  {
    tag: [tags.comment, tags.lineComment, tags.blockComment],
    color: 'var(--rf-cm-comment)',
    fontStyle: 'italic',
  },
  { tag: [tags.typeName, tags.className, tags.namespace], color: 'var(--rf-cm-type)' },
  { tag: [tags.function(tags.variableName), tags.function(tags.propertyName)], color: 'var(--rf-cm-fn)' },
  { tag: [tags.propertyName, tags.definition(tags.variableName)], color: 'var(--rf-cm-prop)' },
]);

const theme = EditorView.theme({
  '&': {
    color: 'var(--sl-color-white)',
    backgroundColor: 'var(--sl-color-gray-6)',
    fontSize: 'var(--sl-text-code)',
    border: '1px solid var(--sl-color-gray-5)',
  },
  '&.cm-focused': { outline: '2px solid var(--sl-color-text-accent)', outlineOffset: '2px' },
  '.cm-content': { fontFamily: 'var(--__sl-font-mono)', caretColor: 'var(--sl-color-white)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--sl-color-white)' },
  '.cm-gutters': {
    backgroundColor: 'var(--sl-color-gray-6)',
    color: 'var(--sl-color-gray-2)',
    borderRight: '1px solid var(--sl-color-gray-5)',
  },
  '.cm-line.rf-cm-problem': {
    backgroundColor: 'color-mix(in srgb, var(--sl-color-red) 22%, transparent)',
    boxShadow: 'inset 3px 0 0 var(--sl-color-red-high)',
  },
  '.cm-scroller': { overflow: 'auto', maxHeight: '32rem' },
  '.cm-activeLine': { backgroundColor: 'color-mix(in srgb, var(--sl-color-gray-5) 45%, transparent)' },
  '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground': {
    backgroundColor: 'color-mix(in srgb, var(--sl-color-accent) 35%, transparent)',
  },
});

/**
 * An editor in `host` holding `code`, labelled for assistive technology. It lives in an open
 * shadow root: there CodeMirror's styles are constructed style sheets (adoptedStyleSheets), which
 * the page's CSP allows, instead of <style> elements, which it blocks (style-src has only hashes).
 */
export function createEditor(host: HTMLElement, code: string, label: string): SnippetEditor {
  const root = host.attachShadow({ mode: 'open' });
  const view = new EditorView({
    parent: root,
    root,
    state: EditorState.create({
      doc: code,
      extensions: [
        lineNumbers(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        highlightActiveLine(),
        syntaxHighlighting(highlight),
        javascript({ typescript: true }),
        keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
        problemField,
        theme,
        EditorView.contentAttributes.of({ 'aria-label': label }),
      ],
    }),
  });
  return {
    view,
    getCode: () => view.state.doc.toString(),
    markLine(line) {
      view.dispatch({ effects: setProblem.of(line) });
      if (line !== null && line >= 1 && line <= view.state.doc.lines) {
        view.dispatch({
          effects: EditorView.scrollIntoView(view.state.doc.line(line).from, { y: 'nearest' }),
        });
      }
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
provideModule('snippet-editor', { createEditor });
