/**
 * The build-time Mermaid plugin (src/plugins/mermaid): fences become accessible inline SVG, and a
 * bad fence fails the compile with the Markdown file, the line in it and the reason.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { mdxToJs } from 'satteri';
import { describe, expect, it } from 'vitest';
import {
  checkMermaid,
  DiagramBuildError,
  looksLikeFunction,
  mermaidPlugin,
  MermaidSyntaxError,
  parseFenceMeta,
  renderDiagram,
} from '../../src/plugins/mermaid/index.js';
import { DIAGRAM_FRAME_SCRIPT } from '../../src/plugins/mermaid/render.js';

const FILE = resolve('src/content/docs/example.mdx');

/** Compile an MDX document with only the diagram plugin, as Astro does. */
async function compile(mdx: string): Promise<string> {
  const { code } = await mdxToJs(mdx, {
    fileURL: pathToFileURL(FILE),
    mdastPlugins: [() => mermaidPlugin()],
  });
  return code;
}

const DISPATCH = `flowchart TD
  kvm_handle_guest_abort -->|private alias, gmem slot| gmem_abort
  kvm_handle_guest_abort -->|otherwise| user_mem_abort
  kvm_handle_guest_abort -->|no HVA| io_mem_abort`;

describe('renderDiagram (flowchart)', () => {
  const { html, kind } = renderDiagram(DISPATCH, { title: 'Dispatch', description: 'Which handler runs' });

  it('is an SVG with role="img", a name and a description', () => {
    expect(kind).toBe('flowchart');
    expect(html).toMatch(/<svg [^>]*role="img"[^>]*aria-labelledby="(rfd-[0-9a-f]{8})-title"/);
    expect(html).toContain('-title">Dispatch</title>');
    expect(html).toContain('-desc">Which handler runs</desc>');
  });

  it('references no remote stylesheet and carries no <style>, and no script but the frame module', () => {
    const frame = `<script type="module" src="${DIAGRAM_FRAME_SCRIPT}"></script>`;
    expect(html.split(frame)).toHaveLength(2);
    expect(html.replace(frame, '')).not.toMatch(/@import|googleapis|<style|<script/);
    expect(existsSync(`public${DIAGRAM_FRAME_SCRIPT}`)).toBe(true);
  });

  it('gives function nodes data-fn and edges data-from/data-to', () => {
    for (const fn of ['kvm_handle_guest_abort', 'gmem_abort', 'user_mem_abort', 'io_mem_abort']) {
      expect(html).toContain(`data-fn="${fn}"`);
    }
    expect(html).toMatch(/<polyline class="edge" data-from="kvm_handle_guest_abort" data-to="gmem_abort"/);
  });

  it('prefixes every id and every reference to one', () => {
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(ids.length).toBeGreaterThan(2);
    const prefix = /data-diagram="([^"]+)"/.exec(html)?.[1] ?? '?';
    for (const id of ids) expect(id.startsWith(`${prefix}-`)).toBe(true);
    for (const m of html.matchAll(/url\(#([^)]+)\)/g)) expect(ids).toContain(m[1]);
  });

  it('lists the edges as text, in order', () => {
    const text = /<details[\s\S]*<\/details>/.exec(html)?.[0] ?? '';
    expect(text).toContain('kvm_handle_guest_abort → gmem_abort (private alias, gmem slot)');
    expect(text.indexOf('gmem_abort (')).toBeLessThan(text.indexOf('user_mem_abort ('));
    expect(text).toContain('io_mem_abort (no HVA)');
  });

  it('gives two renderings of one diagram different ids when salted differently', () => {
    const a = renderDiagram(DISPATCH, { salt: '1' });
    const b = renderDiagram(DISPATCH, { salt: '2' });
    expect(a.idPrefix).not.toBe(b.idPrefix);
  });

  it('marks the given nodes and edges', () => {
    const marked = renderDiagram(DISPATCH, {
      marks: {
        nodes: new Set(['kvm_handle_guest_abort', 'gmem_abort']),
        edges: new Set(['kvm_handle_guest_abort->gmem_abort']),
      },
    }).html;
    expect([...marked.matchAll(/<g class="node rf-taken" data-id="([^"]+)"/g)].map((m) => m[1])).toEqual([
      'kvm_handle_guest_abort',
      'gmem_abort',
    ]);
    expect(marked).toMatch(
      /<polyline class="edge rf-taken" data-taken="true" data-from="kvm_handle_guest_abort" data-to="gmem_abort"/,
    );
  });
});

describe('renderDiagram (sequence)', () => {
  it('names the diagram from a title line and lists messages in order', () => {
    const { html, kind } = renderDiagram(`sequenceDiagram
  title A fault
  accDescr: The guest touches a page
  participant G as guest
  participant R as RMM
  G->>R: load from the IPA
  Note over R: sanitises the ESR
  R-->>G: resume`);
    expect(kind).toBe('sequence');
    expect(html).toContain('-title">A fault</title>');
    expect(html).toContain('-desc">The guest touches a page</desc>');
    const text = /<ol>[\s\S]*<\/ol>/.exec(html)?.[0] ?? '';
    expect(text).toBe(
      '<ol><li>guest → RMM: load from the IPA</li><li>Note (RMM): sanitises the ESR</li><li>RMM → guest: resume</li></ol>',
    );
  });
});

describe('checkMermaid rejects what the renderer would drop or misdraw', () => {
  it.each([
    ['pie\n  "a": 1', 1, /unsupported diagram type "pie"/],
    ['flowchart\n  A --> B', 1, /needs a direction/],
    ['flowchart TD\n  A --> B\n  B -->', 3, /expected a node after the arrow/],
    ['flowchart TD\n  A --> B\n  click A call()', 3, /"click" is not supported/],
    ['flowchart TD\n  A ---> B', 2, /arrow .* is not drawn/],
    ['flowchart TD\n  subgraph S\n  A --> B', 3, /subgraph not closed/],
    ['flowchart TD\n  A[unclosed --> B', 2, /not closed by "\]"/],
    ['sequenceDiagram\n  A->>B hello', 2, /needs the form/],
    ['sequenceDiagram\n  autonumber\n  A->>B: x', 2, /"autonumber" is not drawn/],
    ['sequenceDiagram\n  loop forever\n  A->>B: x', 2, /"loop" block not closed/],
    ['sequenceDiagram\n  A->>B: x\n  end', 3, /"end" without an open block/],
    ['sequenceDiagram\n  A->>+B: x', 2, /activation mark "\+" is not drawn/],
    ["%%{init: {'theme': 'dark'}}%%\nflowchart TD\n  A --> B", 1, /directives are not supported/],
  ])('%j → line %i', (source, line, message) => {
    let error: unknown;
    try {
      checkMermaid(source);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MermaidSyntaxError);
    expect((error as MermaidSyntaxError).line).toBe(line);
    expect((error as MermaidSyntaxError).message).toMatch(message);
  });
});

describe('the Sätteri plugin', () => {
  it('replaces a mermaid fence with inline SVG and leaves other fences to Expressive Code', async () => {
    const code = await compile(
      [
        '# Page',
        '',
        '```mermaid title="T" desc="D"',
        DISPATCH,
        '```',
        '',
        '```ts',
        'const x = 1;',
        '```',
        '',
      ].join('\n'),
    );
    expect(code).toContain('"aria-labelledby"');
    expect(code).toContain('"data-fn": "gmem_abort"');
    expect(code).toContain('const x = 1;');
    expect(code).not.toContain('flowchart TD');
  });

  it('fails on a syntax error with the MDX file, the line in it and the reason', async () => {
    const mdx = [
      '---',
      'title: x',
      '---',
      '',
      'Text.',
      '',
      '```mermaid',
      'flowchart TD',
      '  A --> B',
      '  B -->',
      '```',
      '',
    ].join('\n');
    const error = await compile(mdx).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DiagramBuildError);
    expect((error as Error).message).toBe(
      'src/content/docs/example.mdx:10: mermaid: expected a node after the arrow, found "end of line"',
    );
  });

  it('gives two identical fences on one page different id prefixes, and honours id="…"', async () => {
    const fence = ['```mermaid', 'flowchart LR', '  a_b --> c_d', '```', ''];
    const code = await compile(
      [...fence, ...fence, '```mermaid id="mine"', 'flowchart LR', '  x --> y', '```', ''].join('\n'),
    );
    const prefixes = [...code.matchAll(/"data-diagram": "([^"]+)"/g)].map((m) => m[1]);
    expect(prefixes).toHaveLength(3);
    expect(new Set(prefixes).size).toBe(3);
    expect(prefixes[2]).toBe('mine');
  });

  it('fails on an unknown fence meta key rather than ignoring it', async () => {
    await expect(compile('```mermaid titel="x"\nflowchart TD\n  A --> B\n```\n')).rejects.toThrow(
      /example\.mdx:1: mermaid: unknown fence meta titel/,
    );
  });
});

describe('helpers', () => {
  it('parseFenceMeta reads quoted and bare values', () => {
    expect(parseFenceMeta(`title="a \\"b\\" c" desc='d' id=x`)).toEqual({
      title: 'a "b" c',
      desc: 'd',
      id: 'x',
    });
  });

  it('looksLikeFunction: snake_case C names and RMI commands, not plain words', () => {
    expect(['gmem_abort', '__kvm_faultin_pfn', 'RMI_RTT_CREATE'].every(looksLikeFunction)).toBe(true);
    expect(['Shared', 'mmio', 'A', 'guest-fault'].some(looksLikeFunction)).toBe(false);
  });
});
