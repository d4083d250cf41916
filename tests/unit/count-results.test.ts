import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Run scripts/count-results.mjs as CI does and return its one line. */
function count(reports: Record<string, unknown>, status = 0): string {
  const dir = mkdtempSync(join(tmpdir(), 'reports-'));
  for (const [name, body] of Object.entries(reports)) writeFileSync(join(dir, name), JSON.stringify(body));
  return execFileSync('node', ['scripts/count-results.mjs', dir, String(status)], {
    encoding: 'utf8',
  }).trim();
}

describe('scripts/count-results.mjs (the closing line CI reads)', () => {
  it('adds up the passed and failed counts of every JSON report', () => {
    expect(
      count({
        'unit.json': { numPassedTests: 40, numFailedTests: 0 },
        'e2e.json': { numPassedTests: 30, numFailedTests: 2 },
      }),
    ).toBe('70 passed, 2 failed');
  });

  it('ignores files that are not JSON reports and fields that are not numbers', () => {
    expect(count({ 'unit.json': { numPassedTests: '5' }, 'notes.txt': {} })).toBe('0 passed, 0 failed');
  });

  it('counts a failed test command with no failed test (a type or lint error) as one failure', () => {
    expect(count({ 'unit.json': { numPassedTests: 12, numFailedTests: 0 } }, 1)).toBe('12 passed, 1 failed');
    expect(count({}, 2)).toBe('0 passed, 1 failed');
  });
});
