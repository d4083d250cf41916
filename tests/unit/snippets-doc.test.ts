/**
 * Every ```ts sim snippet in the site is a test: each fence of each MDX page under
 * src/content/docs, read with the build plugin's own reader (src/plugins/sim), is run with the
 * Node evaluator and compared with its committed expectation (src/snippets/expected.json).
 * should_fail snippets must fail; no_run snippets are listed, not run; an expectation whose
 * snippet is gone fails as stale.
 *
 * UPDATE_SNIPPETS=1 rewrites expected.json from the current output (refused when CI is set),
 * dropping stale keys; the tests then check the fresh file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSnippetInNode } from '../../src/snippets/node.js';
import { formatRun } from '../../src/snippets/runtime.js';
import {
  checkRun,
  DOCS_DIR,
  expectationKey,
  readExpectations,
  readSimFences,
  updateRequested,
  writeExpectations,
  type SimFence,
} from '../../src/plugins/sim/index.js';

function mdxFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((d) =>
      d.isDirectory() ? mdxFiles(join(dir, d.name)) : d.name.endsWith('.mdx') ? [join(dir, d.name)] : [],
    )
    .sort();
}

const fences: SimFence[] = mdxFiles(DOCS_DIR).flatMap((file) =>
  readSimFences(readFileSync(file, 'utf8'), file, relative(DOCS_DIR, file).replace(/\\/g, '/')),
);
const runs = new Map(
  fences.filter((f) => !f.meta.noRun).map((f) => [expectationKey(f), runSnippetInNode(f.code)]),
);

if (updateRequested()) {
  writeExpectations(Object.fromEntries([...runs].map(([key, run]) => [key, formatRun(run)])));
}
const expected = readExpectations();

describe('the site has runnable snippets', () => {
  it('on at least 10 pages, with at least one should_fail and one no_run', () => {
    expect(new Set(fences.map((f) => f.docPath)).size).toBeGreaterThanOrEqual(10);
    expect(fences.some((f) => f.meta.shouldFail)).toBe(true);
    expect(fences.some((f) => f.meta.noRun)).toBe(true);
  });

  it('has no stale expectations (every key in expected.json is a run snippet)', () => {
    const stale = Object.keys(expected).filter((k) => !runs.has(k));
    expect(
      stale,
      'snippets removed or renamed: rerun with UPDATE_SNIPPETS=1 to drop their expectations',
    ).toEqual([]);
  });
});

for (const fence of fences) {
  const name = `${fence.docPath}:${String(fence.line)} #${fence.id}`;
  describe(name, () => {
    if (fence.meta.noRun) {
      it('is no_run: shown with its source, not run at build time', () => {
        expect(expected[expectationKey(fence)]).toBeUndefined();
        expect(fence.code.trim()).not.toBe('');
      });
      return;
    }
    const run = runs.get(expectationKey(fence));
    it(
      fence.meta.shouldFail
        ? 'fails as it should, printing its committed output'
        : 'runs without a problem, printing its committed output',
      () => {
        if (!run) throw new Error(`no run for ${name}`);
        if (fence.meta.shouldFail)
          expect(run.problem, 'should_fail snippet ran without a problem').not.toBeNull();
        else expect(run.problem, 'snippet ended with a problem').toBeNull();
        expect(formatRun(run)).toBe(expected[expectationKey(fence)]);
        expect(checkRun(fence, run, expected[expectationKey(fence)])).toBeNull();
      },
    );
  });
}
