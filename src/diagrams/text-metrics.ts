/**
 * Text widths for build-time layout, from the font the page draws diagram text in: Inter, the
 * Latin subset that src/styles/diagrams.css serves from @fontsource/inter. The advance widths are
 * read from those very files (fontkit), so a box sized here fits its text in the reader's browser.
 *
 * Kerning is ignored: it only narrows Latin text in Inter, so the sum of advances is an upper
 * bound. A character the subset lacks (→ and ≥ are the ones the site uses) is drawn by a fallback
 * font; it is counted as 1 em, wider than the arrow of any common fallback.
 */
import { createRequire } from 'node:module';

export type Weight = 400 | 500 | 600;

const require = createRequire(import.meta.url);
// Node's own require, not an import: Vite's dev server resolves an import of fontkit with the
// browser condition (its browser build has no openSync), while require() always gets the Node build.
const fontkit = require('fontkit') as typeof import('fontkit');
const fonts = new Map<Weight, { widthOf: (c: string) => number }>();

function font(weight: Weight): { widthOf: (c: string) => number } {
  let f = fonts.get(weight);
  if (f === undefined) {
    const file = require.resolve(`@fontsource/inter/files/inter-latin-${String(weight)}-normal.woff2`);
    const face = fontkit.openSync(file);
    if (!('unitsPerEm' in face)) throw new Error(`${file}: a font collection, expected one font`);
    const em = face.unitsPerEm;
    const cache = new Map<string, number>();
    f = {
      widthOf(c: string): number {
        let w = cache.get(c);
        if (w === undefined) {
          const cp = c.codePointAt(0) ?? 0;
          w = face.hasGlyphForCodePoint(cp) ? face.glyphForCodePoint(cp).advanceWidth / em : 1;
          cache.set(c, w);
        }
        return w;
      },
    };
    fonts.set(weight, f);
  }
  return f;
}

/** Width in px of `text` set in Inter at `size` px and `weight`. */
export function textWidth(text: string, size: number, weight: Weight = 400): number {
  const f = font(weight);
  let em = 0;
  for (const c of text) em += f.widthOf(c);
  return em * size;
}

/**
 * Break `text` into lines no wider than `max` px: at spaces, and inside a word too long for a
 * line after "_", "/", ",", "(" or "→" where it has them, else anywhere.
 */
export function wrapText(text: string, max: number, size: number, weight: Weight = 400): string[] {
  const fits = (s: string): boolean => textWidth(s, size, weight) <= max;
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  const pushWord = (word: string): void => {
    // A word wider than a line is cut at its last good break that fits, repeatedly.
    let rest = word;
    while (!fits(rest)) {
      let cut = 0;
      for (let i = 1; i < rest.length; i++) {
        if (!fits(rest.slice(0, i))) break;
        if (/[_/,(→.-]/.test(rest.charAt(i - 1))) cut = i;
      }
      if (cut === 0) {
        cut = 1;
        while (cut < rest.length && fits(rest.slice(0, cut + 1))) cut++;
      }
      lines.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    line = rest;
  };
  for (const word of words) {
    const candidate = line ? `${line} ${word}` : word;
    if (fits(candidate)) line = candidate;
    else {
      if (line) lines.push(line);
      line = '';
      pushWord(word);
    }
  }
  if (line) lines.push(line);
  return lines.length ? lines : [''];
}
