// @ts-check
/**
 * Print the plain closing line CI reads, `N passed, N failed`, from the JSON reports that the
 * test runners wrote into reports/. Runs on any Node (CI calls it with the system Node).
 *
 * Usage: node scripts/count-results.mjs [reports-dir] [exit-status-of-the-test-command]
 * A failed test command that left no failed test in any report (a type error, a lint error, a
 * build warning) counts as one failure, so the line never claims a clean run that was not.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? 'reports';
const status = Number(process.argv[3] ?? '0');
let passed = 0;
let failed = 0;
if (existsSync(dir)) {
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()) {
    /** @type {unknown} */
    const report = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    passed += count(report, 'numPassedTests');
    failed += count(report, 'numFailedTests');
  }
}
/**
 * A count from a Jest-compatible JSON report (Vitest's json reporter writes one).
 * @param {unknown} report
 * @param {string} key
 */
function count(report, key) {
  if (typeof report !== 'object' || report === null) return 0;
  const value = /** @type {Record<string, unknown>} */ (report)[key];
  return typeof value === 'number' ? value : 0;
}

if (status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
