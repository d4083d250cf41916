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
  CitationError,
  DecodeError,
  DECODE_KINDS,
  DEFAULT_DECODE_IPA_BITS,
  DEFAULT_TOGGLES,
  MAX_IPA_BITS,
  MAX_KVM_RUNS,
  MAX_REC_ENTRIES,
  MIN_IPA_BITS,
  OUTCOMES,
  RETIRED_TOGGLES,
  ScenarioError,
  SOURCES,
  TOGGLE_INFO,
  VARIANT_ALIASES,
  VARIANT_INFO,
  VARIANTS,
  decode,
  decodedToJson,
  describeSource,
  describeStep,
  explore,
  ExploreLimitExceeded,
  DEFAULT_BOUND,
  INVARIANTS,
  MAX_BOUND,
  MUTATIONS,
  MUTATION_NAMES,
  formatCRet,
  formatDecoded,
  parseScenarioJson,
  resolveCitations,
  stage2Geometry,
  toVariant,
  type DecodeKind,
  type Decoded,
  type FaultSummary,
  type ExploreResult,
  type WindowPoint,
  type Outcome,
  type RealmState,
  type Scenario,
  type Step,
  type StepSummary,
  type TraceEvent,
  type Variant,
  type Violation,
} from '@realmfault/model';
import {
  Footnotes,
  citation,
  citationTitle,
  citationsLeftOut,
  inlineCitations,
  refText,
  sourcesOf,
} from './cite.js';
import { modelEngine, type Engine, type EngineRunResult } from './engine.js';
import { readErrorReason, type Io } from './io.js';
import { REPLAY_LIMIT_BYTES, replayBytes } from './replay.js';

export { nodeIo, readFileBounded, type Io } from './io.js';
export { formatReplay } from './replay.js';
export { modelEngine, type Engine, type EngineRunResult } from './engine.js';

export const VERSION = '0.1.0';

/** Bad input: printed as one line, exit code 2. */
export class UsageError extends Error {}

/** "fixed (the former name of post-v14-review)", for each former name. */
const ALIAS_TEXT = Object.entries(VARIANT_ALIASES)
  .map(([alias, v]) => `${alias} (the former name of ${v})`)
  .join(', ');

/** `v14 | post-v14-review`, for usage lines. */
const VARIANT_CHOICES = VARIANTS.join('|');

/** One line per variant and former name, for the run help. */
function variantTable(indent: string): string {
  const rows: [string, string][] = [
    ...VARIANTS.map((v): [string, string] => [v, `${VARIANT_INFO[v].label}: ${VARIANT_INFO[v].tree}`]),
    ...Object.entries(VARIANT_ALIASES).map(([a, v]): [string, string] => [a, `the former name of ${v}`]),
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  return rows.map(([n, t]) => `${indent}${n.padEnd(w)}  ${t}`).join('\n');
}

/** What each outcome of a step means (the run help and the text output). */
const OUTCOME_TEXT: Readonly<Record<Outcome, string>> = {
  completed: "the guest's access or RSI call completed",
  guest_sea: 'the realm took a synchronous external abort',
  vmm_exit: 'the VMM stopped the vCPU: an exit it does not handle, or a memory fault it did not convert',
  kvm_run_error: 'KVM_RUN failed with an error the VMM does not retry (it retries EAGAIN and EINTR)',
  no_progress: `the guest's operation did not complete within ${MAX_REC_ENTRIES} REC entries or ${MAX_KVM_RUNS} KVM_RUN calls`,
  kernel_livelock: 'the host kernel would loop forever in a function of the modelled code',
};

function outcomeTable(indent: string): string {
  const w = Math.max(...OUTCOMES.map((o) => o.length));
  return OUTCOMES.map((o) => `${indent}${o.padEnd(w)}  ${OUTCOME_TEXT[o]}`).join('\n');
}

const HELP = `realmfault ${VERSION} — the Arm CCA realm fault path, simulated

Usage:
  realmfault run FILE.json [--variant VARIANT] [--json]    run a scenario file
  realmfault run --scenario NAME [--variant VARIANT] [--json]
                                                           run a built-in scenario
  realmfault scenarios [NAME] [--json]                     list the built-in scenarios, or show one
  realmfault explore FILE.json|--scenario NAME [--variant VARIANT] [--mutation NAME]...
                    [--bound N] [--max-states N] [--json]  every interleaving, invariants checked
  realmfault mutations [--json]                            the guards explore can remove
  realmfault toggles [--json]                              the toggles a scenario can set
  realmfault decode KIND VALUE [--ipa-bits N] [--json]     decode a value from a log
  realmfault replay FILE|- [--ipa-bits N] [--variant VARIANT] [--episodes] [--json]
                                                           read a whole log: every line decoded,
                                                           fault episodes against the model
      KIND: ${DECODE_KINDS.join(' | ')}
  realmfault source REF... [--json] | --list [--json]      look up a source the texts cite
  realmfault geometry --ipa-bits N                         stage-2 geometry of a realm
  realmfault help [COMMAND] | COMMAND --help               help, for one command too
  realmfault --version

VARIANT: ${VARIANTS.map((v) => `${v} (${VARIANT_INFO[v].label})`).join(' or ')};
  also accepted: ${ALIAS_TEXT}.
Texts that cite sources print footnote numbers, [1], and list the sources below them.
Exit codes: 0 success, 1 failure inside the model, 2 bad input.
`;

const COMMAND_HELP: Readonly<Record<string, string>> = {
  run: `Usage:
  realmfault run FILE.json [--variant ${VARIANT_CHOICES}] [--json]
  realmfault run --scenario NAME [--variant ${VARIANT_CHOICES}] [--json]

Runs a scenario (the JSON format of packages/model/scenario.schema.json) through the simulated
realm fault path. --variant overrides the scenario's own:
${variantTable('  ')}
A built-in scenario's former name is accepted too.

Without --json it prints the variant, the realm, the toggles that differ from their defaults, the
scenario's description with its sources, the trace (indented by call depth) and each step: its
outcome, the RSI status a guest RSI call got, each stage-2 fault (the handler
kvm_handle_guest_abort() called, what that handler returned and what kvm_handle_guest_abort()
returned), the RMI commands, the exits to the VMM and the WARN_ONs that fired. Outcomes:
${outcomeTable('  ')}

With --json exactly one JSON object, the variant under its current name:
  { "variant", "steps": [ { "outcome", "value"?, "exits", "errno"?, "rsi"?, "rsiResponse"?,
    "faults", "rmi", "warnings" } ], "violations" }
with 64-bit values as "0x…" strings.
`,
  scenarios: `Usage:
  realmfault scenarios [--json]
  realmfault scenarios NAME [--json]

Without NAME, lists the built-in scenarios, one line each: the name, the variant it runs under
unless --variant says otherwise, and the first sentence of its description (citations left out).
With NAME, shows that scenario: variant, realm, toggles, description with its sources, steps.
Run one with realmfault run --scenario NAME.

With --json the descriptions are as written, citations included (realmfault source REF looks
one up), and "sources" lists what they cite, resolved: { "ref", "label", "title", "href" }.
`,
  explore: `Usage:
  realmfault explore FILE.json [--variant ${VARIANT_CHOICES}] [--mutation NAME]... [--bound N] [--max-states N] [--json]
  realmfault explore --scenario NAME [same options]

Explores every interleaving of the scenario's actors (each vCPU, the VMM, the host kernel), up to
the bound, and checks the invariants after every action. An action runs one actor's next step; in
a guest access's first fault, at the windows after the mmu_seq sample and after the page lookup
(before kvm_fault_lock()), another actor's next step may run to its end. --bound N (0…${MAX_BOUND},
default ${DEFAULT_BOUND}) caps the steps run inside windows on one path. States reached twice are explored
once; --max-states N (default 200000) stops an exploration that grows too large, with exit 2.
--mutation NAME (repeatable; see realmfault mutations) removes a guard of the real code.

Prints the states and actions explored, the schedules a naive enumeration would run and the
reduction, each invariant's result and, for each broken one, the shortest counterexample found:
its path, and the scenario file that replays it with realmfault run (--json: one object with
"counterexamples": [ { "invariant", "message", "actions", "preemptions", "path", "scenario" } ]).
Exit code 0 whether or not an invariant breaks; 2 for bad input or an exceeded limit.
`,
  replay: `Usage:
  realmfault replay FILE [--ipa-bits N] [--variant ${VARIANT_CHOICES}] [--episodes] [--json]
  realmfault replay - [same options]          (reads standard input)

Reads a log: TF-RMM's RMI call log (SMC_RMI_… > RMI_… lines), KVM tracepoints as ftrace or
trace-cmd report prints them (kvm_exit, kvm_entry, kvm_guest_fault, kvm_mmio, kvm_userspace_exit,
kvm_vm_set_mem_attributes, …), host kernel messages (WARNING splats, kvm_err lines), the debug prints
of the seed thread's fault-path functions, QEMU's error reports and debug prints, and the guest
lines the seed quotes. Timestamps, CPU tags and syslog prefixes are allowed. Every line is printed
with what it is, its values decoded (ESR, IPA → half, GPA and GFN, prot, RMI flags and range
descriptors, RMI status), the model function and the site page it belongs to, and its sources;
lines no format matches are printed as unrecognised, never dropped.

Lines are grouped into fault episodes (a fault, the RMI commands and debug prints that follow, and
how it ended). Each episode is compared with the model's run of the same access in a realm fresh
from activation (--variant, default v14; --ipa-bits N, default 41): each divergence is printed with
its possible explanations, and the model is run with each to say which match the log. Last, a
scenario file inferred from the log. --episodes leaves out the lines; --json prints one object.
At most ${String(REPLAY_LIMIT_BYTES / 1024 / 1024)} MiB are read. Exit code 0 whatever the log says; 2 for bad options or input too large.
`,
  mutations: `Usage:
  realmfault mutations [--json]

Lists the mutations explore --mutation and a scenario's "mutations" field accept: each removes or
moves one guard of the real code, with the lines it removes, the invariants a counterexample
breaks and a built-in scenario on which explore finds one.
`,
  toggles: `Usage:
  realmfault toggles [--json]

Documents the toggles a scenario file can set ("toggles": { "NAME": true }): what each one
changes, its default, whether the sources leave it uncertain, and its sources; then the toggle
names that were retired and what to use instead.
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

The notes cite their sources as footnotes; --json keeps the citations as written and adds
"sources", resolved.

Examples:
  realmfault decode esr 0x92000007
  realmfault decode ipa 0x10046880000 --ipa-bits 41
`,
  source: `Usage:
  realmfault source REF... [--json]
  realmfault source --list [--json]

Looks up a source as the texts cite it (REF, with or without the @ and brackets). REF is
  a source id                     v14-29, v14-29-shan-0625, tf-rmm-exit.c, qemu-bd3bcf69
  an id with lines or a section   v14-rmi.c:812-860, 'rmm-spec §A2.2'
  a function, through the verification ledger
                                  v14:realm_map_ipa, post-v14:realm_map_ipa, tf-rmm:handle_data_abort
and prints what it is and its address. --list lists every source id.
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
    case 'toggles':
      return toggles(rest, io);
    case 'explore':
      return exploreCommand(rest, io, engine);
    case 'mutations':
      return mutationsCommand(rest, io);
    case 'decode':
      return decodeCommand(rest, io);
    case 'replay':
      return replayCommand(rest, io);
    case 'source':
      return source(rest, io);
    case 'geometry':
      return geometry(rest, io);
    default:
      throw new UsageError(
        `unknown command ${quote(command)}: expected one of ${Object.keys(COMMAND_HELP).join(', ')} (see realmfault --help)`,
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
  io.stdout(values.json === true ? `${JSON.stringify(decodedJson(d), null, 2)}\n` : decodedText(d));
  return 0;
}

/** The texts of a decoded value that may cite sources: the field meanings, then the notes. */
const decodedTexts = (d: Decoded): string[] => [...d.fields.map((f) => f.meaning), ...d.notes];

/** `decode` text: the model's table, its citations as footnotes, then the sources. */
export function decodedText(d: Decoded): string {
  const notes = new Footnotes();
  const marked: Decoded = {
    ...d,
    fields: d.fields.map((f) => ({ ...f, meaning: notes.mark(f.meaning) })),
    notes: d.notes.map((n) => notes.mark(n)),
  };
  const block = notes.block();
  return formatDecoded(marked) + (block.length ? `${block.join('\n')}\n` : '');
}

/** `decode --json`: the model's JSON, texts as written, plus the sources they cite. */
export function decodedJson(d: Decoded): Record<string, unknown> {
  return { ...(decodedToJson(d) as Record<string, unknown>), sources: sourcesOf(decodedTexts(d)) };
}

// ---------------------------------------------------------------------------------------------
// source

/** Where a REF may be wrong, in words: what `source` expects. */
const SOURCE_EXPECTED =
  'a source id (see realmfault source --list), ID:LINES, ID §SECTION, or a function: v14:FUNCTION, post-v14:FUNCTION or tf-rmm:FUNCTION (or, as pages write it, "v14 FUNCTION()")';

function source(args: readonly string[], io: Io): number {
  const { values, positionals } = parse('source', args, {
    list: { type: 'boolean' },
    json: { type: 'boolean' },
  });
  const json = values.json === true;
  if (values.list === true) {
    if (positionals.length)
      throw new UsageError(`source --list: expected no REF, got ${quote(positionals[0] ?? '')}`);
    if (json) {
      const list = SOURCES.map((s) => ({ id: s.id, kind: s.kind, title: describeSource(s), href: s.url }));
      io.stdout(`${JSON.stringify(list, null, 2)}\n`);
      return 0;
    }
    const w = Math.max(...SOURCES.map((s) => s.id.length));
    for (const s of SOURCES) io.stdout(`${s.id.padEnd(w)}  ${describeSource(s)}\n`);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError(`source REF: expected ${SOURCE_EXPECTED}, got nothing`);
  const found = positionals.map((arg) => lookUpSource(arg));
  if (json) {
    io.stdout(`${JSON.stringify(found.flat(), null, 2)}\n`);
    return 0;
  }
  const lines: string[] = [];
  for (const c of found.flat()) lines.push(`${c.ref}: ${c.label}`, `  ${c.title}`, `  ${c.href}`);
  io.stdout(`${lines.join('\n')}\n`);
  return 0;
}

/** One REF as the user typed it (with or without `@` or the brackets), resolved. */
function lookUpSource(arg: string): { ref: string; label: string; title: string; href: string }[] {
  const typed = arg.trim().replace(/^\[/, '').replace(/\]$/, '').replace(/^@/, '');
  // On a command line "v14:gmem_abort" is easier to type than the texts' "v14 gmem_abort()".
  const body = typed.replace(/^(v14|post-v14|tf-rmm):([A-Za-z_][A-Za-z0-9_]*)$/, '$1 $2()');
  if (body === '' || /[[\]\n]/.test(body)) {
    throw new UsageError(`source REF: expected ${SOURCE_EXPECTED}, got ${quote(arg)}`);
  }
  try {
    const groups = resolveCitations(citation(body));
    return groups.flatMap((g) =>
      g.cites.map((c) => ({ ref: refText(c.ref), label: c.label, title: citationTitle(c), href: c.href })),
    );
  } catch (e) {
    if (!(e instanceof CitationError)) throw e;
    // 'citation [at-x]: unknown source id "x": expected an id of …' → 'unknown source id "x"'.
    const why = e.message.replace(/^citation \[\x40[^\]]*\]: /, '').split(': expected')[0] ?? e.message;
    throw new UsageError(`source REF: expected ${SOURCE_EXPECTED}, got ${quote(arg)} (${why})`);
  }
}

// ---------------------------------------------------------------------------------------------
// toggles

function toggles(args: readonly string[], io: Io): number {
  const { values, positionals } = parse('toggles', args, { json: { type: 'boolean' } });
  if (positionals.length)
    throw new UsageError(`toggles: expected no arguments, got ${quote(positionals[0] ?? '')}`);
  if (values.json === true) {
    const out = {
      toggles: TOGGLE_INFO.map((t) => ({
        name: t.name,
        default: t.default,
        uncertain: t.uncertain,
        description: t.description,
        source: t.source,
        sources: sourcesOf([t.description, t.source]),
      })),
      retired: Object.entries(RETIRED_TOGGLES).map(([name, instead]) => ({ name, instead })),
    };
    io.stdout(`${JSON.stringify(out, null, 2)}\n`);
    return 0;
  }
  io.stdout(togglesText());
  return 0;
}

/** `realmfault toggles`: each toggle, its documentation with footnotes, then the sources. */
export function togglesText(): string {
  const notes = new Footnotes();
  const out: string[] = [];
  for (const t of TOGGLE_INFO) {
    out.push(
      `${t.name} (default ${t.default}${t.uncertain ? '; uncertain: the sources do not settle it' : ''})`,
    );
    out.push(`  ${notes.mark(t.description)}`);
    out.push(`  sources: ${notes.mark(t.source)}`);
    out.push('');
  }
  const retired = Object.entries(RETIRED_TOGGLES);
  if (retired.length) {
    out.push('retired (a scenario that sets one is refused, naming what to use instead):');
    for (const [name, instead] of retired) out.push(`  ${name}: use ${notes.mark(instead)}`);
    out.push('');
  }
  out.push(...notes.block());
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

// ---------------------------------------------------------------------------------------------
// scenarios

/** The first sentence of a text, without its citations (for one-line listings). */
export function firstSentence(text: string): string {
  const t = citationsLeftOut(text.split('\n')[0] ?? '');
  return /^.*?[.!?](?=\s|$)/.exec(t)?.[0] ?? t;
}

/** A scenario as `scenarios --json` prints it: its texts as written, plus the sources they cite. */
function scenarioJson(s: Scenario): Record<string, unknown> {
  return {
    name: s.name,
    variant: s.variant,
    description: s.description,
    sources: sourcesOf([s.description]),
  };
}

function findBuiltin(engine: Engine, name: string, option: string): Scenario {
  const found = engine.builtinScenario(name);
  if (found === undefined) {
    throw new UsageError(
      `${option}: expected a built-in scenario name (see realmfault scenarios), got ${quote(name)}`,
    );
  }
  return found;
}

function scenarios(args: readonly string[], io: Io, engine: Engine | undefined): number {
  const { values, positionals } = parse('scenarios', args, { json: { type: 'boolean' } });
  if (positionals.length > 1)
    throw new UsageError(`scenarios: expected at most one NAME, got also ${quote(positionals[1] ?? '')}`);
  const eng = engine ?? modelEngine;
  const [name] = positionals;
  if (name !== undefined) {
    const s = findBuiltin(eng, name, 'scenarios NAME');
    if (values.json === true) {
      io.stdout(`${JSON.stringify(scenarioJson(s), null, 2)}\n`);
      return 0;
    }
    const notes = new Footnotes();
    const out = [
      `scenario ${s.name}${renamedNote(name, s)}`,
      ...scenarioHeader(
        s,
        `variant: ${s.variant} unless run with --variant; ${variantText(s.variant)}`,
        notes,
      ),
    ];
    out.push('', 'steps:');
    s.steps.forEach((step, i) => out.push(`  [${i}] ${describeStep(step)}`, ...interleaved(step, '      ')));
    io.stdout(`${out.join('\n')}\n`);
    return 0;
  }
  const list = eng.builtinScenarios();
  if (values.json === true) {
    io.stdout(`${JSON.stringify(list.map(scenarioJson), null, 2)}\n`);
    return 0;
  }
  const w = Math.max(0, ...list.map((s) => s.name.length));
  const wv = Math.max(0, ...list.map((s) => s.variant.length));
  for (const s of list) {
    io.stdout(`${s.name.padEnd(w)}  ${s.variant.padEnd(wv)}  ${firstSentence(s.description)}\n`);
  }
  return 0;
}

/** Where an interleaved step runs, in words. */
const INTERLEAVE_AT: Readonly<Record<WindowPoint, string>> = {
  before_mmu_seq: 'before the mmu_seq sample',
  after_mmu_seq: 'between the mmu_seq sample and kvm_fault_lock()',
  after_page_lookup: 'between the page lookup and kvm_fault_lock()',
};

/** The steps a step runs inside its first fault, described (nested ones indented further). */
function interleaved(step: Step, indent: string): string[] {
  const inner = step.actor === 'guest' && 'interleave' in step ? step.interleave : undefined;
  if (!inner) return [];
  return inner.flatMap((b) =>
    b.steps.flatMap((s) => [
      `${indent}inside its first fault, ${INTERLEAVE_AT[b.at]}: ${describeStep(s)}`,
      ...interleaved(s, `${indent}  `),
    ]),
  );
}

/** " (former name X)" when the user named a built-in scenario by a former name. */
function renamedNote(asked: string, s: Scenario): string {
  return asked === s.name ? '' : ` ("${asked}" is its former name)`;
}

/** What a variant follows: "v14 as posted: linux-arm/linux-cca cca-host/v14". */
function variantText(variant: string): string {
  const info = (VARIANT_INFO as Partial<Record<string, (typeof VARIANT_INFO)[Variant]>>)[variant];
  return info ? `${info.label}: ${info.tree}` : variant;
}

/** What the realm's state means for the run. */
const REALM_STATE_TEXT: Readonly<Record<RealmState, string>> = {
  ACTIVE: '',
  DEAD: ": activation failed, so KVM's realm is REALM_STATE_DEAD and the RMM's realm is still NEW",
  SYSTEM_OFF:
    ": a vCPU called PSCI SYSTEM_OFF, so the RMM's realm is SYSTEM_OFF while KVM's realm is still ACTIVE",
};

/**
 * The lines under a scenario's name: variant, realm, toggles that differ from their defaults, the
 * description with footnotes, and its sources.
 */
function scenarioHeader(s: Scenario, variantLine: string, notes: Footnotes): string[] {
  const out: string[] = [variantLine];
  const realm = (s as Partial<Scenario>).realm;
  if (realm) {
    const shared =
      realm.ipaBits >= 1 ? ` (shared bit 0x${(1n << BigInt(realm.ipaBits - 1)).toString(16)})` : '';
    out.push(
      `realm: ${realm.ipaBits}-bit IPA${shared}, state ${realm.state}${REALM_STATE_TEXT[realm.state]}`,
    );
  }
  const toggles = (s as Partial<Scenario>).toggles;
  if (toggles) {
    const set = TOGGLE_INFO.filter((t) => toggles[t.name] !== DEFAULT_TOGGLES[t.name]).map(
      (t) =>
        `${t.name} ${String(toggles[t.name])}${t.uncertain ? ' (uncertain: the sources do not settle it)' : ''}`,
    );
    out.push(`toggles: ${set.length ? set.join(', ') : 'all at their defaults'} (see realmfault toggles)`);
  }
  const mutations = (s as Partial<Scenario>).mutations;
  if (mutations && mutations.length > 0)
    out.push(`mutations: ${mutations.join(', ')} (guards removed: see realmfault mutations)`);
  if (s.description) {
    out.push('', ...s.description.split('\n').map((l) => notes.mark(l)));
    out.push(...notes.block());
  }
  return out;
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

/** --variant: a variant or a former name, as the variant it names. */
export function variantOption(v: string | boolean | undefined): Variant | undefined {
  if (v === undefined) return undefined;
  // toVariant() looks former names up in a plain object: keep only what it maps to a variant.
  const found: unknown = typeof v === 'string' ? toVariant(v) : undefined;
  const variant = VARIANTS.find((x) => x === found);
  if (variant === undefined) {
    throw new UsageError(
      `--variant: expected ${VARIANTS.join(' or ')}, or ${ALIAS_TEXT}, got ${typeof v === 'string' ? quote(v) : 'nothing'}`,
    );
  }
  return variant;
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
  const asked = values.variant;
  const variant = variantOption(asked);

  const eng = engine ?? modelEngine;
  const scenario =
    typeof name === 'string'
      ? findBuiltin(eng, name, '--scenario')
      : await loadScenarioFile(positionals[0] ?? '', io);
  const result = eng.runScenario(scenario, variant === undefined ? {} : { variant });
  if (values.json === true) {
    io.stdout(`${JSON.stringify(runToJson(result))}\n`);
  } else {
    io.stdout(
      formatRun(scenario, result, eng, {
        ...(typeof asked === 'string' && asked !== result.variant ? { variantAsked: asked } : {}),
        ...(typeof name === 'string' ? { nameAsked: name } : {}),
      }),
    );
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Output of a run.

const h = (v: bigint): string => `0x${v.toString(16)}`;

/** The RSI status (X0) and, after a RIPAS-change exit, the response (X2) a guest RSI call got. */
function rsiOf(s: StepSummary): { status: string; response?: string } | undefined {
  if (s.rsi === undefined) return undefined;
  return s.rsiResponse === undefined ? { status: s.rsi } : { status: s.rsi, response: s.rsiResponse };
}

/** One step's summary as JSON: bigints as "0x…" strings, keys in a fixed order. */
export function stepToJson(s: StepSummary): Record<string, unknown> {
  const { rsiResponse } = s;
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
    ...(s.rsi !== undefined ? { rsi: s.rsi } : {}),
    ...(rsiResponse !== undefined ? { rsiResponse } : {}),
    faults: s.faults.map((f) => ({ ipa: h(f.ipa), esr: h(f.esr), handler: f.handler, ret: f.ret })),
    rmi: s.rmi.map((r) => ({ cmd: r.cmd, status: r.status, index: r.index })),
    warnings: [...s.warnings],
  };
}

function violationToJson(v: Violation): Record<string, unknown> {
  return { invariant: v.invariant, step: v.step, message: v.message };
}

/** `realmfault run --json`: { variant, steps, violations }, the variant under its current name. */
export function runToJson(r: EngineRunResult): Record<string, unknown> {
  return {
    variant: r.variant,
    steps: r.steps.map(stepToJson),
    violations: r.violations.map(violationToJson),
  };
}

/** A C return value as the source shows it (`1`, `-EFAULT`); the number when it is not an errno. */
function cRet(ret: number): string {
  try {
    return formatCRet(ret);
  } catch {
    return String(ret);
  }
}

/**
 * What a return value of kvm_handle_guest_abort() leads to: handle_rec_exit() passes it on, and
 * kvm_arch_vcpu_ioctl_run() enters the REC again while it is positive.
 */
function abortRetMeaning(ret: number): string {
  if (ret > 0) return ' (re-enter the REC)';
  if (ret === 0) return ' (KVM_RUN returns 0 to the VMM)';
  const name = cRet(ret);
  return name.startsWith('-E') ? ` (KVM_RUN returns -1, errno ${name.slice(1)})` : ' (KVM_RUN fails)';
}

const HANDLERS: ReadonlySet<string> = new Set(['gmem_abort', 'user_mem_abort', 'io_mem_abort']);

/** One kvm_handle_guest_abort() call as the trace shows it: the handler it called, if any, and its return. */
interface AbortCall {
  readonly handler?: { readonly fn: string; readonly ret: string };
}

/** The trace events of each scenario step (index ≥ 0), by step index. */
function stepEvents(trace: readonly TraceEvent[]): Map<number, TraceEvent[]> {
  const out = new Map<number, TraceEvent[]>();
  let current: TraceEvent[] | undefined;
  for (const e of trace) {
    if (e.type === 'step' && e.index !== -2) {
      current = e.index >= 0 ? [] : undefined;
      if (current) out.set(e.index, current);
      continue;
    }
    current?.push(e);
  }
  return out;
}

/** kvm_handle_guest_abort() calls in the order they returned (the order of a step's `faults`). */
function abortCalls(events: readonly TraceEvent[]): AbortCall[] {
  const open: { depth: number; handler?: { fn: string; ret: string } }[] = [];
  const done: AbortCall[] = [];
  for (const e of events) {
    if (e.type === 'fn_enter' && e.fn === 'kvm_handle_guest_abort') open.push({ depth: e.depth });
    else if (e.type === 'fn_return' && HANDLERS.has(e.fn)) {
      const top = open.at(-1);
      if (top && e.depth === top.depth + 1) top.handler = { fn: e.fn, ret: e.ret };
    } else if (e.type === 'fn_return' && e.fn === 'kvm_handle_guest_abort') {
      const top = open.pop();
      if (top) done.push(top.handler ? { handler: top.handler } : {});
    }
  }
  return done;
}

/** The livelock the trace records for a step: the function and why. */
function livelockOf(events: readonly TraceEvent[]): { fn: string; why: string } | undefined {
  for (const e of events) {
    if (e.type === 'decision' && e.what.startsWith('livelock: ')) {
      return {
        fn: e.fn,
        why: e.what.slice('livelock: '.length).replace(/; the C loops here without a bound$/, ''),
      };
    }
  }
  return undefined;
}

function faultLine(f: FaultSummary, call: AbortCall | undefined, traced: boolean): string {
  const at = `fault at IPA ${h(f.ipa)}, ESR ${h(f.esr)}`;
  if (f.handler === 'rmm_injected_sea')
    return `${at}: the RMM injected an SEA into the realm, no REC exit, no KVM handler`;
  const top = `kvm_handle_guest_abort() returned ${cRet(f.ret)}${abortRetMeaning(f.ret)}`;
  if (!traced)
    return f.handler === 'none'
      ? `${at}: kvm_handle_guest_abort() called no handler; ${top}`
      : `${at}: handled by ${f.handler}(); ${top}`;
  if (call?.handler === undefined) return `${at}: kvm_handle_guest_abort() called no handler; ${top}`;
  return `${at}: ${call.handler.fn}() returned ${call.handler.ret}, ${top}`;
}

function summaryLines(step: Step, s: StepSummary, events: readonly TraceEvent[] | undefined): string[] {
  const lines: string[] = [];
  const head: string[] = [s.outcome];
  if (s.value !== undefined) head.push(`value ${h(s.value)}`);
  if (s.errno !== undefined) head.push(`errno ${s.errno}`);
  let first = head.join(', ');
  if (s.outcome === 'kernel_livelock') {
    const l = events ? livelockOf(events) : undefined;
    first += l
      ? `: ${l.fn}() would loop forever in the host kernel (${l.why})`
      : `: ${OUTCOME_TEXT.kernel_livelock}`;
  } else if (s.outcome === 'no_progress' || s.outcome === 'guest_sea') {
    first += `: ${OUTCOME_TEXT[s.outcome]}`;
  }
  lines.push(first);
  const rsi = rsiOf(s);
  if (rsi) {
    const call =
      step.actor === 'guest' && (step.op === 'set_memory_decrypted' || step.op === 'set_memory_encrypted')
        ? 'RSI_IPA_STATE_SET'
        : 'the RSI call';
    lines.push(
      `${call} returned ${rsi.status}${rsi.response === undefined ? '' : `, response ${rsi.response}`}`,
    );
  }
  // Pair the faults KVM handled with the kvm_handle_guest_abort() calls of the trace; without a
  // trace (or if they do not pair up) say only what the summary says.
  const calls = events ? abortCalls(events) : [];
  const handled = s.faults.filter((f) => f.handler !== 'rmm_injected_sea');
  const traced =
    events !== undefined &&
    calls.length === handled.length &&
    calls.every((c, i) => c.handler === undefined || c.handler.fn === handled[i]?.handler);
  let k = 0;
  for (const f of s.faults) {
    lines.push(faultLine(f, f.handler === 'rmm_injected_sea' ? undefined : calls[k++], traced));
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
  return collapseRepeats(lines);
}

/** Runs of the same line (a guest that faults again and again) as one line with a count. */
function collapseRepeats(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length;) {
    let j = i + 1;
    while (j < lines.length && lines[j] === lines[i]) j++;
    out.push(j - i > 1 ? `${lines[i] ?? ''} (×${j - i})` : (lines[i] ?? ''));
    i = j;
  }
  return out;
}

/** What the text output of a run says about how the user named things. */
export interface FormatRunOptions {
  /** --variant as given, when it was a former name. */
  readonly variantAsked?: string;
  /** --scenario as given. */
  readonly nameAsked?: string;
}

/**
 * `realmfault run` text: the scenario (variant, realm, toggles, description and its sources), the
 * trace (indented by call depth), then each step and its outcome.
 */
export function formatRun(
  scenario: Scenario,
  r: EngineRunResult,
  engine: Engine,
  options: FormatRunOptions = {},
): string {
  const alias = options.variantAsked === undefined ? '' : ` ("${options.variantAsked}" is its former name)`;
  const renamed = options.nameAsked === undefined ? '' : renamedNote(options.nameAsked, scenario);
  const out: string[] = [`scenario ${scenario.name}${renamed} — variant ${r.variant}${alias}`];
  out.push(...scenarioHeader(scenario, `code: ${variantText(r.variant)}`, new Footnotes()));
  out.push('', 'trace:');
  const trace = inlineCitations(engine.formatTrace(r.trace).replace(/\n+$/, ''));
  out.push(...trace.split('\n').map((l) => `  ${l}`));
  out.push('', 'steps:');
  const events = r.trace.length ? stepEvents(r.trace) : undefined;
  scenario.steps.forEach((step, i) => {
    const sum = r.steps[i];
    out.push(`  [${i}] ${describeStep(step)}`, ...interleaved(step, '      '));
    if (sum)
      out.push(
        ...summaryLines(step, sum, events?.get(i) ?? (events ? [] : undefined)).map((l) => `      ${l}`),
      );
  });
  out.push('', r.violations.length ? 'violations:' : 'violations: none');
  for (const v of r.violations) {
    out.push(`  invariant ${v.invariant} after step ${v.step}: ${inlineCitations(v.message)}`);
  }
  return `${out.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// explore, mutations

function intOption(
  name: string,
  v: string | boolean | undefined,
  min: number,
  max: number,
): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^\d{1,9}$/.test(v) || Number(v) < min || Number(v) > max)
    throw new UsageError(
      `--${name}: expected an integer ${min}…${max}, got ${typeof v === 'string' ? quote(v) : 'nothing'}`,
    );
  return Number(v);
}

async function replayCommand(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parse('replay', args, {
    'ipa-bits': { type: 'string' },
    variant: { type: 'string' },
    episodes: { type: 'boolean' },
    json: { type: 'boolean' },
  });
  if (positionals.length !== 1)
    throw new UsageError(
      positionals.length === 0
        ? 'replay: expected a log FILE, or - for standard input, got neither'
        : `replay: expected one log FILE (or -), got ${positionals.length} arguments`,
    );
  const path = positionals[0] ?? '';
  const ipaBits = ipaBitsOption(values['ipa-bits']);
  const variant = variantOption(values.variant);
  let bytes: Uint8Array;
  try {
    bytes =
      path === '-'
        ? await (io.readStdin ?? (() => Promise.reject(new Error('standard input is not available'))))()
        : await io.readFile(path);
  } catch (e) {
    throw new UsageError(`${path === '-' ? 'standard input' : path}: ${readErrorReason(e)}`);
  }
  return replayBytes(
    bytes,
    { path, ipaBits, variant, json: values.json === true, episodesOnly: values.episodes === true },
    io,
  );
}

async function exploreCommand(args: readonly string[], io: Io, engine: Engine | undefined): Promise<number> {
  const { values, positionals } = parse('explore', args, {
    variant: { type: 'string' },
    scenario: { type: 'string' },
    mutation: { type: 'string', multiple: true },
    bound: { type: 'string' },
    'max-states': { type: 'string' },
    json: { type: 'boolean' },
  });
  const name = values.scenario;
  if (typeof name === 'string' && positionals.length)
    throw new UsageError(
      `explore: expected FILE.json or --scenario NAME, got both (${quote(positionals[0] ?? '')} and --scenario)`,
    );
  if (name === undefined && positionals.length !== 1)
    throw new UsageError(
      positionals.length === 0
        ? 'explore: expected FILE.json or --scenario NAME, got neither'
        : `explore: expected one FILE.json, got ${positionals.length} arguments`,
    );
  const variant = variantOption(values.variant);
  const muts = values.mutation ?? [];
  for (const m of muts)
    if (!(MUTATION_NAMES as readonly string[]).includes(m))
      throw new UsageError(`--mutation: expected one of ${MUTATION_NAMES.join(', ')}, got ${quote(m)}`);
  const bound = intOption('bound', values.bound, 0, MAX_BOUND);
  const maxStates = intOption('max-states', values['max-states'], 1, 10_000_000);
  const eng = engine ?? modelEngine;
  const scenario =
    typeof name === 'string'
      ? findBuiltin(eng, name, '--scenario')
      : await loadScenarioFile(positionals[0] ?? '', io);
  let result: ExploreResult;
  try {
    result = explore(scenario, {
      ...(variant === undefined ? {} : { variant }),
      ...(muts.length > 0 ? { mutations: muts } : {}),
      ...(bound === undefined ? {} : { bound }),
      ...(maxStates === undefined ? {} : { maxStates }),
    });
  } catch (e) {
    if (e instanceof ExploreLimitExceeded)
      throw new UsageError(`explore: ${e.message} (--bound, --max-states)`);
    throw e;
  }
  io.stdout(values.json === true ? `${JSON.stringify(result, null, 2)}\n` : exploreText(result));
  return 0;
}

/** `realmfault explore` text. */
export function exploreText(r: ExploreResult): string {
  const notes = new Footnotes();
  const out: string[] = [
    `explore ${r.scenario}: variant ${r.variant}, mutations ${r.mutations.length ? r.mutations.join(', ') : 'none'}, bound ${r.bound}`,
    `actors: ${r.actors.map((a) => `${a.id} (${a.steps.length} step${a.steps.length === 1 ? '' : 's'})`).join(', ')}`,
    `explored: ${r.states} states, ${r.actions} actions run (${r.steps} steps, nested ones included)`,
    `naive enumeration: ${r.naive.schedules} schedules, ${r.naive.actions} actions; reduction ×${r.reduction.toFixed(2)}`,
    '',
    'invariants:',
  ];
  for (const i of r.invariants) {
    const info = INVARIANTS.find((x) => x.no === i.invariant);
    out.push(
      `  (${i.invariant}) ${i.name}: ${i.holds ? 'holds' : `BROKEN on ${i.violatingEdges} action${i.violatingEdges === 1 ? '' : 's'} explored`} ${info === undefined ? '' : notes.mark(info.source)}`.trimEnd(),
    );
  }
  for (const c of r.counterexamples) {
    out.push(
      '',
      `counterexample for invariant ${c.invariant} (${c.actions} action${c.actions === 1 ? '' : 's'}, ${c.preemptions} step${c.preemptions === 1 ? '' : 's'} in windows):`,
      `  ${c.message}`,
      ...c.path.map((l) => `  ${l}`),
      '  scenario (save it as a file and run it with realmfault run FILE.json):',
      ...JSON.stringify(c.scenario, null, 2)
        .split('\n')
        .map((l) => `    ${l}`),
    );
  }
  const block = notes.block();
  if (block.length) out.push('', ...block);
  return `${out.join('\n')}\n`;
}

function mutationsCommand(args: readonly string[], io: Io): number {
  const { values, positionals } = parse('mutations', args, { json: { type: 'boolean' } });
  if (positionals.length)
    throw new UsageError(`mutations: expected no arguments, got ${quote(positionals[0] ?? '')}`);
  if (values.json === true) {
    const list = MUTATIONS.map((m) => ({ ...m, sources: sourcesOf([m.removes]) }));
    io.stdout(`${JSON.stringify(list, null, 2)}\n`);
    return 0;
  }
  const notes = new Footnotes();
  const out: string[] = [];
  for (const m of MUTATIONS) {
    out.push(m.name, `  ${m.description}`, `  removes: ${notes.mark(m.removes)}`);
    out.push(
      `  breaks invariant ${m.breaks.join(', ')}; e.g. realmfault explore --scenario ${m.example.scenario} --variant ${m.example.variant}${m.example.bound === undefined ? '' : ` --bound ${m.example.bound}`} --mutation ${m.name}`,
      '',
    );
  }
  out.push(...notes.block());
  io.stdout(`${out.join('\n').replace(/\n+$/, '')}\n`);
  return 0;
}
