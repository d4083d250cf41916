// @ts-check
/**
 * A small static file server for the built site (dist/), used by the browser tests and the
 * benchmarks, and by `npm run preview`. It serves exactly what a static host would: files,
 * directory index.html, the site's own 404 page, and a 404 status for anything missing, so the
 * tests see broken links as failed requests.
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { headersForPath, parseHeadersFile } from './headers.mjs';

/** @type {Record<string, string>} */
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
};

/**
 * @param {string} root directory to serve
 * @param {number} [port] 0 picks a free port
 * @param {{ headers?: 'none' | 'file' }} [options] headers: 'file' sends the headers that the
 *   rules of root/_headers give each path (scripts/headers.mjs), as Netlify would; 'none'
 *   (the default) sends only Content-Type
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export function serve(root, port = 0, options = {}) {
  const base = resolve(root);
  const headersFor = ruleHeaders(base, options.headers ?? 'none');
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = normalize(join(base, path));
    if (file !== base && !file.startsWith(base + sep)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    let status = 200;
    if (!existsSync(file)) {
      status = 404;
      file = join(base, '404.html');
      if (!existsSync(file)) {
        res.writeHead(404, { 'content-type': 'text/plain', ...headersFor(req.url) }).end('not found');
        return;
      }
    }
    res.writeHead(status, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      ...headersFor(req.url),
    });
    createReadStream(file).pipe(res);
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      const addr = server.address();
      const p = typeof addr === 'object' && addr ? addr.port : port;
      ok({
        url: `http://127.0.0.1:${p}`,
        close: () =>
          new Promise((done) => {
            server.close(() => {
              done();
            });
          }),
      });
    });
  });
}

/**
 * The extra headers for a request URL: none, or those the rules of root/_headers give its path.
 * @param {string} root
 * @param {string} mode 'none' or 'file' (checked: JavaScript callers are not type-checked)
 * @returns {(url: string | undefined) => Record<string, string>}
 */
function ruleHeaders(root, mode) {
  if (mode === 'none') return () => ({});
  if (mode !== 'file') throw new Error(`serve: options.headers must be 'none' or 'file', not ${mode}`);
  const file = join(root, '_headers');
  if (!existsSync(file)) throw new Error(`serve: headers 'file' needs ${file}; run \`npm run build\` first`);
  const rules = parseHeadersFile(readFileSync(file, 'utf8'));
  return (url) => headersForPath(rules, new URL(url ?? '/', 'http://x').pathname);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (!existsSync('dist/index.html')) {
    console.error('dist/ has no built site: run `npm run build` first.');
    process.exit(1);
  }
  const { url } = await serve('dist', Number(process.env['PORT'] ?? 4321));
  console.log(`serving dist/ at ${url.replace('127.0.0.1', 'localhost')}/`);
}
