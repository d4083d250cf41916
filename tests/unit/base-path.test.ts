/**
 * Deploying under a base path (issue 16): the checks of BASE_PATH and SITE_URL
 * (scripts/site-config.mjs), the Markdown plugin that puts the pages' own links under the base
 * path (src/plugins/base), and the link check of a build made for a base path.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { markdownToHtml } from 'satteri';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { normaliseBase, normaliseSite, withBase } from '../../scripts/site-config.mjs';
import { checkLinks } from '../../scripts/check-links.mjs';

describe('BASE_PATH and SITE_URL', () => {
  it('normalises a base path to /a/b/ form, with or without slashes', () => {
    expect(normaliseBase(undefined)).toBe('/');
    expect(normaliseBase('')).toBe('/');
    expect(normaliseBase('/')).toBe('/');
    expect(normaliseBase('realmfault')).toBe('/realmfault/');
    expect(normaliseBase('/realmfault')).toBe('/realmfault/');
    expect(normaliseBase('docs/realmfault/')).toBe('/docs/realmfault/');
    expect(normaliseBase('//a//b//')).toBe('/a/b/');
  });

  it('refuses a base path that is not a plain URL path, naming the variable and the segment', () => {
    expect(() => normaliseBase('/a b/')).toThrow(
      /^BASE_PATH="\/a b\/": expected a URL path .* found the segment "a b"$/,
    );
    expect(() => normaliseBase('/../x/')).toThrow(/found the segment "\.\."/);
    expect(() => normaliseBase('https://x.org/a/')).toThrow(/found the segment "https:"/);
    expect(() => normaliseBase('/a?b/')).toThrow(/found the segment "a\?b"/);
  });

  it('takes an origin as SITE_URL and sends a path to BASE_PATH', () => {
    expect(normaliseSite(undefined)).toBe('http://localhost:4321');
    expect(normaliseSite('https://example.org/')).toBe('https://example.org');
    expect(() => normaliseSite('https://example.org/realmfault/')).toThrow(
      /^SITE_URL="https:\/\/example\.org\/realmfault\/": expected an origin only \(such as https:\/\/example\.org\); put the path "\/realmfault\/" in BASE_PATH instead$/,
    );
    expect(() => normaliseSite('example.org')).toThrow(/expected an absolute URL/);
    expect(() => normaliseSite('ftp://example.org')).toThrow(/expected an http or https URL/);
  });

  it('puts root-absolute paths under the base path and leaves every other URL alone', () => {
    const b = '/realmfault/';
    expect(withBase('/concepts/', b)).toBe('/realmfault/concepts/');
    expect(withBase('/reference/glossary/#term-ripas', b)).toBe('/realmfault/reference/glossary/#term-ripas');
    expect(withBase('/', b)).toBe('/realmfault/');
    expect(withBase('/realmfault/concepts/', b)).toBe('/realmfault/concepts/');
    expect(withBase('https://lore.kernel.org/x', b)).toBe('https://lore.kernel.org/x');
    expect(withBase('//cdn.example/x.js', b)).toBe('//cdn.example/x.js');
    expect(withBase('#anchor', b)).toBe('#anchor');
    expect(withBase('start-here/', b)).toBe('start-here/');
    expect(withBase('/concepts/', '/')).toBe('/concepts/');
  });
});

describe('src/plugins/base: the pages’ links under BASE_PATH', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  async function render(md: string, base: string): Promise<string> {
    vi.stubEnv('BASE_PATH', base);
    vi.resetModules();
    const { basePlugin } = await import('../../src/plugins/base/index.js');
    const { glossaryPlugin } = await import('../../src/plugins/glossary/index.js');
    const out = await markdownToHtml(md, { mdastPlugins: [() => glossaryPlugin(), () => basePlugin()] });
    return out.html;
  }

  it('rewrites links, reference definitions and images that start at the site root', async () => {
    const html = await render(
      'See [the states](/concepts/rtt-states/#table), [ref][r], ![d](/favicon.svg), ' +
        '[lore](https://lore.kernel.org/x), [here](#a) and [rel](start-here/).\n\n[r]: /reference/rmi/\n',
      '/realmfault/',
    );
    expect(html).toContain('href="/realmfault/concepts/rtt-states/#table"');
    expect(html).toContain('href="/realmfault/reference/rmi/"');
    expect(html).toContain('src="/realmfault/favicon.svg"');
    expect(html).toContain('href="https://lore.kernel.org/x"');
    expect(html).toContain('href="#a"');
    expect(html).toContain('href="start-here/"');
    expect(html).not.toMatch(/(href|src)="\/(?!realmfault\/)/);
  });

  it('reaches the links another plugin made (the glossary’s), and changes nothing at the root', async () => {
    const md = 'A realm runs under the RMM.\n';
    const under = await render(md, '/realmfault/');
    expect(under).toMatch(/href="\/realmfault\/reference\/glossary\/#term-realm"/);
    const root = await render(md, '/');
    expect(root).toMatch(/href="\/reference\/glossary\/#term-realm"/);
  });
});

describe('scripts/check-links.mjs on a build made for a base path', () => {
  it('resolves links under the base path and reports one outside it', () => {
    const root = mkdtempSync(join(tmpdir(), 'site-'));
    mkdirSync(join(root, 'concepts'));
    writeFileSync(
      join(root, 'index.html'),
      '<a href="/realmfault/concepts/#x">ok</a><a href="concepts/">relative</a><a href="/concepts/">forgot</a>' +
        '<script src="/_astro/x.js"></script>',
    );
    writeFileSync(join(root, 'concepts', 'index.html'), '<h2 id="x">x</h2><a href="../">up</a>');
    const r = checkLinks(root, '/realmfault/');
    expect(r.pages).toBe(2);
    expect(r.links).toBe(5);
    expect(r.broken).toEqual([
      {
        page: '/realmfault/',
        href: '/concepts/',
        reason: 'outside the base path /realmfault/ (the site is served under it)',
      },
      {
        page: '/realmfault/',
        href: '/_astro/x.js',
        reason: 'outside the base path /realmfault/ (the site is served under it)',
      },
    ]);
    expect(checkLinks(root, '/').broken.map((b) => b.href)).toEqual([
      '/realmfault/concepts/#x',
      '/_astro/x.js',
    ]);
  });
});
