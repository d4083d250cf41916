/**
 * Replay: read a whole log — TF-RMM's RMI call log, KVM tracepoints, host kernel messages, the
 * fault path's debug prints, QEMU's and the guest's lines — decode every line it recognises, group
 * the lines into fault episodes (fault → handler → RMI commands → outcome), compare each episode
 * with what the model predicts for the same access, and infer a scenario file from the log.
 *
 * Input is never an error: a line no recogniser knows is kept and marked unrecognised, binary
 * lines and over-long lines are marked as such. Only options and the total size are checked.
 */
import { decodeIpa, decodeEsr } from '../decode/index.js';
import { parseScenario } from '../scenario/parse.js';
import { toVariant, VARIANTS, type Variant } from '../scenario/types.js';
import { runScenario } from '../sim/engine.js';
import type { TraceEvent } from '../sim/trace.js';
import { readPrefix, recognise, type Facts, type Reading } from './formats.js';
import { rmmLogs } from './rmm-log.js';
import { hex } from './values.js';
import type {
  AccessKind,
  Divergence,
  EpisodeFault,
  EpisodeOutcome,
  EpisodePrediction,
  EpisodeRmiCall,
  Explanation,
  LineStatus,
  LogFamily,
  ReplayEpisode,
  ReplayLine,
  ReplayOptions,
  ReplayResult,
} from './types.js';

/**
 * The most a replay reads: 32 MiB. The CLI and the page check a file's size in bytes against it;
 * the model counts characters (UTF-16 code units), never more than the bytes of UTF-8 text.
 */
export const MAX_REPLAY_BYTES = 32 * 1024 * 1024;
/** Lines longer than this are kept, cut, and marked too long. */
export const MAX_LINE_CHARS = 4096;
/** How much of a line is kept in the result. */
export const MAX_SHOWN_CHARS = 512;
/** Distinct model runs one replay makes for its predictions (each is one small scenario). */
export const MAX_PREDICTION_RUNS = 64;

export class ReplayInputError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'ReplayInputError';
  }
}

/** The seed thread's guest, host and QEMU log lines, as Gavin Shan posted them [@v14-29-shan-0625]. */
export const SEED_LOG = [
  '[ 52.094143] software IO TLB: Memory encryption is active and system is using DMA bounce buffers',
  '[ 52.289746] virtqueue_add_desc_split: desc[0]@0xffff000006880000, [00000100b983f000 00000640 0002 0001]',
  '[ 52.432150] PTE 0x00e8010046880707 at address 0xffff000006880000',
  '[ 109.259077] ====> realm_unmap_shared_range: tracked_unprot_addr=0x10046880000',
  '[ 109.260249] realm_unmap_shared_range: unmapped shared range at 0x10046880000',
  '[ 109.317786] realm_unmap_shared_range: unmapped shared range at 0x10046880000',
  '[ 109.629939] ====> kvm_handle_guest_abort: fault_ipa=0x10046880000, esr=0x92000007',
  '[ 109.630245] realm_map_non_secure: ipa=0x10046880000, pfn=0xb8b59, size=0x1000, prot=0xf',
  '[ 109.630331] realm_map_non_secure: ipa=0x10046880000, ipa_top=0x10046881000, flags=0x1e0001, range_desc=0xb8b59004',
  '====> virtqueue_split_pop: vdev=<virtio-net>, sz=0x38, queue_index=0x0, vq->vring.num=0x100',
  'virtqueue_split_pop: last_avail_idx=0x0, head=0x0',
  'address_space_read_cached_slow: cache@0xffff1c036440, addr=0x0, buf=0xffffeee34880, len=0x10',
  'address_space_read_cached_slow: cache: ptr=0x0, xlat=0x10046880000, len=0x1000, mrs=<realm-dma-region>, is_write=no',
  'address_space_read_cached_slow: translated to mr=<mach-virt.ram>, mr_addr=0x6880000, l=0x10',
  'flatview_read_continue_step: mr=<mach-virt.ram>, host=0xffff23e00000, mr_addr=0x6880000, ram_ptr=0xffff2a680000',
  'virtqueue_split_pop: desc: 0000000000000000 - 00000000 - 00000000 - 00000000',
  'qemu-system-aarch64: virtio: zero sized buffers are not allowed',
].join('\n');

// ---------------------------------------------------------------------------------------------
// Lines

type MutableLine = { -readonly [K in keyof ReplayLine]: ReplayLine[K] };

/** A line is binary when it has a NUL or mostly control characters. */
function isBinary(s: string): boolean {
  let bad = 0;
  const n = Math.min(s.length, 512);
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 0 || c === 0xfffd) return true;
    if (c < 0x20 && c !== 9) bad++;
  }
  return bad > n / 8;
}

function readLine(n: number, raw: string, ipaBits: number): { line: MutableLine; facts: Facts | null } {
  const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  const shown = text.length > MAX_SHOWN_CHARS ? `${text.slice(0, MAX_SHOWN_CHARS)}…` : text;
  const base = {
    n,
    prefix: null,
    family: null,
    format: null,
    values: [],
    fn: null,
    page: null,
    sources: [],
    episode: null,
  };
  const plain = (status: LineStatus, title: string, reading: string): { line: MutableLine; facts: null } => ({
    line: { ...base, text: status === 'binary' ? printable(shown) : shown, status, title, reading },
    facts: null,
  });
  if (text.trim() === '') return plain('blank', 'blank', 'An empty line.');
  if (isBinary(text))
    return plain(
      'binary',
      'binary data',
      'Not text: the line has NUL or control bytes. It is shown with them replaced.',
    );
  if (text.length > MAX_LINE_CHARS)
    return plain(
      'too-long',
      'line too long',
      `Longer than ${String(MAX_LINE_CHARS)} characters, so not read: no format the replay knows is that long.`,
    );
  const split = readPrefix(text);
  const r: Reading | null = recognise(split, ipaBits);
  if (r === null) {
    const ev = split.prefix?.event;
    return {
      line: {
        ...base,
        text: shown,
        prefix: split.prefix,
        status: 'unrecognised',
        title: ev ? `tracepoint ${ev}` : 'not recognised',
        reading: ev
          ? `A trace event the replay does not read (${ev}), or its fields are not in the format the tracepoint prints.`
          : 'No format the replay knows matches this line.',
      },
      facts: null,
    };
  }
  return {
    line: {
      ...base,
      text: shown,
      prefix: split.prefix,
      status: 'recognised',
      family: r.family,
      format: r.format,
      title: r.title,
      reading: r.reading,
      values: r.values,
      fn: r.fn,
      page: r.page,
      sources: r.sources,
    },
    facts: r.facts ?? null,
  };
}

function printable(s: string): string {
  let out = '';
  for (let i = 0; i < s.length && out.length < 160; i++) {
    const c = s.charCodeAt(i);
    out += c < 0x20 || c === 0x7f || c === 0xfffd ? '·' : s.charAt(i);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Episodes

interface Builder {
  id: number;
  first: number;
  last: number;
  fault: EpisodeFault;
  ipa: bigint;
  rmi: EpisodeRmiCall[];
  prot: string | null;
  protLine: number | null;
  flags: string | null;
  warn: string | null;
  outcome: EpisodeOutcome;
}

const faults = new Map<string, Omit<EpisodeFault, 'line'>>();

/** The fault an episode begins with; the decoding is shared between episodes of the same IPA and ESR. */
function faultOf(line: number, ipa: bigint, esr: bigint | null, ipaBits: number): EpisodeFault {
  const key = `${String(ipaBits)}|${ipa.toString(16)}|${esr === null ? '' : esr.toString(16)}`;
  let f = faults.get(key);
  if (f === undefined) {
    if (faults.size > 65_536) faults.clear();
    f = readFault(ipa, esr, ipaBits);
    faults.set(key, f);
  }
  return { line, ...f };
}

function readFault(ipa: bigint, esr: bigint | null, ipaBits: number): Omit<EpisodeFault, 'line'> {
  const page = ipa & ~0xfffn;
  const d = decodeIpa(page, ipaBits);
  let dfsc: number | null = null;
  let fault: string | null = null;
  let level: number | null = null;
  let access: AccessKind = 'unknown';
  let accessNote = 'The log gives no syndrome.';
  if (esr !== null) {
    const e = decodeEsr(esr);
    if (e.ec === 0x20) {
      access = 'exec';
      accessNote = 'An instruction abort.';
    }
    const da = e.dataAbort;
    if (da) {
      dfsc = da.dfsc;
      fault = da.fault?.description ?? null;
      level = da.fault?.level ?? null;
      if (e.rmmView === 'unprotected_no_isv' || e.rmmView === 'protected') {
        access = 'unknown';
        accessNote =
          e.rmmView === 'protected'
            ? 'The RMM hides WnR for a protected-IPA abort, so the syndrome does not say read or write.'
            : 'The RMM hides WnR for an unprotected-IPA abort without ISV, so WnR 0 does not mean a read.';
      } else {
        access = da.wnr ? 'write' : 'read';
        accessNote = `WnR ${da.wnr ? 1 : 0}, which the RMM reports for this kind of abort.`;
      }
    }
  }
  return {
    ipa: hex(page),
    esr: esr === null ? null : hex(esr),
    half: d.half,
    gpa: hex(d.gpa),
    gfn: hex(d.gfn),
    dfsc,
    fault,
    level,
    access,
    accessNote,
    handler: d.half === 'protected' ? 'gmem_abort' : 'user_mem_abort',
  };
}

const UNKNOWN_OUTCOME: EpisodeOutcome = {
  kind: 'unknown',
  line: null,
  text: 'The log ends, or the next fault begins, before it says how this fault ended.',
};

// ---------------------------------------------------------------------------------------------
// Predictions

const SLOT_BASE = 0x40000000n;
const SLOT_SIZE = 0x80000000n;
const GIB = 0x40000000n;

interface ModelRun {
  readonly rmi: EpisodeRmiCall[];
  readonly prot: string | null;
  readonly flags: string | null;
  readonly warn: string | null;
  readonly outcome: EpisodeOutcome;
  readonly esr: string | null;
}

interface Alternative {
  readonly id: string;
  readonly text: string;
  readonly sources: readonly string[];
  readonly toggle?: string;
  readonly applies: (f: EpisodeFault) => boolean;
  readonly variant?: (v: Variant) => Variant;
  readonly toggles?: Record<string, boolean>;
  readonly vmmWritesFirst?: boolean;
  readonly isvWrite?: boolean;
  /** Scenario `vmm` settings. */
  readonly vmm?: Record<string, boolean>;
}

/** The alternatives a divergence may come from that the model can run, to see which reproduce the log. */
const ALTERNATIVES: readonly Alternative[] = [
  {
    id: 'vmm-wrote-first',
    text: 'The VMM had written the page before the fault, so the lookup found a writable host page and prot has W.',
    sources: ['[@v14 kvm_s2_fault_compute_prot()]', '[@v14 kvm_s2_fault_pin_pfn()]'],
    applies: (f) => f.half === 'unprotected',
    vmmWritesFirst: true,
  },
  {
    id: 'force-shared-write',
    text: 'A local change forces W into every shared-space mapping, as in the seed thread; on untouched MAP_PRIVATE memory it maps the shared zero page writable.',
    sources: ['[@v14-29-shan-0626a]', '[@v14-29-poulose-0626a]'],
    toggle: 'forceSharedWrite',
    applies: (f) => f.half === 'unprotected',
    toggles: { forceSharedWrite: true },
  },
  {
    id: 'isv-store',
    text: 'The access was a store with a valid syndrome (ISV 1), for which the RMM reports WnR, so KVM looked the page up for writing.',
    sources: ['[@tf-rmm-exit.c:275-280]'],
    applies: (f) => f.half === 'unprotected' && f.access !== 'read',
    isvWrite: true,
  },
  {
    id: 'shared-at-creation',
    text: 'The VMM left the guest_memfd memory shared when it created the memslot (KVM’s default attribute), so gmem_abort() finds the GFN shared and exits with KVM_EXIT_MEMORY_FAULT for the VMM to convert it.',
    sources: ['[@v14 gmem_abort()]', '[@qemu-bd3bcf69]', '[@qemu-kvm-all.c:1612-1619]'],
    applies: (f) => f.half === 'protected',
    vmm: { gmemPrivateAtCreation: false },
  },
  {
    id: 'other-variant',
    text: 'The kernel runs the other code: ',
    sources: ['[@v14-29]', '[@post-v14 realm_map_ipa()]'],
    applies: () => true,
    variant: (v) => (v === 'v14' ? 'post-v14-review' : 'v14'),
  },
];

interface PredictionInput {
  readonly fault: EpisodeFault;
  readonly variant: Variant;
  readonly ipaBits: number;
  readonly alt: Alternative | null;
}

function scenarioFor(p: PredictionInput, name: string): Record<string, unknown> {
  const gpa = BigInt(p.fault.gpa);
  const inDefault = gpa >= SLOT_BASE && gpa < SLOT_BASE + SLOT_SIZE;
  const slotBase = inDefault ? SLOT_BASE : gpa & ~(GIB - 1n);
  const slotSize = inDefault ? SLOT_SIZE : GIB;
  const write = p.fault.access === 'write' || p.alt?.isvWrite === true;
  const ipa = p.fault.ipa;
  const steps: Record<string, unknown>[] = [];
  if (p.fault.half === 'unprotected')
    steps.push({ guest: 'set_memory_shared', ipa: p.fault.gpa, size: '0x1000' });
  if (p.alt?.vmmWritesFirst) steps.push({ vmm: 'write', gpa: p.fault.gpa, value: '0x1', size: 8 });
  steps.push(
    write
      ? { guest: 'write', ipa, value: '0x1', size: 8, isv: p.alt?.isvWrite === true }
      : { guest: 'read', ipa, size: 8, isv: false },
  );
  const variant = p.alt?.variant ? p.alt.variant(p.variant) : p.variant;
  return {
    name,
    description: `The access of a fault the replay read from a log: ${p.fault.half === 'protected' ? 'a private' : 'a shared'} ${write ? 'write' : 'read'} at IPA ${ipa}, in a realm fresh from activation.`,
    variant,
    seed: 1,
    realm: { ipaBits: p.ipaBits },
    memslots: [
      {
        gpa: hex(slotBase),
        size: hex(slotSize),
        hva: '0xffff23e00000',
        guestMemfd: true,
        backing: 'anon-private',
      },
    ],
    ...(p.alt?.toggles ? { toggles: p.alt.toggles } : {}),
    ...(p.alt?.vmm ? { vmm: p.alt.vmm } : {}),
    steps,
  };
}

const argHex = (v: unknown): string | null =>
  typeof v === 'bigint' ? hex(v) : typeof v === 'number' ? hex(v) : typeof v === 'string' ? v : null;

function runPrediction(p: PredictionInput): ModelRun {
  const doc = scenarioFor(p, 'replay-prediction');
  const scenario = parseScenario(doc);
  const result = runScenario(scenario);
  const last = result.steps.length - 1;
  const summary = result.steps[last];
  let step = -2;
  let prot: string | null = null;
  let flags: string | null = null;
  let esr: string | null = null;
  const rmi: EpisodeRmiCall[] = [];
  // The episode a log shows ends where KVM_RUN first returns to the VMM: later KVM_RUNs of the same
  // access (after the VMM converted the page, say) are episodes of their own in a log.
  let firstExit: Extract<TraceEvent, { type: 'exit_to_vmm' }> | null = null;
  for (const e of result.trace) {
    if (e.type === 'step') step = e.index;
    if (step !== last || firstExit !== null) continue;
    if (e.type === 'exit_to_vmm') {
      firstExit = e;
      continue;
    }
    if (e.type === 'rec_exit' && e.reason === 'RMI_EXIT_SYNC' && esr === null) esr = hex(e.esr);
    if (e.type === 'fn_enter' && e.fn === 'realm_map_ipa' && prot === null) prot = argHex(e.args['prot']);
    if (e.type === 'rmi_call') {
      if (e.cmd === 'RMI_REC_ENTER') continue;
      rmi.push({
        line: null,
        cmd: e.cmd,
        status: e.status,
        level: e.status === 'RMI_ERROR_RTT' ? e.index : null,
      });
      if (e.cmd === 'RMI_RTT_UNPROT_MAP' && flags === null) flags = argHex(e.args['flags']);
    }
  }
  const warn = summary?.warnings[0] ?? null;
  let outcome: EpisodeOutcome;
  if (
    firstExit !== null &&
    firstExit.exitReason === 'KVM_EXIT_MEMORY_FAULT' &&
    summary?.outcome === 'completed'
  )
    return {
      rmi,
      prot,
      flags,
      warn,
      esr,
      outcome: {
        kind: 'exit-to-vmm',
        line: null,
        text: `KVM_RUN returns -EFAULT with KVM_EXIT_MEMORY_FAULT for GPA ${hex(firstExit.gpa ?? 0n)} (flags ${hex(firstExit.flags ?? 0n)}); the VMM converts the page and runs the vCPU again, and the access completes.`,
      },
    };
  switch (summary?.outcome) {
    case 'completed':
      outcome = {
        kind: 'resumed',
        line: null,
        text: 'KVM maps the page and enters the REC again; the access completes.',
      };
      break;
    case 'kvm_run_error':
      outcome = warn
        ? {
            kind: 'warn',
            line: null,
            text: `${warn}() WARNs and KVM_RUN fails with ${summary.errno ?? 'an error'}.`,
          }
        : { kind: 'error', line: null, text: `KVM_RUN fails with ${summary.errno ?? 'an error'}.` };
      break;
    case 'vmm_exit':
      outcome = {
        kind: 'exit-to-vmm',
        line: null,
        text: 'KVM_RUN returns to the VMM with an exit to handle.',
      };
      break;
    case 'guest_sea':
      outcome = { kind: 'resumed', line: null, text: 'The guest takes a synchronous external abort.' };
      break;
    default:
      outcome = {
        kind: 'unknown',
        line: null,
        text: `The model's run ends with ${summary?.outcome ?? 'nothing'}.`,
      };
  }
  return { rmi, prot, flags, warn, outcome, esr };
}

// ---------------------------------------------------------------------------------------------
// Comparison

interface Found {
  readonly key: string;
  readonly line: number | null;
  readonly expected: string;
  readonly observed: string;
  readonly note: boolean;
}

const callText = (c: EpisodeRmiCall): string =>
  `${c.cmd}${c.status === 'not logged' ? ' (the call; its result is not in the log)' : ` → ${c.status}${c.level !== null ? `(${String(c.level)})` : ''}`}`;

function compare(ep: Builder, run: ModelRun, hasRmmLog: boolean): Found[] {
  const out: Found[] = [];
  const modelList = (): string => (run.rmi.length ? run.rmi.map(callText).join(', ') : 'no RMI command');
  for (const c of ep.rmi) {
    const same = run.rmi.filter((m) => m.cmd === c.cmd);
    const matched =
      c.status === 'not logged'
        ? same.length > 0
        : same.some((m) => m.status === c.status && m.level === c.level);
    if (matched) continue;
    const statusOnly = same.some((m) => m.status === c.status);
    out.push({
      key: `rmi:${c.cmd}:${c.status}`,
      line: c.line,
      expected: same.length
        ? same.map(callText).join(', ')
        : `no ${c.cmd} in this fault (the model issues ${modelList()})`,
      observed: callText(c),
      note: statusOnly || c.status === 'RMI_ERROR_RTT',
    });
  }
  if (hasRmmLog) {
    for (const m of run.rmi) {
      const name = m.cmd.replace(/^RMI_/, '');
      if (!rmmLogs(name, m.status.replace(/^RMI_/, ''))) continue;
      if (ep.rmi.some((c) => c.cmd === m.cmd && c.status === m.status)) continue;
      out.push({
        key: `missing:${m.cmd}:${m.status}`,
        line: null,
        expected: `${callText(m)}, which TF-RMM prints`,
        observed: `no such line in this episode`,
        note: m.status === 'RMI_ERROR_RTT',
      });
    }
  }
  if (ep.prot !== null && run.prot !== null && BigInt(ep.prot) !== BigInt(run.prot))
    out.push({
      key: 'prot',
      line: ep.protLine,
      expected: `prot ${run.prot}`,
      observed: `prot ${ep.prot}`,
      note: false,
    });
  if (ep.flags !== null && run.flags !== null && BigInt(ep.flags) !== BigInt(run.flags))
    out.push({
      key: 'flags',
      line: ep.protLine,
      expected: `RMI_RTT_UNPROT_MAP flags ${run.flags}`,
      observed: `flags ${ep.flags}`,
      note: false,
    });
  const logKind = ep.outcome.kind;
  const modelKind = run.outcome.kind;
  const mapped = ep.rmi.some(
    (c) => /_MAP$/.test(c.cmd) && (c.status === 'RMI_SUCCESS' || c.status === 'not logged'),
  );
  const logSays = logKind !== 'unknown' ? logKind : mapped && ep.warn === null ? 'mapped' : null;
  if (logSays !== null) {
    const efault = ep.outcome.errno === 14;
    const agree =
      logSays === modelKind ||
      (logSays === 'error' && efault && modelKind === 'exit-to-vmm') ||
      (logSays === 'mapped' && modelKind === 'resumed') ||
      (logSays === 'warn' && modelKind === 'warn') ||
      (logSays === 'error' && modelKind === 'warn');
    if (!agree)
      out.push({
        key: 'outcome',
        // Where the log shows it: its outcome line, or the mapping call it shows instead.
        line:
          ep.outcome.line ??
          ep.rmi.find((c) => /_MAP$/.test(c.cmd) && (c.status === 'RMI_SUCCESS' || c.status === 'not logged'))
            ?.line ??
          null,
        expected: run.outcome.text,
        observed:
          logSays === 'mapped'
            ? `KVM issues the mapping (${ep.rmi
                .filter((c) => /_MAP$/.test(c.cmd))
                .map(callText)
                .join(', ')}) without a WARN`
            : ep.outcome.text,
        note: false,
      });
  }
  return out;
}

/** Explanations of a divergence that no alternative run covers. */
function staticExplanations(f: Found, fault: EpisodeFault): Explanation[] {
  if (f.key.includes('RMI_ERROR_RTT'))
    return [
      {
        text: 'Which RTTs exist depends on earlier faults and unmaps: the prediction runs the access in a realm fresh from activation, so RMI_ERROR_RTT at another level, or none, is expected when the log’s realm had run for a while.',
        sources: ['[@v14 realm_create_rtt_levels()]', '[@post-v14 realm_map_protected()]'],
      },
      {
        text: 'For a shared mapping, an entry already there also returns RMI_ERROR_RTT; the post-v14 code then unmaps the shared range and maps again.',
        sources: ['[@v14-29-poulose-0626b]', '[@post-v14-gw-rmi.c:843-846]'],
      },
    ];
  if (f.key.includes('RMI_ERROR_INPUT'))
    return [
      {
        text: 'TF-RMM refuses the arguments: an unaligned base or top, a range past the realm or across a table, or a descriptor that does not fit.',
        sources: ['[@tf-rmm-rtt_map.c:108-196]'],
      },
    ];
  if ((f.key.startsWith('rmi:') && !f.key.endsWith(':not logged')) || f.key.startsWith('missing:'))
    return [
      {
        text: 'The RMM in the log is another revision, or was built with other logging, than the TF-RMM the model follows.',
        sources: ['[@tf-rmm-handler.c:106-171]'],
      },
    ];
  if (f.key === 'outcome' && fault.half === 'protected')
    return [
      {
        text: 'The GFN’s attribute, the guest_memfd binding or the RIPAS differ from a realm fresh from activation with QEMU’s PRIVATE-at-creation memslot.',
        sources: ['[@v14 gmem_abort()]', '[@qemu-kvm-all.c:1612-1619]'],
      },
    ];
  return [];
}

// ---------------------------------------------------------------------------------------------
// The reader

export interface Replay {
  /** Feed text; chunks may split lines anywhere. */
  push(chunk: string): void;
  /** Lines read so far. */
  readonly lines: number;
  /** Characters (UTF-16 code units) read so far. */
  readonly chars: number;
  /** Finish: the last line, the episodes, the predictions, the inferred scenario. */
  end(): ReplayResult;
}

function checkOptions(opts: ReplayOptions): { ipaBits: number; variant: Variant } {
  const ipaBits = opts.ipaBits ?? 41;
  if (!Number.isInteger(ipaBits) || ipaBits < 32 || ipaBits > 52)
    throw new ReplayInputError(
      `replay option ipaBits: expected an integer from 32 to 52, got ${String(ipaBits)}`,
    );
  const name = opts.variant ?? 'v14';
  const variant = toVariant(name);
  if (variant === undefined)
    throw new ReplayInputError(
      `replay option variant: expected one of ${VARIANTS.join(', ')}, got "${name}"`,
    );
  return { ipaBits, variant };
}

/** Start a replay that is fed in chunks (the site's worker reads a file this way, with progress). */
export function createReplay(opts: ReplayOptions = {}): Replay {
  const { ipaBits, variant } = checkOptions(opts);
  const lines: MutableLine[] = [];
  const facts: (Facts | null)[] = [];
  let rest = '';
  let chars = 0;
  let ended = false;
  let skipping = false;
  const take = (raw: string): void => {
    const r = readLine(lines.length + 1, raw, ipaBits);
    lines.push(r.line);
    facts.push(r.facts);
  };
  return {
    push(chunk: string) {
      if (ended) throw new ReplayInputError('replay: push() after end()');
      if (typeof chunk !== 'string') throw new ReplayInputError('replay input: expected text');
      chars += chunk.length;
      if (chars > MAX_REPLAY_BYTES)
        throw new ReplayInputError(
          `replay input: more than ${String(MAX_REPLAY_BYTES)} characters (${String(MAX_REPLAY_BYTES / 1024 / 1024)} MiB of plain text), the most the replay reads; cut the log to the part around the fault`,
        );
      let text: string;
      let start = 0;
      if (skipping) {
        // Inside a line already cut: drop its text up to the next newline.
        const nl = chunk.indexOf('\n');
        if (nl < 0) return;
        skipping = false;
        text = chunk;
        start = nl + 1;
      } else text = rest + chunk;
      for (let nl = text.indexOf('\n', start); nl >= 0; nl = text.indexOf('\n', start)) {
        take(text.slice(start, nl));
        start = nl + 1;
      }
      rest = text.slice(start);
      // A line with no newline for longer than the limit is read now, cut, so memory stays bounded.
      if (rest.length > MAX_LINE_CHARS * 4) {
        take(rest.slice(0, MAX_LINE_CHARS * 4));
        rest = '';
        skipping = true;
      }
    },
    get lines() {
      return lines.length;
    },
    get chars() {
      return chars;
    },
    end() {
      if (ended) throw new ReplayInputError('replay: end() called twice');
      ended = true;
      if (rest !== '') take(rest);
      return finish(lines, facts, ipaBits, variant, chars);
    },
  };
}
/** Read a whole log at once. */
export function replayLog(text: string, opts: ReplayOptions = {}): ReplayResult {
  if (typeof text !== 'string') throw new ReplayInputError('replay input: expected text');
  const r = createReplay(opts);
  r.push(text);
  return r.end();
}

function finish(
  lines: MutableLine[],
  facts: readonly (Facts | null)[],
  ipaBits: number,
  variant: Variant,
  chars: number,
): ReplayResult {
  const episodes: Builder[] = [];
  // Traces interleave vCPU threads: an episode belongs to the thread (ftrace's pid) that faulted.
  // Lines without a thread (the RMM's console, dmesg) go to the episode touched last.
  const open = new Map<string, Builder>();
  const memslots: { gpa: bigint; size: bigint; hva: bigint; guestMemfd: boolean }[] = [];
  const pendingExit = new Map<string, number>();
  let last: Builder | null = null;
  const hasRmmLog = lines.some((l) => l.family === 'rmm');
  const threadOf = (l: MutableLine): string | null =>
    l.prefix?.pid !== undefined ? `pid ${String(l.prefix.pid)}` : null;
  const current = (l: MutableLine): Builder | null => {
    const t = threadOf(l);
    return t === null ? last : (open.get(t) ?? null);
  };
  const attach = (b: Builder, l: MutableLine): void => {
    l.episode = b.id;
    b.last = Math.max(b.last, l.n);
    last = b;
  };
  const close = (b: Builder): void => {
    for (const [k, v] of open) if (v === b) open.delete(k);
    if (last === b) last = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const f = facts[i];
    const l = lines[i];
    if (l === undefined) continue;
    const cur = current(l);
    if (f === null || f === undefined) {
      if (cur !== null && l.family === 'kernel') attach(cur, l);
      continue;
    }
    switch (f.kind) {
      case 'fault': {
        if (
          cur !== null &&
          cur.ipa === (f.ipa & ~0xfffn) &&
          cur.rmi.length === 0 &&
          cur.warn === null &&
          cur.prot === null
        ) {
          attach(cur, l);
          if (cur.fault.esr === null && f.esr !== null)
            cur.fault = faultOf(cur.fault.line, f.ipa, f.esr, ipaBits);
          break;
        }
        if (cur !== null) close(cur);
        const thread = threadOf(l) ?? 'console';
        const exitLine = pendingExit.get(thread);
        pendingExit.delete(thread);
        const b: Builder = {
          id: episodes.length + 1,
          first: exitLine ?? l.n,
          last: l.n,
          fault: faultOf(l.n, f.ipa, f.esr, ipaBits),
          ipa: f.ipa & ~0xfffn,
          rmi: [],
          prot: null,
          protLine: null,
          flags: null,
          warn: null,
          outcome: UNKNOWN_OUTCOME,
        };
        if (exitLine !== undefined) {
          const pl = lines[exitLine - 1];
          if (pl) pl.episode = b.id;
        }
        episodes.push(b);
        open.set(thread, b);
        attach(b, l);
        break;
      }
      case 'exit': {
        if (cur !== null) {
          if (cur.outcome.kind === 'unknown')
            cur.outcome = {
              kind: 'resumed',
              line: l.n,
              text: 'The vCPU ran again: its next exit follows (inferred from it).',
            };
          close(cur);
        }
        const thread = threadOf(l) ?? 'console';
        // A realm's exits all trace as IRQ / EC 0 in v14 (see the kvm_exit reading), so any exit may
        // be the one a fault follows; a non-realm VM's says so in its EC.
        if (f.ec === null || f.ec === 0x24 || f.ec === 0x20) pendingExit.set(thread, l.n);
        else pendingExit.delete(thread);
        break;
      }
      case 'entry':
        if (cur !== null) {
          attach(cur, l);
          cur.outcome = {
            kind: cur.warn ? 'warn' : 'resumed',
            line: l.n,
            text: 'KVM enters the guest again.',
          };
          close(cur);
        }
        pendingExit.delete(threadOf(l) ?? 'console');
        break;
      case 'userspace-exit':
        if (cur !== null) {
          attach(cur, l);
          cur.outcome = f.error
            ? { kind: cur.warn ? 'warn' : 'error', line: l.n, text: l.reading, errno: f.code }
            : { kind: 'exit-to-vmm', line: l.n, text: l.reading };
          close(cur);
          // -EFAULT may be a memory-fault exit: QEMU's next line (it has no thread) may say so.
          if (f.error && f.code === 14) last = cur;
        }
        break;
      case 'rmi':
        if (cur !== null) {
          attach(cur, l);
          cur.rmi.push({
            line: l.n,
            cmd: f.cmd,
            status: f.status === null ? 'not logged' : `RMI_${f.status}`,
            level: f.level,
          });
        }
        break;
      case 'map-args':
        if (cur !== null) {
          attach(cur, l);
          if (f.prot !== null) {
            cur.prot = hex(f.prot);
            cur.protLine = l.n;
          }
          if (f.flags !== null) {
            cur.flags = hex(f.flags);
            cur.protLine ??= l.n;
          }
          if (f.desc !== null)
            cur.rmi.push({
              line: l.n,
              cmd: f.fn === 'realm_map_non_secure' ? 'RMI_RTT_UNPROT_MAP' : 'RMI_RTT_DATA_MAP',
              status: 'not logged',
              level: null,
            });
        }
        break;
      case 'warn':
        if (cur !== null) {
          attach(cur, l);
          cur.warn = f.fn;
          if (cur.outcome.kind === 'unknown')
            cur.outcome = { kind: 'warn', line: l.n, text: `A WARN in ${f.fn ?? 'an unknown function'}().` };
        }
        break;
      case 'frame':
        if (cur !== null) attach(cur, l);
        break;
      case 'vmm-memory-fault':
        // QEMU's side of a KVM_EXIT_MEMORY_FAULT: the exit of the episode whose GFN it names.
        if (cur !== null && BigInt(cur.fault.gpa) >= f.gpa && BigInt(cur.fault.gpa) < f.gpa + f.size) {
          attach(cur, l);
          if (cur.outcome.kind === 'unknown' || cur.outcome.kind === 'error')
            cur.outcome = { kind: 'exit-to-vmm', line: l.n, text: l.reading };
          close(cur);
        }
        break;
      case 'memslot':
        memslots.push(f);
        break;
      default:
        break;
    }
  }

  // Predictions, memoised: one model run per (half, access, variant, alternative, memslot).
  const cache = new Map<string, ModelRun | string>();
  let runs = 0;
  const predict = (p: PredictionInput): ModelRun | string => {
    const gpa = BigInt(p.fault.gpa);
    const slot = gpa >= SLOT_BASE && gpa < SLOT_BASE + SLOT_SIZE ? 'default' : hex(gpa & ~(GIB - 1n));
    const key = `${p.fault.half}|${p.fault.access}|${p.variant}|${p.alt?.id ?? ''}|${slot}`;
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    let out: ModelRun | string;
    if (gpa >= 1n << BigInt(ipaBits - 1))
      out = `GPA ${p.fault.gpa} is beyond the protected half of a ${String(ipaBits)}-bit realm: the RMM injects an SEA and KVM never sees the fault.`;
    else if (runs >= MAX_PREDICTION_RUNS)
      out = `Not run: this log needs more than ${String(MAX_PREDICTION_RUNS)} distinct model runs.`;
    else {
      runs++;
      try {
        out = runPrediction(p);
      } catch (e) {
        out = `The model could not run this access: ${e instanceof Error ? e.message : String(e)}`;
      }
    }
    cache.set(key, out);
    return out;
  };

  const explained = new Map<string, Explanation[]>();
  const matched = new Map<string, string[]>();
  const explain = (ep: Builder, f: Found): Explanation[] => {
    const explanations: Explanation[] = [];
    for (const alt of ALTERNATIVES) {
      if (!alt.applies(ep.fault)) continue;
      const r = predict({ fault: ep.fault, variant, ipaBits, alt });
      if (typeof r === 'string') continue;
      const still = compare(ep, r, hasRmmLog).some((g) => g.key === f.key);
      const otherVariant = alt.variant ? alt.variant(variant) : null;
      explanations.push({
        text: otherVariant ? `${alt.text}${otherVariant}.` : alt.text,
        sources: alt.sources,
        ...(alt.toggle ? { toggle: alt.toggle } : {}),
        check: {
          reproduces: !still,
          how: `The model run with this change ${still ? 'still differs from' : 'matches'} the log here.`,
        },
      });
    }
    explanations.push(...staticExplanations(f, ep.fault));
    explanations.sort((a, b) => Number(b.check?.reproduces ?? false) - Number(a.check?.reproduces ?? false));
    return explanations;
  };

  const built: ReplayEpisode[] = episodes.map((ep) => {
    const base = predict({ fault: ep.fault, variant, ipaBits, alt: null });
    const assumptions = [
      'The realm is fresh from activation: one guest_memfd memslot that QEMU made PRIVATE, RIPAS RAM, no RTTs below level 1 except those the access itself needs.',
      ep.fault.half === 'unprotected'
        ? 'The guest made the page shared first (set_memory_decrypted()), and the VMM had not touched it: QEMU’s default RAM is MAP_PRIVATE anonymous memory.'
        : 'The page is private and was never mapped.',
      ep.fault.access === 'unknown'
        ? `The access is run as a read: ${ep.fault.accessNote}`
        : `The access is a ${ep.fault.access}.`,
    ];
    const scenarioName = `replay-episode-${String(ep.id)}`;
    const seen = {
      id: ep.id,
      first: ep.first,
      last: ep.last,
      fault: ep.fault,
      rmi: ep.rmi,
      prot: ep.prot,
      flags: ep.flags,
      warn: ep.warn,
      outcome: ep.outcome,
    };
    if (typeof base === 'string') {
      return {
        ...seen,
        prediction: {
          variant,
          scenario: scenarioName,
          assumptions,
          rmi: [],
          prot: null,
          flags: null,
          warn: null,
          outcome: { kind: 'unknown', line: null, text: base },
        },
        divergences: [],
        matchedBy: [],
      };
    }
    const found = compare(ep, base, hasRmmLog);
    // Episodes of the same shape get the same explanations: run the alternatives once per shape.
    const shape = `${ep.fault.half}|${ep.fault.access}|${hex(BigInt(ep.fault.gpa) & ~(GIB - 1n))}|${ep.rmi
      .map((c) => `${c.cmd}:${c.status}:${String(c.level)}`)
      .join(',')}|${String(ep.prot)}|${String(ep.flags)}|${String(ep.warn)}|${ep.outcome.kind}`;
    const divergences: Divergence[] = found.map((f) => {
      const key = `${shape}|${f.key}`;
      let explanations = explained.get(key);
      if (explanations === undefined) {
        explanations = explain(ep, f);
        explained.set(key, explanations);
      }
      return {
        line: f.line,
        expected: f.expected,
        observed: f.observed,
        severity: f.note ? 'note' : 'divergence',
        explanations,
      };
    });
    let matchedBy = matched.get(shape);
    if (matchedBy === undefined) {
      matchedBy = [];
      if (found.some((f) => !f.note))
        for (const alt of ALTERNATIVES) {
          if (!alt.applies(ep.fault)) continue;
          const r = predict({ fault: ep.fault, variant, ipaBits, alt });
          if (typeof r === 'string') continue;
          if (compare(ep, r, hasRmmLog).every((g) => g.note))
            matchedBy.push(alt.variant ? `${alt.text}${alt.variant(variant)}.` : alt.text);
        }
      matched.set(shape, matchedBy);
    }
    const prediction: EpisodePrediction = {
      variant,
      scenario: scenarioName,
      assumptions:
        base.esr && ep.fault.esr && BigInt(base.esr) !== BigInt(ep.fault.esr)
          ? [
              ...assumptions,
              `The model's RMM reports ESR ${base.esr} for this access; the log has ${ep.fault.esr}. Fault levels differ when the log’s realm had other tables.`,
            ]
          : assumptions,
      rmi: base.rmi,
      prot: base.prot,
      flags: base.flags,
      warn: base.warn,
      outcome: base.outcome,
    };
    return {
      ...seen,
      prediction,
      divergences,
      matchedBy,
    };
  });

  const byFamily = Object.fromEntries(
    (['rmm', 'trace', 'kernel', 'debug', 'qemu', 'guest'] as LogFamily[]).map((f) => [f, 0]),
  ) as Record<LogFamily, number>;
  const count: Record<LineStatus, number> = {
    recognised: 0,
    unrecognised: 0,
    binary: 0,
    'too-long': 0,
    blank: 0,
  };
  for (const l of lines) {
    count[l.status]++;
    if (l.family) byFamily[l.family]++;
  }
  const { scenario, notes } = inferScenario(built, ipaBits, variant, memslots);
  return {
    ipaBits,
    variant,
    lines,
    episodes: built,
    stats: {
      lines: lines.length,
      chars,
      recognised: count.recognised,
      unrecognised: count.unrecognised,
      binary: count.binary,
      tooLong: count['too-long'],
      blank: count.blank,
      byFamily,
      episodes: built.length,
      divergent: built.filter((e) => e.divergences.some((d) => d.severity === 'divergence')).length,
    },
    scenario,
    scenarioNotes: notes,
  };
}

// ---------------------------------------------------------------------------------------------
// The inferred scenario

/** Steps an inferred scenario keeps at most. */
export const MAX_INFERRED_STEPS = 64;

function inferScenario(
  episodes: readonly ReplayEpisode[],
  ipaBits: number,
  variant: Variant,
  memslots: readonly { gpa: bigint; size: bigint; hva: bigint; guestMemfd: boolean }[],
): { scenario: Record<string, unknown> | null; notes: string[] } {
  const notes: string[] = [];
  if (episodes.length === 0)
    return {
      scenario: null,
      notes: ['The log has no fault the replay could read, so no scenario was inferred.'],
    };
  const steps: Record<string, unknown>[] = [];
  const shared = new Set<string>();
  let slot: { base: bigint; size: bigint } | null = null;
  let skipped = 0;
  const toggles = new Set<string>();
  for (const ep of episodes) {
    const gpa = BigInt(ep.fault.gpa);
    if (gpa >= 1n << BigInt(ipaBits - 1)) {
      skipped++;
      continue;
    }
    const base = gpa >= SLOT_BASE && gpa < SLOT_BASE + SLOT_SIZE ? SLOT_BASE : gpa & ~(GIB - 1n);
    const size = base === SLOT_BASE ? SLOT_SIZE : GIB;
    if (slot === null) slot = { base, size };
    else if (slot.base !== base) {
      skipped++;
      continue;
    }
    if (steps.length >= MAX_INFERRED_STEPS) {
      skipped++;
      continue;
    }
    if (ep.fault.half === 'unprotected' && !shared.has(ep.fault.gpa)) {
      shared.add(ep.fault.gpa);
      steps.push({ guest: 'set_memory_shared', ipa: ep.fault.gpa, size: '0x1000' });
    }
    const write = ep.fault.access === 'write';
    steps.push(
      write
        ? { guest: 'write', ipa: ep.fault.ipa, value: '0x1', size: 8, isv: false }
        : { guest: 'read', ipa: ep.fault.ipa, size: 8, isv: false },
    );
    for (const d of ep.divergences)
      for (const x of d.explanations) if (x.toggle && x.check?.reproduces) toggles.add(x.toggle);
  }
  if (slot === null)
    return { scenario: null, notes: ['Every fault in the log is outside the realm’s protected half.'] };
  // A memslot the log shows (QEMU's kvm_set_user_memory) that holds every access replaces the default.
  const sharedBit = 1n << BigInt(ipaBits - 1);
  const used = steps.map((st) => BigInt(String(st['ipa'])) & (sharedBit - 1n));
  const logged = memslots.find((m) => m.guestMemfd && used.every((g) => g >= m.gpa && g < m.gpa + m.size));
  const memslot = logged
    ? {
        gpa: hex(logged.gpa),
        size: hex(logged.size),
        hva: hex(logged.hva),
        guestMemfd: true,
        backing: 'anon-private',
      }
    : {
        gpa: hex(slot.base),
        size: hex(slot.size),
        hva: '0xffff23e00000',
        guestMemfd: true,
        backing: 'anon-private',
      };
  const slotNote =
    notes.push(
      logged
        ? `The memslot is the one QEMU’s trace sets (GPA ${hex(logged.gpa)}, HVA ${hex(logged.hva)}); its memory is taken to be MAP_PRIVATE anonymous, QEMU’s default.`
        : 'The memslot is the model’s default (one guest_memfd slot: GPA 0x40000000–0xC0000000, or the GiB around the faults), since the log shows none that holds every access.',
    ) - 1;
  notes.push(
    'One guest access per fault episode, in log order; a shared page is made shared (set_memory_decrypted()) before its first access.',
    'Accesses whose syndrome hides WnR are run as reads; a conversion the log shows only through unmaps is not turned into steps.',
  );
  if (skipped)
    notes.push(
      `${String(skipped)} fault${skipped === 1 ? '' : 's'} left out: outside the first fault’s memslot, beyond the IPA space, or past ${String(MAX_INFERRED_STEPS)} steps.`,
    );
  if (toggles.size)
    notes.push(
      `${toggles.size === 1 ? 'The toggle' : 'The toggles'} ${[...toggles].join(', ')} made a model run match the log, but ${toggles.size === 1 ? 'is' : 'are'} not turned on here: other explanations match as well (see each episode).`,
    );
  const scenario = {
    name: 'replayed-log',
    description: `Inferred from a log by the replay: ${String(episodes.length)} fault episode${episodes.length === 1 ? '' : 's'}.`,
    variant,
    seed: 1,
    realm: { ipaBits },
    memslots: [memslot],
    steps,
  };
  // The inferred file must be one the parser accepts; a memslot from the log it refuses is replaced.
  try {
    parseScenario(scenario);
  } catch (e) {
    if (!logged) throw e;
    notes[slotNote] =
      `QEMU’s memslot (GPA ${hex(logged.gpa)}, HVA ${hex(logged.hva)}) is not one the model accepts (${e instanceof Error ? e.message : String(e)}), so the scenario uses the model’s default.`;
    scenario.memslots = [
      {
        gpa: hex(slot.base),
        size: hex(slot.size),
        hva: '0xffff23e00000',
        guestMemfd: true,
        backing: 'anon-private',
      },
    ];
    parseScenario(scenario);
  }
  return { scenario, notes };
}
