/**
 * A Sätteri mdast plugin: ```mermaid fences in Markdown/MDX become inline SVG at build time.
 *
 * It runs at the mdast stage because Starlight's Expressive Code claims every fenced code block
 * at the hast stage; other fences are left alone for Expressive Code. Fence meta gives the
 * accessible name and description:
 *
 *     ```mermaid title="kvm_handle_guest_abort() dispatch" desc="Which handler a fault reaches"
 *
 * A Mermaid error fails the build with "file:line: message", the line being the line of the
 * Markdown file (not of the diagram). Nothing falls back to client-side rendering.
 */
import { fileURLToPath } from 'node:url';
import { relative } from 'node:path';
import type { MdastPluginDefinition } from 'satteri';
import { renderDiagram, type RenderDiagramOptions } from './render.js';
import { MermaidSyntaxError } from './validate.js';

export { renderDiagram, looksLikeFunction } from './render.js';
export type { DiagramMarks, RenderDiagramOptions, RenderedDiagram } from './render.js';
export { checkMermaid, MermaidSyntaxError } from './validate.js';

/** An authoring error in a diagram fence, located in its Markdown file. */
export class DiagramBuildError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}: mermaid: ${reason}`);
    this.name = 'DiagramBuildError';
  }
}

/** `key="value"` (or key='value', or key=bare) pairs from a fence's meta string. */
export function parseFenceMeta(meta: string | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!meta) return out;
  const rest = meta.replace(
    /([\w-]+)=(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|(\S+))/g,
    (_m, ...g: unknown[]) => {
      const [key, dq, sq, bare] = g as [string, string | undefined, string | undefined, string | undefined];
      out[key] = (dq ?? sq ?? bare ?? '').replace(/\\(.)/g, '$1');
      return '';
    },
  );
  if (rest.trim()) out['_'] = rest.trim();
  return out;
}

const KNOWN_META = new Set(['title', 'desc', 'id']);

export interface MermaidPluginOptions {
  /** Which node ids are C function names (they get data-fn); see looksLikeFunction. */
  readonly isFunction?: RenderDiagramOptions['isFunction'];
  /** Directory that file names in errors are relative to (default: the working directory). */
  readonly root?: string;
}

/**
 * The plugin for one document (it counts the document's fences); pass a factory to Sätteri,
 * `satteri({ mdastPlugins: [() => mermaidPlugin()] })`, so each document gets its own.
 */
export function mermaidPlugin(options: MermaidPluginOptions = {}): MdastPluginDefinition {
  let count = 0;
  return {
    name: 'realmfault-mermaid',
    options: { position: true },
    code(node, ctx) {
      if (node.lang !== 'mermaid') return undefined;
      const file = ctx.fileURL
        ? relative(options.root ?? process.cwd(), fileURLToPath(ctx.fileURL))
        : '<markdown>';
      const fenceLine = node.position?.start.line ?? 0;
      const meta = parseFenceMeta(node.meta);
      const unknown = Object.keys(meta).filter((k) => !KNOWN_META.has(k));
      if (unknown.length) {
        throw new DiagramBuildError(
          file,
          fenceLine,
          `unknown fence meta ${unknown.map((k) => (k === '_' ? `"${meta[k] ?? ''}"` : k)).join(', ')}; ` +
            'use title="…", desc="…" and id="…"',
        );
      }
      const index = count++;
      try {
        const rendered = renderDiagram(node.value, {
          title: meta['title'],
          description: meta['desc'],
          idPrefix: meta['id'],
          salt: `${file}#${index}`,
          isFunction: options.isFunction,
        });
        return { raw: rendered.html, mdxExpressions: false };
      } catch (e) {
        if (e instanceof MermaidSyntaxError) {
          // The diagram's line 1 is the line after the opening fence.
          throw new DiagramBuildError(file, fenceLine + e.line, e.message);
        }
        const reason = e instanceof Error ? e.message : String(e);
        throw new DiagramBuildError(file, fenceLine, `the renderer failed: ${reason}`);
      }
    },
  };
}
