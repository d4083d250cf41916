/**
 * Output quoted in the pages. A ```text block in a page either quotes the simulator — marked
 * `{/* model-output: SCENARIO VARIANT *\/}` on the line before it, and then every line of it must
 * be a line of that run's trace (trimmed; "…" stands for any text the page left out) — or quotes
 * a log from elsewhere (a mail, a build error), marked `{/* log: WHAT *\/}`. An unmarked block
 * fails, so a page cannot show model output that no test checks.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatTrace, getBuiltinScenario, runScenario, toVariant } from '@realmfault/model';

const DOCS = 'src/content/docs';

function pages(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? pages(p) : p.endsWith('.mdx') || p.endsWith('.md') ? [p] : [];
  });
}

interface Block {
  readonly where: string;
  readonly marker: string | null;
  readonly lines: readonly string[];
}

/** Every ```text block of a page, with the marker comment on the line before it. */
function textBlocks(file: string): Block[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const out: Block[] = [];
  lines.forEach((l, i) => {
    if (!/^```text\b/.test(l)) return;
    const end = lines.findIndex((x, j) => j > i && x.startsWith('```'));
    const prev = i > 0 ? (lines[i - 1] ?? '') : '';
    out.push({
      where: `${relative('.', file)}:${i + 1}`,
      marker: /^\{\/\*.*\*\/\}$/.test(prev.trim()) ? prev.trim() : null,
      lines: lines.slice(i + 1, end),
    });
  });
  return out;
}

/** A quoted line as a pattern: "…" matches anything, the rest literally. */
function pattern(line: string): RegExp {
  const parts = line
    .trim()
    .split('…')
    .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`);
}

const BLOCKS = pages(DOCS).flatMap(textBlocks);
const MODEL = /^\{\/\* model-output: ([a-z0-9-]+) ([a-z0-9-]+) \*\/\}$/;
const LOG = /^\{\/\* log: .+ \*\/\}$/;

describe('output quoted in the pages', () => {
  it('finds the quoted blocks', () => {
    expect(BLOCKS.filter((b) => b.marker !== null && MODEL.test(b.marker)).length).toBeGreaterThan(5);
  });

  it('marks every ```text block as model output or as a log from elsewhere', () => {
    const unmarked = BLOCKS.filter((b) => b.marker === null || !(MODEL.test(b.marker) || LOG.test(b.marker)));
    expect(unmarked.map((b) => b.where)).toEqual([]);
  });

  for (const b of BLOCKS) {
    const m = b.marker === null ? null : MODEL.exec(b.marker);
    if (m === null) continue;
    const [, name = '', variantName = ''] = m;
    it(`${b.where}: every line is in the trace of ${name} under ${variantName}`, () => {
      const variant = toVariant(variantName);
      if (variant === undefined) throw new Error(`${b.where}: unknown variant ${variantName}`);
      const trace = formatTrace(runScenario(getBuiltinScenario(name), { variant }).trace)
        .split('\n')
        .map((l) => l.trim());
      const missing = b.lines.filter((l) => l.trim() !== '' && !trace.some((t) => pattern(l).test(t)));
      expect(missing, `${b.where}: lines not in the trace`).toEqual([]);
    });
  }
});
