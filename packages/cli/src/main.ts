/**
 * realmfault: the command-line face of @realmfault/model.
 *
 * `main` takes its I/O (and, for tests, the engine) as arguments so tests can drive it without a
 * process; it returns the exit code instead of exiting: 0 success, 1 failure inside the model, 2
 * bad input. Bad input of any kind (arguments, files, scenario fields, values to decode) prints
 * one line naming the argument or field and what was expected, never a stack trace.
 */
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import {
  DecodeError,
  DECODE_KINDS,
  DEFAULT_DECODE_IPA_BITS,
  MAX_IPA_BITS,
  MIN_IPA_BITS,
  ScenarioError,
  VARIANTS,
  decode,
  decodedToJson,
  describeStep,
  formatDecoded,
  parseScenarioJson,
  stage2Geometry,
  type DecodeKind,
  type Scenario,
  type StepSummary,
  type Variant,
  type Violation,
} from '@realmfault/model';
import { modelEngine, type Engine, type EngineRunResult } from './engine.js';
import { readErrorReason, type Io } from './io.js';

export { nodeIo, readFileBounded, type Io } from './io.js';
export { modelEngine, type Engine, type EngineRunResult } from './engine.js';

export const VERSION = '0.1.0';

/** Bad input: printed as one line, exit code 2. */
export class UsageError extends Error {}

const HELP = `realmfault ${VERSION} — the Arm CCA realm fault path, simulated

Usage:
  realmfault run FILE.json [--variant v14|fixed] [--json]   run a scenario file
  realmfault run --scenario NAME [--variant v14|fixed] [--json]
                                                           run a built-in scenario
  realmfault scenarios [--json]                            list the built-in scenarios
  realmfault decode KIND VALUE [--ipa-bits N] [--json]     decode a value from a log
      KIND: ${DECODE_KINDS.join(' | ')}
  realmfault geometry --ipa-bits N                         stage-2 geometry of a realm
  realmfault help [COMMAND] | COMMAND --help               help, for one command too
  realmfault --version

Exit codes: 0 success, 1 failure inside the model, 2 bad input.
`;

const COMMAND_HELP: Readonly<Record<string, string>> = {
  run: `Usage:
  realmfault run FILE.json [--variant v14|fixed] [--json]
  realmfault run --scenario NAME [--variant v14|fixed] [--json]

Runs a scenario (the JSON format of packages/model/scenario.schema.json) through the simulated
realm fault path. --variant overrides the scenario's own. Without --json it prints the trace,
indented by call depth, and each step's outcome; with --json exactly one JSON object:
  { "variant", "steps": [ { "outcome", "value"?, "exits", "errno"?, "faults", "rmi",
    "warnings" } ], "violations" }
with 64-bit values as "0x…" strings.
`,
  scenarios: `Usage:
  realmfault scenarios [--json]

Lists the built-in scenarios (brief §8) by name; run one with realmfault run --scenario NAME.
`,
  decode: `Usage:
  realmfault decode KIND VALUE [--ipa-bits N] [--json]

Decodes a value as logs print it. VALUE is hexadecimal, with or without 0x; _ may separate digits.
  esr           ESR_EL2: EC, IL, ISV, SAS, SSE, SRT, SF, SET, FnV, EA, CM, S1PTW, WnR, DFSC,
                and what TF-RMM hides from the host
  pte           stage-1 level-3 page descriptor (--ipa-bits N names a shared alias)
  rmi-ret       RMI return value: status | index << 8
  range-desc    RmiAddrRangeDesc: SIZE, COUNT, ADDR, ST
  unprot-flags  RmiRttUnprotMapFlags: OADDR_TYPE, LIST_COUNT, MEMATTR, S2AP
  prot          kvm_pgtable_prot: PX, UX, W, R, DEVICE, NORMAL_NC
  ipa           realm IPA: half, GPA, GFN, table index per level (--ipa-bits N, default ${DEFAULT_DECODE_IPA_BITS})

Examples:
  realmfault decode esr 0x92000007
  realmfault decode ipa 0x10046880000 --ipa-bits 41
`,
  geometry: `Usage:
  realmfault geometry --ipa-bits N

Prints the stage-2 levels, start level, root entries and shared bit of an N-bit realm (32…52).
`,
};

export async function main(argv: readonly string[], io: Io, engine?: Engine): Promise<number> {
  try {
    return await dispatch(argv, io, engine);
  } catch (e) {
    if (
      e instanceof UsageError ||
      e instanceof ScenarioError ||
      e instanceof DecodeError ||
      e instanceof RangeError
    ) {
      io.stderr(`realmfault: ${oneLine(e.message)}\n`);
      return 2;
    }
    // Not the user's input: still one line, but say it is ours.
    const message = e instanceof Error ? `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}` : String(e);
    io.stderr(`realmfault: internal error: ${oneLine(message)}\n`);
    return 1;
  }
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

async function dispatch(argv: readonly string[], io: Io, engine: Engine | undefined): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    io.stdout(HELP);
    return 0;
  }
  if (command === '--version' || command === '-V') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  if (command === 'help') {
    const [topic, ...more] = rest;
    if (more.length) throw new UsageError(`help: expected at most one command name, got ${rest.length}`);
    if (topic === undefined) {
      io.stdout(HELP);
      return 0;
    }
    io.stdout(commandHelp(topic));
    return 0;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(commandHelp(command));
    return 0;
  }
  switch (command) {
    case 'run':
      return run(rest, io, engine);
    case 'scenarios':
      return scenarios(rest, io, engine);
    case 'decode':
      return decodeCommand(rest, io);
    case 'geometry':
      return geometry(rest, io);
    default:
      throw new UsageError(
        `unknown command ${quote(command)}: expected one of run, scenarios, decode, geometry (see realmfault --help)`,
      );
  }
}

function commandHelp(command: string): string {
  const h = COMMAND_HELP[command];
  if (h === undefined) {
    throw new UsageError(
      `help: expected one of ${Object.keys(COMMAND_HELP).join(', ')}, got ${quote(command)}`,
    );
  }
  return h;
}

/** A user-supplied string, quoted and shortened for a message. */
function quote(s: string): string {
  const shown = s.length > 60 ? `${s.slice(0, 60)}…` : s;
  return `'${shown.replace(/[^\x20-\x7e]/g, '?')}'`;
}

function parse<T extends ParseArgsOptionsConfig>(command: string, args: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: true });
  } catch (e) {
    // node:util's messages add advice after the first sentence; keep the sentence.
    const first = (e instanceof Error ? e.message : String(e)).split(/\.\s/)[0] ?? '';
    throw new UsageError(`${command}: ${first.replace(/\.$/, '')} (see realmfault ${command} --help)`);
  }
}

// ---------------------------------------------------------------------------------------------
// geometry

function ipaBitsOption(v: string | boolean | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^\d{1,3}$/.test(v) || Number(v) < MIN_IPA_BITS || Number(v) > MAX_IPA_BITS) {
    throw new UsageError(
      `--ipa-bits: expected an integer ${MIN_IPA_BITS}…${MAX_IPA_BITS}, got ${typeof v === 'string' ? quote(v) : 'nothing'}`,
    );
  }
  return Number(v);
}

function geometry(args: readonly string[], io: Io): number {
  const { values, positionals } = parse('geometry', args, { 'ipa-bits': { type: 'string' } });
  if (positionals.length)
    throw new UsageError(
      `geometry: expected no arguments besides --ipa-bits, got ${quote(positionals[0] ?? '')}`,
    );
  const bits = ipaBitsOption(values['ipa-bits']);
  if (bits === undefined)
    throw new UsageError(`--ipa-bits: expected an integer ${MIN_IPA_BITS}…${MAX_IPA_BITS}, got nothing`);
  const g = stage2Geometry(bits);
  io.stdout(
    `ipaBits ${g.ipaBits}: ${g.levels} levels, start level ${g.startLevel}, ` +
      `${g.rootEntries} root entries (${g.rootTables} tables), shared bit 0x${g.sharedBit.toString(16)}\n`,
  );
  return 0;
}

// ---------------------------------------------------------------------------------------------
// decode

function decodeCommand(args: readonly string[], io: Io): number {
  const { values, positionals } = parse('decode', args, {
    'ipa-bits': { type: 'string' },
    json: { type: 'boolean' },
  });
  const [kind, value, ...extra] = positionals;
  if (kind === undefined || !(DECODE_KINDS as readonly string[]).includes(kind)) {
    throw new UsageError(
      `decode KIND: expected one of ${DECODE_KINDS.join(', ')}, got ${kind === undefined ? 'nothing' : quote(kind)}`,
    );
  }
  const k = kind as DecodeKind;
  if (value === undefined)
    throw new UsageError(`decode ${k} VALUE: expected a hexadecimal value, got nothing`);
  if (extra.length)
    throw new UsageError(`decode ${k}: expected one VALUE, got also ${quote(extra.join(' '))}`);
  const ipaBits = ipaBitsOption(values['ipa-bits']);
  if (ipaBits !== undefined && k !== 'ipa' && k !== 'pte') {
    throw new UsageError(`--ipa-bits: expected only with decode ipa or decode pte, got it with decode ${k}`);
  }
  const d = decode(k, value, ipaBits === undefined ? {} : { ipaBits });
  io.stdout(values.json === true ? `${JSON.stringify(decodedToJson(d), null, 2)}\n` : formatDecoded(d));
  return 0;
}

// ---------------------------------------------------------------------------------------------
// run and scenarios

function scenarios(args: readonly string[], io: Io, engine: Engine | undefined): number {
  const { values, positionals } = parse('scenarios', args, { json: { type: 'boolean' } });
  if (positionals.length)
    throw new UsageError(`scenarios: expected no arguments, got ${quote(positionals[0] ?? '')}`);
  const list = (engine ?? modelEngine).builtinScenarios();
  if (values.json === true) {
    io.stdout(
      `${JSON.stringify(
        list.map((s) => ({ name: s.name, description: s.description })),
        null,
        2,
      )}\n`,
    );
    return 0;
  }
  const w = Math.max(0, ...list.map((s) => s.name.length));
  for (const s of list) io.stdout(`${s.name.padEnd(w)}  ${firstLine(s.description)}\n`);
  return 0;
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? '';
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

async function loadScenarioFile(path: string, io: Io): Promise<Scenario> {
  let bytes: Uint8Array;
  try {
    bytes = await io.readFile(path);
  } catch (e) {
    throw new UsageError(`${path}: ${readErrorReason(e)}`);
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new UsageError(`${path}: expected UTF-8 text, got bytes that are not valid UTF-8`);
  }
  try {
    return parseScenarioJson(text);
  } catch (e) {
    if (e instanceof ScenarioError) throw new UsageError(`${path}: ${e.message}`);
    throw e;
  }
}

async function run(args: readonly string[], io: Io, engine: Engine | undefined): Promise<number> {
  const { values, positionals } = parse('run', args, {
    variant: { type: 'string' },
    scenario: { type: 'string' },
    json: { type: 'boolean' },
  });
  const name = values.scenario;
  if (typeof name === 'string' && positionals.length) {
    throw new UsageError(
      `run: expected FILE.json or --scenario NAME, got both (${quote(positionals[0] ?? '')} and --scenario)`,
    );
  }
  if (name === undefined && positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? 'run: expected FILE.json or --scenario NAME, got neither'
        : `run: expected one FILE.json, got ${positionals.length} arguments`,
    );
  }
  let variant: Variant | undefined;
  const v = values.variant;
  if (v !== undefined) {
    if (typeof v !== 'string' || !(VARIANTS as readonly string[]).includes(v)) {
      throw new UsageError(
        `--variant: expected one of ${VARIANTS.join(', ')}, got ${typeof v === 'string' ? quote(v) : 'nothing'}`,
      );
    }
    variant = v as Variant;
  }

  let scenario: Scenario;
  if (typeof name === 'string') {
    const list = (engine ?? modelEngine).builtinScenarios();
    const found = list.find((s) => s.name === name);
    if (!found) {
      throw new UsageError(
        `--scenario: expected a built-in scenario name (see realmfault scenarios), got ${quote(name)}`,
      );
    }
    scenario = found;
  } else {
    scenario = await loadScenarioFile(positionals[0] ?? '', io);
  }
  const eng = engine ?? modelEngine;
  const result = eng.runScenario(scenario, variant === undefined ? {} : { variant });
  if (values.json === true) {
    io.stdout(`${JSON.stringify(runToJson(result))}\n`);
  } else {
    io.stdout(formatRun(scenario, result, eng));
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Output of a run.

const h = (v: bigint): string => `0x${v.toString(16)}`;

/** One step's summary in the issue's JSON shape, bigints as "0x…" strings, keys in a fixed order. */
export function stepToJson(s: StepSummary): Record<string, unknown> {
  return {
    outcome: s.outcome,
    ...(s.value !== undefined ? { value: h(s.value) } : {}),
    exits: s.exits.map((e) => ({
      reason: e.reason,
      gpa: h(e.gpa),
      ...(e.size !== undefined ? { size: h(e.size) } : {}),
      ...(e.flags !== undefined ? { flags: h(e.flags) } : {}),
      ...(e.isWrite !== undefined ? { isWrite: e.isWrite } : {}),
    })),
    ...(s.errno !== undefined ? { errno: s.errno } : {}),
    faults: s.faults.map((f) => ({ ipa: h(f.ipa), esr: h(f.esr), handler: f.handler, ret: f.ret })),
    rmi: s.rmi.map((r) => ({ cmd: r.cmd, status: r.status, index: r.index })),
    warnings: [...s.warnings],
  };
}

function violationToJson(v: Violation): Record<string, unknown> {
  return { invariant: v.invariant, step: v.step, message: v.message };
}

/** `realmfault run --json`: exactly the issue's object. */
export function runToJson(r: EngineRunResult): Record<string, unknown> {
  return {
    variant: r.variant,
    steps: r.steps.map(stepToJson),
    violations: r.violations.map(violationToJson),
  };
}

function summaryLines(s: StepSummary): string[] {
  const lines: string[] = [];
  const head: string[] = [s.outcome];
  if (s.value !== undefined) head.push(`value ${h(s.value)}`);
  if (s.errno !== undefined) head.push(`errno ${s.errno}`);
  lines.push(head.join(', '));
  for (const f of s.faults) {
    lines.push(
      f.handler === 'rmm_injected_sea'
        ? `fault at IPA ${h(f.ipa)}, ESR ${h(f.esr)}: the RMM injected an SEA, no host exit`
        : `fault at IPA ${h(f.ipa)}, ESR ${h(f.esr)}: ${f.handler}; kvm_handle_guest_abort returned ${f.ret}`,
    );
  }
  if (s.rmi.length) {
    lines.push(
      `rmi: ${s.rmi.map((r) => `${r.cmd} → ${r.status}${r.status === 'RMI_SUCCESS' ? '' : `(${r.index})`}`).join(', ')}`,
    );
  }
  for (const e of s.exits) {
    const parts = [`gpa ${h(e.gpa)}`];
    if (e.size !== undefined) parts.push(`size ${h(e.size)}`);
    if (e.flags !== undefined) parts.push(`flags ${h(e.flags)}`);
    if (e.isWrite !== undefined) parts.push(e.isWrite ? 'write' : 'read');
    lines.push(`exit ${e.reason} {${parts.join(', ')}}`);
  }
  for (const w of s.warnings) lines.push(`WARN_ON in ${w}`);
  return lines;
}

/** `realmfault run` text: the trace (indented by call depth), then each step and its outcome. */
export function formatRun(scenario: Scenario, r: EngineRunResult, engine: Engine): string {
  const out: string[] = [`scenario ${scenario.name} — variant ${r.variant}`];
  if (scenario.description) out.push(firstLine(scenario.description));
  out.push('', 'trace:');
  const trace = engine.formatTrace(r.trace).replace(/\n+$/, '');
  out.push(...trace.split('\n').map((l) => `  ${l}`));
  out.push('', 'steps:');
  scenario.steps.forEach((step, i) => {
    const sum = r.steps[i];
    out.push(`  [${i}] ${describeStep(step)}`);
    if (sum) out.push(...summaryLines(sum).map((l) => `      ${l}`));
  });
  out.push('', r.violations.length ? 'violations:' : 'violations: none');
  for (const v of r.violations) out.push(`  invariant ${v.invariant} after step ${v.step}: ${v.message}`);
  return `${out.join('\n')}\n`;
}
