// @ts-check
/**
 * A small static file server for the built site (dist/), used by the browser tests and the
 * benchmarks, and by `npm run preview`. It serves exactly what a static host would: files,
 * directory index.html, the site's own 404 page, and a 404 status for anything missing, so the
 * tests see broken links as failed requests.
 *
 * With a base path (`options.base`, e.g. /realmfault/) it serves the site the way GitHub or
 * GitLab Pages serve a project site: only below that path (`/realmfault` without the slash is
 * redirected to it), with a bare 404 for anything outside, so a link that forgot the base path
 * fails in the tests as it would on the host.
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { headersForPath, parseHeadersFile } from './headers.mjs';
import { basePath, normaliseBase, outDir } from './site-config.mjs';

/** The Content-Type of each kind of file the site has (also used by the offline test and bench). */
/** @type {Record<string, string>} */
export const TYPES = {
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
 * @param {{ base?: string, headers?: 'none' | 'file' }} [options] base: the path the site is
 *   served under (default /); headers: 'file' sends the headers that the rules of root/_headers
 *   give each path (scripts/headers.mjs), as Netlify would; 'none' (the default) sends only
 *   Content-Type
 * @returns {Promise<{ url: string, close: () => Promise<void> }>} url: the site's root, with the
 *   base path and without a trailing slash (`http://127.0.0.1:PORT/realmfault`)
 */
export function serve(root, port = 0, options = {}) {
  const base = resolve(root);
  const prefix = normaliseBase(options.base);
  const headersFor = ruleHeaders(base, options.headers ?? 'none');
  const server = createServer((req, res) => {
    let path;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('bad request');
      return;
    }
    if (prefix !== '/' && path === prefix.slice(0, -1)) {
      res.writeHead(301, { location: prefix }).end();
      return;
    }
    if (!path.startsWith(prefix)) {
      res
        .writeHead(404, { 'content-type': 'text/plain' })
        .end(`not found: the site is served under ${prefix}`);
      return;
    }
    path = `/${path.slice(prefix.length)}`;
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
        url: `http://127.0.0.1:${p}${prefix.slice(0, -1)}`,
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
  // `npm run preview`: the build in OUT_DIR (default dist), under BASE_PATH (default /), as built.
  const dir = outDir();
  let under;
  try {
    under = basePath();
  } catch (e) {
    console.error(`preview: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(2);
  }
  if (!existsSync(join(dir, 'index.html'))) {
    console.error(
      `${dir}/ has no built site: run \`npm run build\` first (with the same OUT_DIR and BASE_PATH).`,
    );
    process.exit(1);
  }
  // With the response headers the build wrote for hosts that can set them, when there are any.
  const headers = existsSync(join(dir, '_headers')) ? 'file' : 'none';
  const { url } = await serve(dir, Number(process.env['PORT'] ?? 4321), { base: under, headers });
  console.log(
    `serving ${dir}/ at ${url.replace('127.0.0.1', 'localhost')}/` +
      (headers === 'file' ? `, with the headers of ${dir}/_headers` : ''),
  );
}
