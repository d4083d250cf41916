import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '../../scripts/serve.mjs';

describe('scripts/serve.mjs (the static server the browser tests use)', () => {
  let server: { url: string; close: () => Promise<void> };
  beforeAll(async () => {
    const root = mkdtempSync(join(tmpdir(), 'site-'));
    mkdirSync(join(root, 'concepts'));
    writeFileSync(join(root, 'index.html'), '<h1>home</h1>');
    writeFileSync(join(root, 'concepts', 'index.html'), '<h1>concepts</h1>');
    writeFileSync(join(root, '404.html'), '<h1>not found</h1>');
    writeFileSync(join(root, 'x.wasm'), 'wasm');
    server = await serve(root);
  });
  afterAll(() => server.close());

  it('serves a directory through its index.html', async () => {
    const res = await fetch(`${server.url}/concepts/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    await expect(res.text()).resolves.toBe('<h1>concepts</h1>');
  });

  it('answers a missing page with status 404 and the site 404 page, so broken links show up', async () => {
    const res = await fetch(`${server.url}/no-such-page/`);
    expect(res.status).toBe(404);
    await expect(res.text()).resolves.toBe('<h1>not found</h1>');
  });

  it('serves WebAssembly with its MIME type (Pagefind streams its wasm)', async () => {
    const res = await fetch(`${server.url}/x.wasm`);
    expect(res.headers.get('content-type')).toBe('application/wasm');
  });

  it('never serves files outside its root', async () => {
    const res = await fetch(`${server.url}/%2e%2e/%2e%2e/etc/passwd`);
    expect([403, 404]).toContain(res.status);
    await expect(res.text()).resolves.not.toContain('root:');
  });
});

describe('scripts/serve.mjs under a base path (as GitHub or GitLab Pages serve a project site)', () => {
  let server: { url: string; close: () => Promise<void> };
  beforeAll(async () => {
    const root = mkdtempSync(join(tmpdir(), 'site-'));
    mkdirSync(join(root, 'concepts'));
    writeFileSync(join(root, 'index.html'), '<h1>home</h1>');
    writeFileSync(join(root, 'concepts', 'index.html'), '<h1>concepts</h1>');
    writeFileSync(join(root, '404.html'), '<h1>not found</h1>');
    server = await serve(root, 0, { base: 'realmfault' });
  });
  afterAll(() => server.close());

  it('names the site root with the base path, and serves pages below it', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/realmfault$/);
    const res = await fetch(`${server.url}/concepts/`);
    expect(res.status).toBe(200);
    await expect(res.text()).resolves.toBe('<h1>concepts</h1>');
    await expect((await fetch(`${server.url}/`)).text()).resolves.toBe('<h1>home</h1>');
  });

  it('redirects the base path without its slash, and answers a missing page below it with the site 404 page', async () => {
    const bare = await fetch(server.url, { redirect: 'manual' });
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/realmfault/');
    const missing = await fetch(`${server.url}/nope/`);
    expect(missing.status).toBe(404);
    await expect(missing.text()).resolves.toBe('<h1>not found</h1>');
  });

  it('gives nothing outside the base path, so a link that forgot it fails', async () => {
    const origin = new URL(server.url).origin;
    for (const path of ['/concepts/', '/', '/index.html', '/realmfaultx/']) {
      const res = await fetch(`${origin}${path}`);
      expect(res.status, path).toBe(404);
      await expect(res.text()).resolves.toBe('not found: the site is served under /realmfault/');
    }
  });
});
