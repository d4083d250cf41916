/**
 * A Sätteri mdast plugin for runnable snippets (issue 5): every ```ts sim fence in an MDX page is
 * run at build time with the same runtime the reader's browser uses (src/snippets/runtime.ts, the
 * Node evaluator src/snippets/node.ts), and becomes the markup of SNIPPETS-CONTRACT.md: a
 * `div.rf-snippet[data-rf-widget="snippet"]` holding the code block (a plain ```ts code node, so
 * Expressive Code renders it like any other), the empty controls, the source as JSON, and the
 * output and first trace computed now, so the page is complete without JavaScript.
 *
 * The build fails, naming the Markdown file and line, when a fence's meta is unknown, an id is
 * repeated on a page, a snippet ends with a problem (the problem's snippet line is mapped to the
 * file line), a should_fail snippet succeeds, or the output differs from the committed
 * expectation in src/snippets/expected.json (`UPDATE_SNIPPETS=1` rewrites it; refused when CI is
 * set).
 *
 * Pages with snippets also get `import SnippetClient from "…/src/components/SnippetClient.astro"`
 * and `<SnippetClient />` appended, once the component exists; pages without get nothing.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { relative, resolve } from 'node:path';
import type { Custom, MdastNode, MdastPluginDefinition } from 'satteri';
import { mdxToMdast } from 'satteri';
import { runSnippetInNode } from '../../snippets/node.js';
import { timedForBench } from '../../build-stats.js';
import { formatProblem, formatRun, type SnippetRun } from '../../snippets/runtime.js';
import { resultHtml, sourceJson } from './html.js';
import { isSimFence, pageSlug, parseSimMeta, SimMetaError, type SimMeta } from './meta.js';
import { expectationKey, readExpectations, recordExpectation, updateRequested } from './expectations.js';

export { isSimFence, parseSimMeta, pageSlug, SimMetaError, SNIPPET_ID } from './meta.js';
export type { SimMeta } from './meta.js';
export {
  expectationKey,
  EXPECTED_FILE,
  readExpectations,
  writeExpectations,
  updateRequested,
} from './expectations.js';
export {
  escapeHtml,
  outputHtml,
  resultHtml,
  scriptJson,
  sourceJson,
  NOT_RUN_TEXT,
  CAPTION_TEXT,
} from './html.js';

/** An authoring error in a snippet fence, located in its Markdown file. */
export class SnippetBuildError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file}:${String(line)}: sim snippet: ${reason}`);
    this.name = 'SnippetBuildError';
  }
}

/** One sim fence of a page, as both the build and the tests see it. */
export interface SimFence {
  /** Path below src/content/docs, with "/" separators (the expectation key's page part). */
  readonly docPath: string;
  /** 1-based line of the opening fence in the file. */
  readonly line: number;
  readonly id: string;
  readonly meta: SimMeta;
  readonly code: string;
}

/** The folder the content pages live in, relative to the project root. */
export const DOCS_DIR = 'src/content/docs';

/**
 * Turns the code nodes of one document into SimFences, in order: meta parsed, default ids given,
 * duplicate ids refused. `file` is the name errors use.
 */
export class FenceReader {
  #count = 0;
  readonly #ids = new Map<string, number>();
  constructor(
    readonly file: string,
    readonly docPath: string,
  ) {}

  /** The fence, or null when the code node is not a sim fence. Throws SnippetBuildError. */
  read(node: {
    lang?: string | null | undefined;
    meta?: string | null | undefined;
    value: string;
    line: number;
  }): SimFence | null {
    if (!isSimFence(node.lang, node.meta)) return null;
    const n = ++this.#count;
    let meta: SimMeta;
    try {
      meta = parseSimMeta(node.meta ?? '');
    } catch (e) {
      if (e instanceof SimMetaError) throw new SnippetBuildError(this.file, node.line, e.message);
      throw e;
    }
    const id = meta.id ?? `${pageSlug(this.docPath)}-${String(n)}`;
    const first = this.#ids.get(id);
    if (first !== undefined) {
      throw new SnippetBuildError(
        this.file,
        node.line,
        `id "${id}" is already used by the snippet at line ${String(first)}; give one of them id="…"`,
      );
    }
    this.#ids.set(id, node.line);
    return { docPath: this.docPath, line: node.line, id, meta, code: node.value };
  }
}

/**
 * Why a fence's run is wrong, or null when it is right: a problem without should_fail, a
 * should_fail snippet that succeeded, or output that differs from the expectation (undefined:
 * none committed). Used by the build and the tests alike.
 */
export function checkRun(fence: SimFence, run: SnippetRun, expected: string | undefined): string | null {
  const text = formatRun(run);
  if (run.problem && !fence.meta.shouldFail) {
    const at = run.problem.line === null ? '' : ` at file line ${String(fence.line + run.problem.line)}`;
    return `"${fence.id}" ended with a problem${at}: ${formatProblem(run.problem)} (mark the fence should_fail if that is the point)`;
  }
  if (!run.problem && fence.meta.shouldFail) {
    return `"${fence.id}" is marked should_fail but ran without a problem; its output was:\n${text}`;
  }
  if (expected === undefined) {
    return (
      `"${fence.id}" has no committed expectation (key "${expectationKey(fence)}" in src/snippets/expected.json); ` +
      `run the build or the snippet tests with UPDATE_SNIPPETS=1 and commit the file. Its output is:\n${text}`
    );
  }
  if (expected !== text) {
    return (
      `"${fence.id}" printed something other than its committed expectation (src/snippets/expected.json, ` +
      `key "${expectationKey(fence)}"); if the change is intended, rerun with UPDATE_SNIPPETS=1 and commit.\n` +
      `--- expected\n${expected}\n--- actual\n${text}`
    );
  }
  return null;
}

/** Every sim fence of an MDX document, read as the plugin reads it (for the tests). */
export function readSimFences(source: string, file: string, docPath: string): SimFence[] {
  const reader = new FenceReader(file, docPath);
  const out: SimFence[] = [];
  const walk = (node: unknown): void => {
    const n = node as {
      type?: string;
      lang?: string | null;
      meta?: string | null;
      value?: string;
      position?: { start: { line: number } };
      children?: unknown[];
    };
    if (n.type === 'code') {
      const fence = reader.read({
        lang: n.lang,
        meta: n.meta,
        value: n.value ?? '',
        line: n.position?.start.line ?? 0,
      });
      if (fence) out.push(fence);
    }
    for (const c of n.children ?? []) walk(c);
  };
  walk(mdxToMdast(source, { position: true }));
  return out;
}

export interface SimPluginOptions {
  /** Project root: errors name files relative to it; src/content/docs and the component are under it. */
  readonly root?: string;
  /** Where the client component lives (default <root>/src/components/SnippetClient.astro). */
  readonly clientComponent?: string;
}

/** The code node Expressive Code renders: a plain ts fence, keeping only the title. */
function codeNode(fence: SimFence): MdastNode {
  const title = fence.meta.title === null ? null : `title=${JSON.stringify(fence.meta.title)}`;
  return { type: 'code', lang: 'ts', meta: title, value: fence.code };
}

/** An element node whose content is our own HTML (Astro's JSX runtime honours set:html). */
function htmlPart(tag: string, properties: Record<string, unknown>, html: string): Custom {
  return element('rfSnippetPart', tag, { ...properties, 'set:html': html });
}

/** A user-defined mdast node that becomes the HTML element `tag` (data.hName/hProperties). */
function element(
  type: string,
  tag: string,
  properties: Record<string, unknown>,
  children?: (MdastNode | Custom)[],
): Custom {
  const data = { hName: tag, hProperties: properties } as NonNullable<Custom['data']>;
  return children ? { type, data, children } : { type, data };
}

/**
 * The plugin for one document; pass a factory to Sätteri,
 * `satteri({ mdastPlugins: [() => simPlugin()] })`, so each document counts its own fences.
 */
export function simPlugin(options: SimPluginOptions = {}): MdastPluginDefinition {
  const root = options.root ?? process.cwd();
  const component = options.clientComponent ?? resolve(root, 'src/components/SnippetClient.astro');
  const withClient = existsSync(component);
  let reader: FenceReader | null = null;
  let file = '<markdown>';
  let snippets = 0;
  return {
    name: 'realmfault-sim',
    options: { position: true },
    code(node, ctx) {
      if (!isSimFence(node.lang, node.meta)) return undefined;
      const abs = ctx.fileURL ? fileURLToPath(ctx.fileURL) : null;
      if (!reader) {
        file = abs ? relative(root, abs) : '<markdown>';
        const docPath = abs ? relative(resolve(root, DOCS_DIR), abs).replace(/\\/g, '/') : 'page.mdx';
        reader = new FenceReader(file, docPath);
      }
      const line = node.position?.start.line ?? 0;
      if (ctx.sourceFormat !== 'mdx') {
        throw new SnippetBuildError(
          file,
          line,
          'sim fences work in .mdx pages only (rename the page to .mdx)',
        );
      }
      const fence = reader.read({ lang: node.lang, meta: node.meta, value: node.value, line });
      if (!fence) return undefined;
      snippets++;

      let run: SnippetRun | null = null;
      if (!fence.meta.noRun) {
        run = timedForBench('snippet', () => runSnippetInNode(fence.code));
        const key = expectationKey(fence);
        const text = formatRun(run);
        const update = updateRequested();
        const wrong = checkRun(fence, run, update ? text : readExpectations(root)[key]);
        if (wrong) throw new SnippetBuildError(file, line, wrong);
        if (update) recordExpectation(key, text, root);
      }

      const wrapperProps: Record<string, unknown> = {
        className: ['rf-snippet', 'not-content'],
        'data-rf-widget': 'snippet',
        'data-snippet-id': fence.id,
      };
      if (fence.meta.noRun) wrapperProps['data-no-run'] = '';
      if (fence.meta.shouldFail) wrapperProps['data-should-fail'] = '';
      ctx.replaceNode(
        node,
        element('rfSnippet', 'div', wrapperProps, [
          codeNode(fence),
          htmlPart('div', { className: ['rf-snippet-controls'] }, ''),
          htmlPart(
            'script',
            { type: 'application/json', className: ['rf-snippet-source'] },
            sourceJson(fence.id, fence.code),
          ),
          htmlPart('div', { className: ['rf-snippet-result'] }, resultHtml(fence.id, run)),
        ]),
      );
      return undefined;
    },
    after(root, ctx) {
      if (!snippets || !withClient || ctx.sourceFormat !== 'mdx') return;
      ctx.prependChild(root, { raw: `import SnippetClient from ${JSON.stringify(component)};` });
      ctx.appendChild(root, { raw: '<SnippetClient />' });
    },
  };
}
