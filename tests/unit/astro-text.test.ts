/**
 * Text in .astro templates never glues an expression to a word ("of{name}under"). Prettier's
 * Astro plugin rewrites `of {name} under` to `of{name}under` inside <caption>, and the built page
 * then reads "ofthp-alignedunder"; this shipped once in the scenario pages' table captions. Write
 * such text as one template literal, {`of ${name} under`}, which formatting cannot change.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function astroFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? astroFiles(join(dir, e.name)) : e.name.endsWith('.astro') ? [join(dir, e.name)] : [],
  );
}

/** Lines of template text (outside the frontmatter, <script> and <style>) that glue `{…}` to a word. */
export function gluedExpressions(source: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let fences = 0;
  let inBlock = false;
  source.split('\n').forEach((raw, i) => {
    if (fences < 2 && raw.trim() === '---') {
      fences++;
      return;
    }
    if (fences === 1) return; // frontmatter
    if (/<(script|style)\b/.test(raw)) inBlock = true;
    if (inBlock) {
      if (/<\/(script|style)>/.test(raw)) inBlock = false;
      return;
    }
    // An expression (not an attribute value, not {' '}) touching a letter on either side.
    const line = raw.replace(/\{' '\}/g, ' ').replace(/=\{[^{}]*\}/g, '=""');
    if (/[A-Za-z0-9]\{[^{}]*\}|\{[^{}]*\}[A-Za-z0-9]/.test(line)) out.push({ line: i + 1, text: raw.trim() });
  });
  return out;
}

describe('.astro template text', () => {
  it('finds a glued expression and ignores attributes, spacing expressions and frontmatter', () => {
    const sample = [
      '---',
      'const a = {b}c;',
      '---',
      '<caption>Outcome of{name}under v14</caption>',
      '<p data-x={y}>ok {z} ok</p>',
      "<p>sets{' '}<code>x</code></p>",
      '<style>.a{b}c{}</style>',
    ].join('\n');
    expect(gluedExpressions(sample)).toEqual([
      { line: 4, text: '<caption>Outcome of{name}under v14</caption>' },
    ]);
  });

  it.each(astroFiles('src'))('%s glues no expression to a word', (file) => {
    const hits = gluedExpressions(readFileSync(file, 'utf8'));
    expect(
      hits.map((h) => `${file}:${String(h.line)}: ${h.text}`),
      'write the text as one template literal, {`… ${expr} …`}',
    ).toEqual([]);
  });
});
