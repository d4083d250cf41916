/**
 * scripts/serve.mjs with `options.headers`: 'file' sends what the rules of root/_headers give each
 * path (as Netlify would serve the build), including on the 404 page; 'none' (the default) sends
 * none of them; a missing _headers file or an unknown mode is a clear error.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '../../scripts/serve.mjs';

function root(withHeaders: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'serve-headers-'));
  mkdirSync(join(dir, 'docs'));
  mkdirSync(join(dir, '_astro'));
  writeFileSync(join(dir, 'index.html'), '<h1>home</h1>');
  writeFileSync(join(dir, 'docs', 'index.html'), '<h1>docs</h1>');
  writeFileSync(join(dir, '404.html'), '<h1>not found</h1>');
  writeFileSync(join(dir, '_astro', 'w.js'), 'postMessage(1)');
  if (withHeaders) {
    writeFileSync(
      join(dir, '_headers'),
      [
        '# test rules',
        '/*',
        '  X-Frame-Options: DENY',
        '/docs/*',
        "  Content-Security-Policy: default-src 'self'",
        '/_astro/*',
        '  Cache-Control: immutable',
        '/_astro/w.js',
        "  Content-Security-Policy: default-src 'none'",
        '',
      ].join('\n'),
    );
  }
  return dir;
}

describe('scripts/serve.mjs options.headers', () => {
  let withFile: { url: string; close: () => Promise<void> };
  let without: { url: string; close: () => Promise<void> };
  beforeAll(async () => {
    const dir = root(true);
    withFile = await serve(dir, 0, { headers: 'file' });
    without = await serve(dir, 0);
  });
  afterAll(async () => {
    await withFile.close();
    await without.close();
  });

  it("'file' sends the headers of every rule that matches the path", async () => {
    const docs = await fetch(`${withFile.url}/docs/`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get('x-frame-options')).toBe('DENY');
    expect(docs.headers.get('content-security-policy')).toBe("default-src 'self'");
    expect(docs.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const worker = await fetch(`${withFile.url}/_astro/w.js`);
    expect(worker.headers.get('content-security-policy')).toBe("default-src 'none'");
    expect(worker.headers.get('cache-control')).toBe('immutable');
    const home = await fetch(`${withFile.url}/`);
    expect(home.headers.get('x-frame-options')).toBe('DENY');
    expect(home.headers.get('content-security-policy')).toBeNull();
  });

  it("'file' sends the rules of the requested path with the 404 page", async () => {
    const res = await fetch(`${withFile.url}/docs/missing/`);
    expect(res.status).toBe(404);
    await expect(res.text()).resolves.toBe('<h1>not found</h1>');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'self'");
  });

  it("'none', the default, sends none of them", async () => {
    const res = await fetch(`${without.url}/docs/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-frame-options')).toBeNull();
    expect(res.headers.get('content-security-policy')).toBeNull();
  });

  it("refuses 'file' without a _headers file, and an unknown mode", () => {
    expect(() => serve(root(false), 0, { headers: 'file' })).toThrow(
      /needs .*_headers; run `npm run build` first/,
    );
    expect(() => serve(root(true), 0, { headers: 'netlify' as 'file' })).toThrow(
      /options\.headers must be 'none' or 'file', not netlify/,
    );
  });
});
