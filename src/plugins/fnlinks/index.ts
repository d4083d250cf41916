/**
 * A Sätteri mdast plugin: the first `name()` of a function on a page links to the page about
 * that function. A function's page is the page whose title names it (`gmem_abort()` →
 * /fault-path/gmem-abort/), or else the section whose heading ends with it ("KVM completes the
 * change: `kvm_complete_ripas_change()`" → that heading's anchor). The index is read from the
 * pages themselves (src/content/docs), so a new page about a function is linked without a list
 * to keep; a function claimed by two pages fails the build. A page does not link to itself, and
 * text inside headings, links, code blocks and components is left alone (src/plugins/phrasing-walk.ts).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import GithubSlugger from 'github-slugger';
import type { MdastPluginDefinition, MdastVisitorContext } from 'satteri';
import { calledFunction } from '../references/index.js';
import { walkPhrasing, type AnyNode } from '../phrasing-walk.js';

/** Where a function is explained: the page URL, with an anchor for a section. */
export interface FunctionHome {
  readonly fn: string;
  readonly href: string;
  /** The page's URL without the anchor. */
  readonly page: string;
  /** The file and line that make it the function's home, for errors. */
  readonly from: string;
}

/** `/fault-path/gmem-abort/` for `fault-path/gmem-abort.mdx`, `/fault-path/` for `fault-path/index.mdx`. */
export function pageUrl(relPath: string): string {
  const noExt = relPath
    .split(sep)
    .join('/')
    .replace(/\.mdx?$/, '');
  const slug = noExt === 'index' ? '' : noExt.replace(/\/index$/, '');
  return slug === '' ? '/' : `/${slug}/`;
}

const CODE_CALL = /`([A-Za-z_][A-Za-z0-9_]*\(\))`/g;

/** The functions a page's title names, and the sections whose heading ends with a function. */
export function homesInPage(source: string): {
  title: string[];
  titleLine: number;
  sections: { fn: string; anchor: string; line: number }[];
} {
  const lines = source.split('\n');
  const title: string[] = [];
  let titleLine = 0;
  let body = 0;
  if (lines[0]?.trim() === '---') {
    const end = lines.indexOf('---', 1);
    for (const [i, l] of lines.slice(1, end).entries()) {
      const m = /^title:\s*(.*)$/.exec(l);
      if (!m) continue;
      titleLine = i + 2;
      for (const c of (m[1] ?? '').matchAll(/([A-Za-z_][A-Za-z0-9_]*)\(\)/g)) title.push(c[1] ?? '');
    }
    body = end + 1;
  }
  // Anchors as Starlight makes them: github-slugger over the heading's text, in page order.
  const slugger = new GithubSlugger();
  const sections: { fn: string; anchor: string; line: number }[] = [];
  let fence: string | null = null;
  lines.slice(body).forEach((l, i) => {
    const f = /^\s*(```+|~~~+)/.exec(l);
    if (f) {
      const mark = f[1] ?? '';
      if (fence === null) fence = mark;
      else if (mark.startsWith(fence)) fence = null;
      return;
    }
    if (fence !== null) return;
    const h = /^#{2,6}\s+(.*?)\s*#*$/.exec(l);
    if (!h) return;
    const text = h[1] ?? '';
    const anchor = slugger.slug(text.replace(/`/g, ''));
    const calls = [...text.matchAll(CODE_CALL)];
    const last = calls.at(-1);
    if (last && last.index + last[0].length === text.length) {
      sections.push({ fn: (last[1] ?? '').replace(/\(\)$/, ''), anchor, line: body + i + 1 });
    }
  });
  return { title, titleLine, sections };
}

function docFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? docFiles(join(dir, e.name)) : /\.mdx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

/** Every function's home, from the pages in `docsDir`. A title beats a section heading. */
export function functionHomes(docsDir: string): ReadonlyMap<string, FunctionHome> {
  const byTitle = new Map<string, FunctionHome>();
  const bySection = new Map<string, FunctionHome>();
  for (const file of docFiles(docsDir).sort()) {
    const rel = relative(docsDir, file);
    const page = pageUrl(rel);
    const { title, titleLine, sections } = homesInPage(readFileSync(file, 'utf8'));
    for (const fn of title) {
      const prior = byTitle.get(fn);
      if (prior && prior.page !== page) {
        throw new Error(
          `function pages: ${fn}() is in the title of both ${prior.from} and ${rel}:${String(titleLine)}; a function has one page`,
        );
      }
      byTitle.set(fn, { fn, href: page, page, from: `${rel}:${String(titleLine)}` });
    }
    for (const s of sections) {
      const prior = bySection.get(s.fn);
      if (prior) {
        throw new Error(
          `function pages: ${s.fn}() ends a heading in both ${prior.from} and ${rel}:${String(s.line)}; ` +
            'a function has one section',
        );
      }
      bySection.set(s.fn, { fn: s.fn, href: `${page}#${s.anchor}`, page, from: `${rel}:${String(s.line)}` });
    }
  }
  return new Map([...bySection, ...byTitle]);
}

export interface FnLinksPluginOptions {
  /** The content pages (default: src/content/docs under the working directory). */
  readonly docsDir?: string;
  /** The index to use instead of reading docsDir (tests). */
  readonly homes?: ReadonlyMap<string, FunctionHome>;
}

let cached: { dir: string; homes: ReadonlyMap<string, FunctionHome> } | null = null;

/** The plugin for one document: pass a factory, `mdastPlugins: [() => fnLinksPlugin()]`. */
export function fnLinksPlugin(options: FnLinksPluginOptions = {}): MdastPluginDefinition {
  const dir = options.docsDir ?? join(process.cwd(), 'src/content/docs');
  const homes =
    options.homes ??
    (cached?.dir === dir ? cached.homes : (cached = { dir, homes: functionHomes(dir) }).homes);
  const linked = new Set<string>();
  let here: string | null = null;

  function inlineCode(node: AnyNode, ctx: MdastVisitorContext): void {
    const fn = calledFunction(node.value ?? '');
    if (fn === undefined || linked.has(fn)) return;
    const home = homes.get(fn);
    if (!home || home.page === here) return;
    linked.add(fn);
    ctx.replaceNode(
      node as never,
      {
        type: 'link',
        url: home.href,
        title: null,
        data: { hProperties: { className: ['rf-fn'] } },
        children: [{ type: 'inlineCode', value: node.value }],
      } as never,
    );
  }

  return {
    name: 'realmfault-fnlinks',
    before(root, ctx) {
      const file = ctx.fileURL ? fileURLToPath(ctx.fileURL) : null;
      const rel = file ? relative(dir, file) : null;
      here = rel && !rel.startsWith('..') ? pageUrl(rel) : null;
      walkPhrasing(root as AnyNode, ctx, { inlineCode });
    },
  };
}
