// @ts-check
/**
 * Completes the Content-Security-Policy that Astro writes into each built page (`security.csp`
 * in astro.config.mjs). Astro hashes the scripts and styles it bundles, but not the `is:inline`
 * scripts of Starlight's components (the theme provider that runs before first paint, the
 * sidebar state and search-shortcut scripts) nor some component <style> elements; without their
 * hashes the browser blocks them. After the build, this adds the SHA-256 hash of every inline
 * <script> and <style> element of a page to that page's script-src / style-src, so exactly what
 * the build shipped runs — nothing injected later does, and eval stays blocked.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const META = /<meta http-equiv="content-security-policy" content="([^"]*)"\s*\/?>/i;
const INLINE = /<(script|style)\b((?:[^>"']|"[^"]*"|'[^']*')*)>([\s\S]*?)<\/\1\s*>/gi;

/** @param {string} text @returns {string} */
const sha256 = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * The policy `content` with `hashes` added to `directive` (and its -elem variant when present).
 * @param {string} policy
 * @param {'script' | 'style'} kind
 * @param {Set<string>} hashes
 */
function addHashes(policy, kind, hashes) {
  const parts = policy.split(';');
  const names = [`${kind}-src`, `${kind}-src-elem`];
  const present = parts.map((p) => p.trim().split(/\s+/)[0] ?? '');
  // When a -elem directive exists it decides for elements; otherwise the plain one does.
  const target = present.includes(names[1] ?? '') ? names[1] : names[0];
  return parts
    .map((p) => {
      const tokens = p.trim().split(/\s+/);
      if (tokens[0] !== target) return p;
      const missing = [...hashes].filter((h) => !tokens.includes(h));
      return missing.length ? ` ${[...tokens, ...missing].join(' ')}` : p;
    })
    .join(';');
}

/**
 * Add the hashes of a page's inline scripts and styles to its CSP meta element.
 * @param {string} html
 * @returns {string} the page, changed only in the meta element's content
 */
export function hashInlineElements(html) {
  const meta = META.exec(html);
  if (!meta) return html;
  /** @type {{ script: Set<string>, style: Set<string> }} */
  const found = { script: new Set(), style: new Set() };
  for (const m of html.matchAll(INLINE)) {
    const kind = /** @type {'script' | 'style'} */ ((m[1] ?? '').toLowerCase());
    const attrs = m[2] ?? '';
    const body = m[3] ?? '';
    if (kind === 'script' && /\bsrc\s*=/i.test(attrs)) continue;
    // Data blocks (JSON, templates) are never executed, so the policy need not cover them.
    if (kind === 'script' && /\btype\s*=\s*["']?(application\/(ld\+)?json|text\/template)/i.test(attrs))
      continue;
    found[kind].add(sha256(body));
  }
  let policy = (meta[1] ?? '').replaceAll('&#39;', "'");
  policy = addHashes(addHashes(policy, 'script', found.script), 'style', found.style);
  const quotedAsBefore = meta[0].includes('&#39;') ? policy.replaceAll("'", '&#39;') : policy;
  return html.replace(meta[0], meta[0].replace(meta[1] ?? '', quotedAsBefore));
}

/** @param {string} dir @returns {string[]} */
function htmlFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return htmlFiles(path);
    return name.endsWith('.html') ? [path] : [];
  });
}

/**
 * The Astro integration: runs when the build is done, over every page in the output.
 * @returns {import('astro').AstroIntegration}
 */
export function cspInlineHashes() {
  return {
    name: 'realmfault:csp-inline-hashes',
    hooks: {
      'astro:build:done': ({ dir }) => {
        for (const file of htmlFiles(fileURLToPath(dir))) {
          const html = readFileSync(file, 'utf8');
          const out = hashInlineElements(html);
          if (out !== html) writeFileSync(file, out);
        }
      },
    },
  };
}
