// @ts-check
/**
 * The project started from an internal research brief that readers cannot open. Nothing a reader
 * sees may cite it: no "Brief §…"/"brief §…", no bare "§8.3"-style section numbers of it, and none
 * of its source tags (S-THREAD, S-V12, S-POST14, …). Readers get primary sources through the
 * source registry instead (packages/model/src/sources). The build runs this over every built page
 * (scripts/build.mjs); packages/model/test/sources.test.ts runs it over the model's sources, the
 * toggle and scenario texts and the schema, and packages/cli/test/cli-text.test.ts over the CLI's
 * output.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What a citation of the brief looks like. */
export const BRIEF_CITATION =
  /\b[Bb]rief\s*§|\(§\s*\d|§\s*\d+\.\d+\s*(?:item|,|\)|–)|\bS-(?:THREAD|V12|POST14|LPMMU|TFRMM|KWF|MEMH|PGT|QEMU|QEMU-CONV|KVMAPI|RSI-C|RSI-H|PAGEATTR|CCADOC|DIGEST|FORCEPTE)\b|\bthread message \d|\bthread messages? \[?\d|\bmsgs? \d{1,3}\b/;

/**
 * Every match in a text, with its line.
 * @param {string} text
 * @returns {{ line: number, match: string }[]}
 */
export function briefCitations(text) {
  /** @type {{ line: number, match: string }[]} */
  const out = [];
  text.split('\n').forEach((l, i) => {
    const m = BRIEF_CITATION.exec(l);
    if (m)
      out.push({ line: i + 1, match: l.slice(Math.max(0, m.index - 30), m.index + m[0].length + 30).trim() });
  });
  return out;
}

/**
 * Every file under `dir` with one of the extensions.
 * @param {string} dir
 * @param {readonly string[]} exts
 * @returns {string[]}
 */
export function filesUnder(dir, exts) {
  /** @type {string[]} */
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p, exts));
    else if (exts.some((e) => name.endsWith(e))) out.push(p);
  }
  return out;
}

/**
 * The built pages that cite the brief, each with the first offending text.
 * @param {string} dist
 */
export function briefCitationsInBuild(dist) {
  return filesUnder(dist, ['.html'])
    .map((file) => {
      // Text only: tags and attributes can hold anything (ids, data).
      const text = readFileSync(file, 'utf8')
        .replace(/<script[\s\S]*?<\/script>/g, '')
        .replace(/<[^>]+>/g, ' ');
      const found = briefCitations(text);
      return { file, found };
    })
    .filter((r) => r.found.length > 0);
}

/**
 * The built pages whose prose still shows a citation as written, `[@…]`: a citation no plugin
 * turned into a link (for example because a later plugin rewrote its text node). Code,
 * preformatted text and editable text (the playground's scenario JSON), where the syntax is
 * shown as written on purpose, do not count.
 * @param {string} dist
 */
export function rawCitationsInBuild(dist) {
  return filesUnder(dist, ['.html'])
    .map((file) => {
      const text = readFileSync(file, 'utf8')
        .replace(/<script[\s\S]*?<\/script>/g, '')
        .replace(/<pre[\s\S]*?<\/pre>/g, '')
        .replace(/<code[\s\S]*?<\/code>/g, '')
        .replace(/<textarea[\s\S]*?<\/textarea>/g, '')
        .replace(/<[^>]+>/g, ' ');
      /** @type {{ line: number, match: string }[]} */
      const found = [];
      text.split('\n').forEach((l, i) => {
        const at = l.indexOf('[@');
        if (at >= 0) found.push({ line: i + 1, match: l.slice(Math.max(0, at - 30), at + 40).trim() });
      });
      return { file, found };
    })
    .filter((r) => r.found.length > 0);
}
