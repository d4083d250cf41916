// Replay speed (issue 15): lines per second read, decoded, grouped into episodes and compared with
// the model, for a generated log of 100 000 lines (bench/replay-log.mjs; about 10 MB). Target:
// 100 000 lines in under 2 s. Baseline in the same run: splitting the same text into lines and
// matching one regular expression per line, the least any line reader does.
//
// Run after `npm run prepare` (which builds packages/model/dist): `node bench/replay.mjs [--lines N] [--json]`.
// The worker's figures (the same log read in the Replay page's Web Worker, in Chromium) come from
// bench/replay-worker.mjs.
import { createReplay } from '../packages/model/dist/index.js';
import { benchLog } from './replay-log.mjs';

const asJson = process.argv.includes('--json');
const at = process.argv.indexOf('--lines');
const lines = at > 0 ? Number(process.argv[at + 1]) : 100_000;
const text = benchLog(lines);
const CHUNK = 256 * 1024;

function baseline() {
  const t0 = performance.now();
  let n = 0;
  const re = /^\s*(.+?)-(\d+)\s+\[(\d+)\]/;
  for (const l of text.split('\n')) if (re.test(l)) n++;
  return { ms: performance.now() - t0, n };
}

function replay() {
  const t0 = performance.now();
  const r = createReplay();
  for (let i = 0; i < text.length; i += CHUNK) r.push(text.slice(i, i + CHUNK));
  const out = r.end();
  return { ms: performance.now() - t0, stats: out.stats };
}

/** @type {{ base: { ms: number }, replay: { ms: number, stats: { episodes: number, recognised: number } } }[]} */
const runs = [];
for (let i = 0; i < 3; i++) runs.push({ base: baseline(), replay: replay() });
/** @param {'base' | 'replay'} k */
const best = (k) => Math.min(...runs.map((r) => r[k].ms));
const result = {
  lines,
  megabytes: +(text.length / 1e6).toFixed(1),
  replayMs: +best('replay').toFixed(0),
  linesPerSecond: Math.round(lines / (best('replay') / 1000)),
  baselineMs: +best('base').toFixed(1),
  ratio: +(best('replay') / best('base')).toFixed(1),
  episodes: runs[0].replay.stats.episodes,
  recognised: runs[0].replay.stats.recognised,
  runsMs: runs.map((r) => Math.round(r.replay.ms)),
};
if (asJson) console.log(JSON.stringify(result, null, 2));
else {
  console.log(
    `replay of ${result.lines} lines (${result.megabytes} MB): best of 3 ${result.replayMs} ms (${result.runsMs.join(', ')} ms), ${result.linesPerSecond} lines/s`,
  );
  console.log(`  ${result.recognised} recognised, ${result.episodes} fault episodes`);
  console.log(
    `  baseline (split + one regex per line): ${result.baselineMs} ms; replay costs ${result.ratio}× the baseline`,
  );
  console.log(
    `  target: ${lines} lines in under 2000 ms — ${result.replayMs < 2000 ? 'met' : 'NOT met'} on this run`,
  );
}
