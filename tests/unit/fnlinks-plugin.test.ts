/**
 * Function links (src/plugins/fnlinks): which page is a function's home, read from the pages'
 * titles and headings, and the plugin linking the first `name()` on a page to it — never on the
 * home page itself, never inside headings, links or code blocks.
 */
import { markdownToHtml } from 'satteri';
import { describe, expect, it } from 'vitest';
import {
  fnLinksPlugin,
  functionHomes,
  homesInPage,
  pageUrl,
  type FunctionHome,
} from '../../src/plugins/fnlinks/index.js';
import { KNOWN_FUNCTION_NAMES } from '../../src/plugins/references/index.js';

const HOMES: ReadonlyMap<string, FunctionHome> = new Map([
  [
    'gmem_abort',
    { fn: 'gmem_abort', href: '/fault-path/gmem-abort/', page: '/fault-path/gmem-abort/', from: 't' },
  ],
  [
    'kvm_complete_ripas_change',
    {
      fn: 'kvm_complete_ripas_change',
      href: '/conversions/explicit/#kvm-completes',
      page: '/conversions/explicit/',
      from: 't',
    },
  ],
]);

async function html(md: string, fileURL?: URL): Promise<string> {
  const out = await markdownToHtml(md, {
    mdastPlugins: [() => fnLinksPlugin({ homes: HOMES, docsDir: '/docs' })],
    ...(fileURL ? { fileURL } : {}),
  });
  return out.html;
}

describe('function homes', () => {
  it('maps content files to their URLs', () => {
    expect(pageUrl('index.mdx')).toBe('/');
    expect(pageUrl('fault-path/index.mdx')).toBe('/fault-path/');
    expect(pageUrl('fault-path/gmem-abort.mdx')).toBe('/fault-path/gmem-abort/');
    expect(pageUrl('reference/esr.md')).toBe('/reference/esr/');
  });

  it('reads functions from the title and from headings that end with one, not from code blocks', () => {
    const page = [
      '---',
      "title: 'REC exit: handle_rec_exit() and rec_exit_sync_dabt()'",
      '---',
      '',
      '## The guest asks: `set_memory_decrypted()`',
      '## Where `kvm_handle_guest_abort()` sends a fault',
      '```md',
      '## Not a heading: `gmem_abort()`',
      '```',
      '## The guest asks: `set_memory_decrypted()` again',
      '### KVM completes the change: `kvm_complete_ripas_change()`',
    ].join('\n');
    const h = homesInPage(page);
    expect(h.title).toEqual(['handle_rec_exit', 'rec_exit_sync_dabt']);
    expect(h.titleLine).toBe(2);
    expect(h.sections).toEqual([
      { fn: 'set_memory_decrypted', anchor: 'the-guest-asks-set_memory_decrypted', line: 5 },
      {
        fn: 'kvm_complete_ripas_change',
        anchor: 'kvm-completes-the-change-kvm_complete_ripas_change',
        line: 11,
      },
    ]);
  });

  it('finds the site pages about functions, and every one is a function the site knows', () => {
    const homes = functionHomes('src/content/docs');
    expect(homes.get('gmem_abort')?.href).toBe('/fault-path/gmem-abort/');
    expect(homes.get('user_mem_abort')?.href).toBe('/fault-path/user-mem-abort/');
    expect(homes.get('kvm_handle_guest_abort')?.href).toBe('/fault-path/kvm-handle-guest-abort/');
    expect(homes.get('handle_rec_exit')?.href).toBe('/fault-path/rec-exit/');
    expect(homes.get('realm_map_ipa')?.href).toBe('/fault-path/realm-map-ipa/');
    expect(homes.get('kvm_complete_ripas_change')?.href).toBe(
      '/conversions/explicit/#kvm-completes-the-change-kvm_complete_ripas_change',
    );
    for (const fn of homes.keys()) expect(KNOWN_FUNCTION_NAMES.has(fn), fn).toBe(true);
  });
});

describe('the function-link plugin', () => {
  it('links the first use of a function to its home and leaves later uses plain', async () => {
    const out = await html('First `gmem_abort()`, then `gmem_abort()` again and `other_fn()`.');
    expect(out).toContain('<a href="/fault-path/gmem-abort/" class="rf-fn"><code>gmem_abort()</code></a>');
    expect(out.split('href="/fault-path/gmem-abort/"')).toHaveLength(2);
    expect(out).toContain('<code>other_fn()</code>');
  });

  it('links a section home with its anchor', async () => {
    expect(await html('See `kvm_complete_ripas_change()`.')).toContain(
      'href="/conversions/explicit/#kvm-completes"',
    );
  });

  it('does not link inside headings, links or code, nor on the home page itself', async () => {
    const inside = await html(
      '## About `gmem_abort()`\n\n[the `gmem_abort()` page](/x/)\n\n```c\ngmem_abort();\n```\n\n`gmem_abort` without parentheses.',
    );
    expect(inside).not.toContain('/fault-path/gmem-abort/');
    const home = await html(
      'Here `gmem_abort()` is the subject.',
      new URL('file:///docs/fault-path/gmem-abort.mdx'),
    );
    expect(home).not.toContain('href=');
    const elsewhere = await html(
      'Here `gmem_abort()` is mentioned.',
      new URL('file:///docs/concepts/worlds.mdx'),
    );
    expect(elsewhere).toContain('href="/fault-path/gmem-abort/"');
  });

  it('fails on a function claimed by the titles of two pages', () => {
    // The site itself has none (the test above); a duplicate would make the link ambiguous.
    expect(() => functionHomes('tests/unit/fixtures/fnlinks-duplicate')).toThrow(
      /gmem_abort\(\) is in the title of both a\.md:2 and b\.md:2/,
    );
  });
});
