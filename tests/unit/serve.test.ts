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
