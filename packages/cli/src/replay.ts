/**
 * `realmfault replay FILE|-`: read a log (a file, or standard input with `-`) through the model's
 * replay and print every line's reading, the fault episodes with the model's prediction and the
 * divergences, and the scenario inferred from the log — as text, or as one JSON object.
 */
import {
  MIRRORED_FUNCTIONS,
  MAX_REPLAY_BYTES,
  replayLog,
  type ReplayEpisode,
  type ReplayLine,
  type ReplayResult,
  type Variant,
} from '@realmfault/model';
import { Footnotes, sourcesOf } from './cite.js';
import type { Io } from './io.js';

const MODEL_FILE = new Map(MIRRORED_FUNCTIONS.map((f) => [f.name, f.model]));

export interface ReplayCommandOptions {
  readonly path: string;
  readonly ipaBits: number | undefined;
  readonly variant: Variant | undefined;
  readonly json: boolean;
  readonly episodesOnly: boolean;
}

/** Decode bytes as UTF-8 with replacement characters: a log may hold binary junk, which the replay marks. */
const lenient = new TextDecoder('utf-8', { fatal: false });

export function replayBytes(bytes: Uint8Array, opts: ReplayCommandOptions, io: Io): number {
  const text = lenient.decode(bytes);
  const result = replayLog(text, {
    ...(opts.ipaBits === undefined ? {} : { ipaBits: opts.ipaBits }),
    ...(opts.variant === undefined ? {} : { variant: opts.variant }),
  });
  if (opts.json) {
    const texts = new Set<string>();
    for (const l of result.lines) for (const s of l.sources) texts.add(s);
    for (const e of result.episodes)
      for (const d of e.divergences) for (const x of d.explanations) for (const s of x.sources) texts.add(s);
    io.stdout(
      `${JSON.stringify({ input: opts.path, ...result, sources: sourcesOf([...texts]) }, null, 2)}\n`,
    );
    return 0;
  }
  io.stdout(formatReplay(result, opts));
  return 0;
}

function familyCounts(r: ReplayResult): string {
  const parts = Object.entries(r.stats.byFamily)
    .filter(([, n]) => n > 0)
    .map(([f, n]) => `${String(n)} ${f}`);
  return parts.length ? parts.join(', ') : 'none';
}

const plural = (n: number, one: string, many = `${one}s`): string => `${String(n)} ${n === 1 ? one : many}`;

function lineBlock(l: ReplayLine, notes: Footnotes, out: string[]): void {
  const tag = l.status === 'recognised' ? (l.family ?? '') : l.status;
  const ep = l.episode !== null ? `  [episode ${String(l.episode)}]` : '';
  out.push(`${String(l.n).padStart(6)}  ${tag.padEnd(12)} ${l.title}${ep}`);
  if (l.status === 'blank') return;
  if (l.status !== 'recognised') {
    out.push(`        ${l.text}`);
    out.push(`        ${l.reading}`);
    return;
  }
  out.push(`        ${l.reading}`);
  for (const v of l.values) {
    out.push(`        ${v.name} ${v.text}${v.reading !== v.text ? `: ${v.reading}` : ''}`);
    for (const n of v.notes) out.push(`          note: ${notes.mark(n)}`);
  }
  const where: string[] = [];
  if (l.fn)
    where.push(
      `model: ${l.fn}${MODEL_FILE.has(l.fn) ? ` (packages/model/${MODEL_FILE.get(l.fn) ?? ''})` : ''}`,
    );
  if (l.page) where.push(`page: ${l.page}`);
  if (l.sources.length) where.push(`sources: ${notes.mark(l.sources.join(' '))}`);
  if (where.length) out.push(`        ${where.join('; ')}`);
}

function episodeBlock(e: ReplayEpisode, notes: Footnotes, out: string[]): void {
  const f = e.fault;
  out.push(
    `episode ${String(e.id)} (lines ${String(e.first)}–${String(e.last)}): ${f.half === 'protected' ? 'private' : 'shared-alias'} fault at IPA ${f.ipa} (GPA ${f.gpa}, GFN ${f.gfn})${f.esr ? `, ESR ${f.esr}${f.fault ? `: ${f.fault}` : ''}` : ''} → ${f.handler}()`,
  );
  out.push(`  access: ${f.access}. ${f.accessNote}`);
  const calls = e.rmi.map(
    (c) => `${c.cmd} → ${c.status}${c.level !== null ? `(${String(c.level)})` : ''} (line ${String(c.line)})`,
  );
  out.push(
    `  the log: ${calls.length ? calls.join(', ') : 'no RMI command'}${e.prot ? `; prot ${e.prot}` : ''}${e.flags ? `; flags ${e.flags}` : ''}${e.warn ? `; WARN in ${e.warn}()` : ''}`,
  );
  out.push(
    `    outcome: ${e.outcome.text}${e.outcome.line !== null ? ` (line ${String(e.outcome.line)})` : ''}`,
  );
  const p = e.prediction;
  const pc = p.rmi.map((c) => `${c.cmd} → ${c.status}${c.level !== null ? `(${String(c.level)})` : ''}`);
  out.push(
    `  the model (${p.variant}): ${pc.length ? pc.join(', ') : 'no RMI command'}${p.prot ? `; prot ${p.prot}` : ''}${p.flags ? `; flags ${p.flags}` : ''}`,
  );
  out.push(`    outcome: ${p.outcome.text}`);
  for (const a of p.assumptions) out.push(`    assumes: ${a}`);
  if (e.divergences.length === 0) out.push('  the log agrees with the model');
  for (const d of e.divergences) {
    out.push(
      `  ${d.severity === 'note' ? 'note' : 'DIVERGES'}${d.line !== null ? ` at line ${String(d.line)}` : ''}:`,
    );
    out.push(`    expected: ${d.expected}`);
    out.push(`    observed: ${d.observed}`);
    for (const x of d.explanations) {
      const check = x.check ? (x.check.reproduces ? '[model matches] ' : '[model still differs] ') : '';
      out.push(
        `    - ${check}${x.text}${x.toggle ? ` (toggle ${x.toggle})` : ''} ${notes.mark(x.sources.join(' '))}`,
      );
    }
  }
  if (e.matchedBy.length) {
    out.push('  model runs that match the whole episode:');
    for (const m of e.matchedBy) out.push(`    - ${m}`);
  }
}

export function formatReplay(
  r: ReplayResult,
  opts: Pick<ReplayCommandOptions, 'path' | 'episodesOnly'>,
): string {
  const notes = new Footnotes();
  const s = r.stats;
  const out: string[] = [];
  out.push(
    `replay of ${opts.path === '-' ? 'standard input' : opts.path}: ${plural(s.lines, 'line')}, ${String(s.recognised)} recognised (${familyCounts(r)}), ${String(s.unrecognised)} unrecognised${s.binary ? `, ${String(s.binary)} binary` : ''}${s.tooLong ? `, ${String(s.tooLong)} too long` : ''}`,
  );
  out.push(
    `${plural(s.episodes, 'fault episode')}, ${String(s.divergent)} diverging from the model (variant ${r.variant}, ${String(r.ipaBits)}-bit IPA space)`,
  );
  if (!opts.episodesOnly) {
    out.push('', 'lines:');
    for (const l of r.lines) lineBlock(l, notes, out);
  }
  if (r.episodes.length) out.push('', 'episodes:');
  for (const e of r.episodes) {
    episodeBlock(e, notes, out);
    out.push('');
  }
  if (r.scenario) {
    out.push('inferred scenario (save it and run it with realmfault run FILE.json):');
    for (const n of r.scenarioNotes) out.push(`  ${n}`);
    out.push(JSON.stringify(r.scenario, null, 2));
  } else for (const n of r.scenarioNotes) out.push(n);
  out.push(...notes.block());
  return `${out.join('\n')}\n`;
}

export const REPLAY_LIMIT_BYTES = MAX_REPLAY_BYTES;
