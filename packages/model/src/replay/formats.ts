/**
 * The line recognisers of the replay: one per format the fault path's programs print, each written
 * from the format string in its primary source (cited next to it). A recogniser takes the message
 * body (the prefix — a dmesg timestamp, an ftrace header, a syslog or QEMU timestamp — already
 * split off by readPrefix()) and returns what it read, or null.
 */
import { MIRRORED_FUNCTIONS } from '../sim/functions.js';
import { ESR_EC_TABLE } from '../decode/index.js';
import { parseRmmLogLine, RMM_ARG_NAMES, RMM_STATUS_STRINGS, rmmLogs } from './rmm-log.js';
import { hex, parseHex, value } from './values.js';
import type { LinePrefix, LogFamily, ReplayValue } from './types.js';

/** What a recogniser read from one line. */
export interface Reading {
  readonly family: LogFamily;
  readonly format: string;
  readonly title: string;
  readonly reading: string;
  readonly values: readonly ReplayValue[];
  readonly fn: string | null;
  readonly page: string | null;
  readonly sources: readonly string[];
  /** What the episode grouping needs, in plain numbers. */
  readonly facts?: Facts;
}

/** The facts of a line that fault episodes are made of. */
export type Facts =
  | { readonly kind: 'fault'; readonly ipa: bigint; readonly esr: bigint | null }
  | { readonly kind: 'exit'; readonly ec: number | null }
  | { readonly kind: 'entry' }
  | {
      readonly kind: 'userspace-exit';
      readonly reason: string;
      readonly code: number;
      readonly error: boolean;
    }
  | {
      readonly kind: 'rmi';
      readonly cmd: string;
      readonly status: string | null;
      readonly level: number | null;
      readonly base: bigint | null;
    }
  | {
      readonly kind: 'map-args';
      readonly fn: string;
      readonly ipa: bigint;
      readonly prot: bigint | null;
      readonly flags: bigint | null;
      readonly desc: bigint | null;
      readonly pfn: bigint | null;
    }
  | {
      readonly kind: 'warn';
      readonly fn: string | null;
      readonly file: string | null;
      readonly line: number | null;
    }
  | { readonly kind: 'frame'; readonly fn: string }
  | { readonly kind: 'unmap'; readonly ipa: bigint | null }
  | { readonly kind: 'attributes'; readonly start: bigint; readonly end: bigint; readonly attrs: bigint }
  | { readonly kind: 'mmio'; readonly gpa: bigint; readonly write: boolean }
  | {
      readonly kind: 'vmm-memory-fault';
      readonly gpa: bigint;
      readonly size: bigint;
      readonly private: boolean;
    }
  | {
      readonly kind: 'memslot';
      readonly gpa: bigint;
      readonly size: bigint;
      readonly hva: bigint;
      readonly guestMemfd: boolean;
    };

const MIRRORED = new Set(MIRRORED_FUNCTIONS.map((f) => f.name));

/** The page of the site that explains each function the replay links (paths under the site root). */
export const FUNCTION_PAGES: Readonly<Record<string, string>> = {
  kvm_arch_vcpu_ioctl_run: '/concepts/run-loop/',
  handle_rec_exit: '/fault-path/rec-exit/',
  rec_exit_sync_dabt: '/fault-path/rec-exit/',
  rec_exit_ripas_change: '/fault-path/rec-exit/',
  kvm_handle_guest_abort: '/fault-path/kvm-handle-guest-abort/',
  gmem_abort: '/fault-path/gmem-abort/',
  user_mem_abort: '/fault-path/user-mem-abort/',
  kvm_s2_fault_pin_pfn: '/fault-path/user-mem-abort/',
  kvm_s2_fault_get_vma_info: '/fault-path/user-mem-abort/',
  kvm_s2_fault_compute_prot: '/fault-path/user-mem-abort/',
  kvm_s2_fault_map: '/fault-path/user-mem-abort/',
  io_mem_abort: '/fault-path/exits/',
  realm_map_ipa: '/fault-path/realm-map-ipa/',
  realm_map_protected: '/fault-path/realm-map-ipa/',
  realm_map_non_secure: '/fault-path/realm-map-ipa/',
  realm_create_rtt_levels: '/fault-path/rtt-creation/',
  realm_unmap_shared_range: '/fault-path/invalidation/',
  realm_unmap_private_range: '/fault-path/invalidation/',
  kvm_realm_unmap_range: '/fault-path/invalidation/',
  kvm_unmap_gfn_range: '/fault-path/invalidation/',
  kvm_mmu_notifier_invalidate_range_start: '/fault-path/invalidation/',
  kvm_vm_set_mem_attributes: '/conversions/explicit/',
  kvm_arch_post_set_memory_attributes: '/conversions/explicit/',
};

const pageOf = (fn: string | null): string | null => (fn === null ? null : (FUNCTION_PAGES[fn] ?? null));

/** The v14 citation of a function the model mirrors (its line range comes from the ledger). */
// Built so that the source scanner does not take the template for a citation.
const OPEN = '\u005b@';
const v14 = (fn: string): string => `${OPEN}v14 ${fn}()]`;

// ---------------------------------------------------------------------------------------------
// Prefixes

/** What precedes the message, and the message. */
export interface Split {
  readonly prefix: LinePrefix | null;
  readonly body: string;
}

// `  qemu-system-aar-1234  [001] d..1.  123.456789: kvm_exit: TRAP: …` (ftrace's trace file, with or
// without the irq-flags column and the TGID column) and trace-cmd report's `task-pid [cpu] ts: event: …`.
const FTRACE =
  /^\s*(.+?)-(\d+)\s+(?:\(\s*[-\d]+\)\s+)?\[(\d{1,4})\]\s+(?:[.\w]{4,6}\s+)?(\d+\.\d+):\s+([\w:]+):\s*(.*)$/;
const DMESG = /^\[\s*(\d+\.\d+)\](?:\s*\[\s*[TC]\d+\])?\s?/;
const LEVEL = /^<(\d)>/;
const SYSLOG = /^[A-Z][a-z]{2}\s+\d{1,2}\s+\d\d:\d\d:\d\d\s+\S+\s+[\w.\-/]+(?:\[\d+\])?:\s+/;
const ISO = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?)\s+/;

/** Split a line into its prefix (timestamps, CPU, task) and its message. */
export function readPrefix(line: string): Split {
  let body = line;
  let timestamp: string | undefined;
  let level: number | undefined;
  const iso = ISO.exec(body);
  if (iso) {
    timestamp = iso[1];
    body = body.slice(iso[0].length);
  }
  const sys = SYSLOG.exec(body);
  if (sys) {
    timestamp ??= sys[0].slice(0, 15);
    body = body.slice(sys[0].length);
  }
  const lv = LEVEL.exec(body);
  if (lv) {
    level = Number(lv[1]);
    body = body.slice(lv[0].length);
  }
  const dm = DMESG.exec(body);
  if (dm) {
    timestamp = dm[1];
    body = body.slice(dm[0].length);
  }
  if (body.includes(': ') && body.includes('[')) {
    const ft = FTRACE.exec(body);
    if (ft) {
      return {
        prefix: {
          task: ft[1] ?? '',
          pid: Number(ft[2]),
          cpu: Number(ft[3]),
          timestamp: ft[4] ?? '',
          event: ft[5] ?? '',
          ...(level === undefined ? {} : { level }),
        },
        body: ft[6] ?? '',
      };
    }
  }
  const prefix: LinePrefix | null =
    timestamp === undefined && level === undefined
      ? null
      : { ...(timestamp === undefined ? {} : { timestamp }), ...(level === undefined ? {} : { level }) };
  return { prefix, body };
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** `key=value, key=value` pairs; values end at a comma or space (`<virtio-net>` kept whole). */
function pairs(text: string): [string, string][] {
  const out: [string, string][] = [];
  const re = /([A-Za-z_][\w.>-]*)=(<[^>]*>|[^,\s]+)/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) out.push([m[1] ?? '', m[2] ?? '']);
  return out;
}

/** How a named value of a debug print is decoded. */
function keyedValue(fn: string, key: string, text: string, ipaBits: number): ReplayValue {
  switch (key) {
    case 'ipa':
    case 'fault_ipa':
    case 'tracked_unprot_addr':
    case 'xlat':
      return value(key, text, 'ipa', ipaBits);
    case 'esr':
    case 'hsr':
      return value(key, text, 'esr', ipaBits);
    case 'prot':
      return value(key, text, 'prot', ipaBits);
    case 'range_desc':
      return value(key, text, 'range-desc', ipaBits);
    case 'flags':
      if (fn === 'realm_map_non_secure') return value(key, text, 'unprot-flags', ipaBits);
      break;
    case 'pfn': {
      const v = parseHex(text);
      if (v !== null) return value(key, text, null, ipaBits, `host PFN ${hex(v)}: PA ${hex(v << 12n)}`);
      break;
    }
    case 'size':
    case 'len':
    case 'sz': {
      const v = parseHex(text);
      if (v !== null) return value(key, text, null, ipaBits, `${v.toString()} bytes`);
      break;
    }
  }
  return value(key, text, null, ipaBits);
}

const num = (v: ReplayValue | undefined): bigint | null => (v === undefined ? null : parseHex(v.text));

// ---------------------------------------------------------------------------------------------
// TF-RMM

const RMM_SOURCES = ['[@tf-rmm-handler.c:198-282]', '[@tf-rmm-handler.c:106-171]'];

function rmmLine(body: string, ipaBits: number): Reading | null {
  const call = parseRmmLogLine(body);
  if (call === null) return null;
  const names = RMM_ARG_NAMES[call.name] ?? [];
  const values: ReplayValue[] = call.args.map((a, i) => {
    const name = names[i] ?? `arg${String(i)}`;
    const text = hex(a);
    if (name === 'base' || name === 'map_addr') return value(name, text, 'ipa', ipaBits);
    if (name === 'flags' && call.name === 'RTT_UNPROT_MAP') return value(name, text, 'unprot-flags', ipaBits);
    if (name === 'oaddr' && (call.name === 'RTT_UNPROT_MAP' || call.name === 'RTT_DATA_MAP'))
      return value(name, text, 'range-desc', ipaBits);
    if (name === 'level') return value(name, text, null, ipaBits, `RTT level ${a.toString()}`);
    return value(name, text, null, ipaBits);
  });
  const status =
    call.status === null
      ? `a return value past the status table (${hex(call.raw ?? 0n)})`
      : `RMI_${call.status}`;
  if (call.status !== null) {
    const packed = BigInt(RMM_STATUS_INDEX(call.status)) | (BigInt(call.index ?? 0) << 8n);
    values.push(value('status', hex(packed), 'rmi-ret', ipaBits));
  }
  for (const [i, o] of call.outputs.entries()) values.push(value(`x${String(i + 1)}`, hex(o), null, ipaBits));
  const level = call.status === 'ERROR_RTT' ? call.index : null;
  const notes: string[] = [];
  if (call.problem) notes.push(call.problem);
  if (call.status === 'SUCCESS' && !rmmLogs(call.name, 'SUCCESS'))
    notes.push(
      'TF-RMM at the cited revision prints this command only when it fails: the RMM was built with other logging',
    );
  const base = call.args[names.indexOf('base')] ?? call.args[names.indexOf('map_addr')] ?? null;
  return {
    family: 'rmm',
    format: 'rmm-rmi-call',
    title: `RMI_${call.name}`,
    reading: `RMI_${call.name} returned ${status}${level !== null ? ` at RTT level ${String(level)}` : ''}${notes.length ? `. ${notes.join('. ')}` : ''}`,
    values,
    fn: `RMI_${call.name}`,
    page: '/reference/rmi/',
    sources: RMM_SOURCES,
    facts: { kind: 'rmi', cmd: `RMI_${call.name}`, status: call.status, level, base: base ?? null },
  };
}

const RMM_STATUS_INDEX = (name: string): number => RMM_STATUS_STRINGS.indexOf(name);

// ---------------------------------------------------------------------------------------------
// KVM tracepoints

const EXCEPTION_TYPES = ['IRQ', 'SERROR', 'TRAP', 'HYP_GONE'];

const TRACE_ARM = (lines: string): string => `${OPEN}linux-trace_arm.h:${lines}]`;

const H = '(0x[0-9a-fA-F]+|0+)';

const RE_EXIT = new RegExp(`^(\\w+): HSR_EC: (0x[0-9a-fA-F]+) \\((\\w+)\\), PC: ${H}$`);
const RE_ENTRY = new RegExp(`^PC: ${H}$`);
const RE_GUEST_FAULT = new RegExp(`^ipa ${H}, hsr ${H}, hxfar ${H}, pc ${H}$`);
const RE_NISV = new RegExp(`^ipa ${H}, esr ${H}, far ${H}, pc ${H}$`);
const RE_MMIO = /^mmio (unsatisfied-read|read|write) len (\d+) gpa (0x[0-9a-fA-F]+) val (0x[0-9a-fA-F]+)$/;
const RE_USER_EXIT = /^reason (\w+|0x[0-9a-fA-F]+) \((-?\d+)\)$/;
const RE_ACCESS = /^IPA: ([0-9a-fA-F]+)$/;
const RE_UNMAP_HVA = new RegExp(`^mmu notifier unmap range: ${H} -- ${H}$`);
const RE_ATTRS = new RegExp(`^${H} -- ${H} \\[(0x[0-9a-fA-F]+)\\]$`);

function traceLine(event: string, body: string, ipaBits: number): Reading | null {
  const t = body.trim();
  switch (event) {
    case 'kvm_exit': {
      const m = RE_EXIT.exec(t);
      if (!m) return null;
      const type = m[1] ?? '';
      const ec = Number(m[2]);
      const info = ESR_EC_TABLE.find((e) => e.ec === ec);
      const known = EXCEPTION_TYPES.includes(type);
      // For a REC, v14 traces the exit with kvm_rec_enter()'s return value, the RMI status of
      // RMI_REC_ENTER (0 on success: ARM_EXCEPTION_IRQ), before handle_rec_exit() has copied the
      // exit's ESR into the vCPU: so a realm's exits all read "IRQ: HSR_EC: 0x0000 (UNKNOWN)".
      const realmShape = type === 'IRQ' && ec === 0;
      return {
        family: 'trace',
        format: 'trace-kvm_exit',
        title: 'kvm_exit',
        reading: realmShape
          ? 'The vCPU left the guest. For a realm this is what every exit prints in v14: the tracepoint gets RMI_REC_ENTER’s status (0, read as IRQ) and runs before handle_rec_exit() copies the exit’s ESR, so neither the type nor the EC says why the REC exited (inferred from the code).'
          : `The vCPU left the guest: ${known ? type : `exception type ${type}`}, EC ${hex(ec)} (${m[3] ?? ''}${info ? `: ${info.description}` : ''}). For a realm in v14 these fields are not the exit’s: the EC is the previous exit’s (inferred from the code).`,
        values: [
          value(
            'type',
            type,
            null,
            ipaBits,
            known ? `ARM_EXCEPTION_${type}` : 'not one of IRQ, SERROR, TRAP, HYP_GONE',
          ),
          value(
            'HSR_EC',
            m[2] ?? '',
            null,
            ipaBits,
            info ? `${info.name}: ${info.description}` : 'not in the EC table',
          ),
          value(
            'PC',
            m[4] ?? '',
            null,
            ipaBits,
            'KVM’s copy of the PC; rec_exit carries none, so for a REC it is not where the realm is',
          ),
        ],
        fn: 'kvm_arch_vcpu_ioctl_run',
        page: '/concepts/run-loop/',
        sources: [
          TRACE_ARM('30-51'),
          '[@linux-kvm_asm.h:16-31]',
          '[@linux-kvm_arm.h:321-332]',
          '[@v14-arm.c:1452]',
          v14('kvm_rec_enter'),
          v14('handle_rec_exit'),
          '[@tf-rmm-smc-rmi.h:1431-1489]',
        ],
        facts: { kind: 'exit', ec: type === 'TRAP' ? ec : null },
      };
    }
    case 'kvm_entry': {
      const m = RE_ENTRY.exec(t);
      if (!m) return null;
      return {
        family: 'trace',
        format: 'trace-kvm_entry',
        title: 'kvm_entry',
        reading: 'KVM enters the guest again; for a realm, kvm_rec_enter() issues RMI_REC_ENTER next.',
        values: [value('PC', m[1] ?? '', null, ipaBits)],
        fn: 'kvm_arch_vcpu_ioctl_run',
        page: '/concepts/run-loop/',
        sources: [TRACE_ARM('15-28'), '[@v14-arm.c:1388]', '[@v14-arm.c:1392]'],
        facts: { kind: 'entry' },
      };
    }
    case 'kvm_guest_fault': {
      const m = RE_GUEST_FAULT.exec(t);
      if (!m) return null;
      const ipa = parseHex(m[1] ?? '') ?? 0n;
      const esr = parseHex(m[2] ?? '');
      return {
        family: 'trace',
        format: 'trace-kvm_guest_fault',
        title: 'kvm_guest_fault',
        reading: 'kvm_handle_guest_abort() takes a stage-2 fault.',
        values: [
          value('ipa', m[1] ?? '', 'ipa', ipaBits),
          value('hsr', m[2] ?? '', 'esr', ipaBits),
          value(
            'hxfar',
            m[3] ?? '',
            null,
            ipaBits,
            'FAR: the RMM reports no FAR for a realm data abort (it reads 0 here)',
          ),
          value('pc', m[4] ?? '', null, ipaBits),
        ],
        fn: 'kvm_handle_guest_abort',
        page: pageOf('kvm_handle_guest_abort'),
        sources: [
          TRACE_ARM('53-76'),
          '[@linux-mmu.c:2262]',
          v14('kvm_handle_guest_abort'),
          '[@tf-rmm-exit.c:215]',
          '[@tf-rmm-exit.c:279-284]',
          v14('handle_rec_exit'),
        ],
        facts: { kind: 'fault', ipa, esr },
      };
    }
    case 'kvm_mmio_nisv': {
      const m = RE_NISV.exec(t);
      if (!m) return null;
      return {
        family: 'trace',
        format: 'trace-kvm_mmio_nisv',
        title: 'kvm_mmio_nisv',
        reading: 'An MMIO access without a valid syndrome: KVM cannot emulate it.',
        values: [
          value('ipa', m[1] ?? '', 'ipa', ipaBits),
          value('esr', m[2] ?? '', 'esr', ipaBits),
          value('far', m[3] ?? '', null, ipaBits),
          value('pc', m[4] ?? '', null, ipaBits),
        ],
        fn: 'io_mem_abort',
        page: '/fault-path/exits/',
        sources: [TRACE_ARM('139-162'), '[@linux-mmio.c:174]'],
      };
    }
    case 'kvm_mmio': {
      const m = RE_MMIO.exec(t);
      if (!m) return null;
      const gpa = parseHex(m[3] ?? '') ?? 0n;
      return {
        family: 'trace',
        format: 'trace-kvm_mmio',
        title: 'kvm_mmio',
        reading: `MMIO ${m[1] ?? ''} of ${m[2] ?? ''} bytes at ${hex(gpa)}, emulated by the VMM.`,
        values: [
          value('type', m[1] ?? '', null, ipaBits),
          value('len', m[2] ?? '', null, ipaBits, `${m[2] ?? ''} bytes`),
          value('gpa', m[3] ?? '', 'ipa', ipaBits),
          value('val', m[4] ?? '', null, ipaBits),
        ],
        fn: 'io_mem_abort',
        page: '/fault-path/exits/',
        sources: ['[@linux-trace-kvm.h:133-156]', '[@linux-mmio.c:138]', '[@linux-mmio.c:226]'],
        facts: { kind: 'mmio', gpa, write: m[1] === 'write' },
      };
    }
    case 'kvm_userspace_exit': {
      const m = RE_USER_EXIT.exec(t);
      if (!m) return null;
      const reason = m[1] ?? '';
      const code = Number(m[2]);
      const error = reason === 'error' || reason === 'restart';
      const name = error ? null : reason.startsWith('KVM_EXIT_') ? reason : null;
      const what = error
        ? code === 14
          ? 'KVM_RUN returned -EFAULT: an error, or a KVM_EXIT_MEMORY_FAULT exit, which KVM_RUN also returns with -EFAULT; the tracepoint prints only the errno, so the VMM’s log says which'
          : `KVM_RUN failed with errno ${String(code)}${code === 4 ? ' (EINTR: a signal; the VMM runs it again)' : code === 11 ? ' (EAGAIN)' : ''}`
        : name
          ? `KVM_RUN returned to the VMM with ${name}`
          : `KVM_RUN returned to the VMM with exit reason ${String(code)}${code === 39 ? ' (KVM_EXIT_MEMORY_FAULT, which the tracepoint has no name for)' : ''}`;
      const known =
        error || (name !== null && TRACED_EXIT_REASONS.has(name.slice(9))) || reason.startsWith('0x');
      if (!known) return null;
      return {
        family: 'trace',
        format: 'trace-kvm_userspace_exit',
        title: 'kvm_userspace_exit',
        reading: `${what}.`,
        values: [value('reason', reason, null, ipaBits), value('code', m[2] ?? '', null, ipaBits)],
        fn: 'kvm_arch_vcpu_ioctl_run',
        page: '/fault-path/exits/',
        sources: ['[@linux-trace-kvm.h:12-40]', '[@linux-kvm_main.c:4479]', '[@linux-api.rst:7264-7267]'],
        facts: { kind: 'userspace-exit', reason, code, error: reason === 'error' },
      };
    }
    case 'kvm_access_fault': {
      const m = RE_ACCESS.exec(t);
      if (!m) return null;
      return {
        family: 'trace',
        format: 'trace-kvm_access_fault',
        title: 'kvm_access_fault',
        reading: 'An access-flag fault, handled without the full fault path.',
        values: [value('IPA', `0x${m[1] ?? ''}`, 'ipa', ipaBits)],
        fn: 'kvm_handle_guest_abort',
        page: pageOf('kvm_handle_guest_abort'),
        sources: [TRACE_ARM('78-91'), '[@linux-mmu.c:2122]'],
      };
    }
    case 'kvm_unmap_hva_range': {
      const m = RE_UNMAP_HVA.exec(t);
      if (!m) return null;
      return {
        family: 'trace',
        format: 'trace-kvm_unmap_hva_range',
        title: 'kvm_unmap_hva_range',
        reading: `An MMU-notifier invalidation of host virtual addresses ${m[1] ?? ''}–${m[2] ?? ''}: KVM unmaps the shared aliases they back.`,
        values: [
          value('start', m[1] ?? '', null, ipaBits, 'HVA'),
          value('end', m[2] ?? '', null, ipaBits, 'HVA'),
        ],
        fn: 'kvm_mmu_notifier_invalidate_range_start',
        page: pageOf('kvm_mmu_notifier_invalidate_range_start'),
        sources: ['[@linux-trace-kvm.h:388-405]', '[@linux-kvm_main.c:734]'],
        facts: { kind: 'unmap', ipa: null },
      };
    }
    case 'kvm_vm_set_mem_attributes': {
      const m = RE_ATTRS.exec(t);
      if (!m) return null;
      const start = parseHex(m[1] ?? '') ?? 0n;
      const end = parseHex(m[2] ?? '') ?? 0n;
      const attrs = parseHex(m[3] ?? '') ?? 0n;
      const priv = (attrs & 8n) !== 0n;
      return {
        family: 'trace',
        format: 'trace-kvm_vm_set_mem_attributes',
        title: 'kvm_vm_set_mem_attributes',
        reading: `KVM_SET_MEMORY_ATTRIBUTES: GFNs ${hex(start)}–${hex(end)} become ${priv ? 'PRIVATE' : 'shared'} (attributes ${hex(attrs)}).`,
        values: [
          value('start', m[1] ?? '', null, ipaBits, `GFN ${hex(start)} (GPA ${hex(start << 12n)})`),
          value('end', m[2] ?? '', null, ipaBits, `GFN ${hex(end)} (GPA ${hex(end << 12n)}), exclusive`),
          value(
            'attributes',
            m[3] ?? '',
            null,
            ipaBits,
            priv ? 'KVM_MEMORY_ATTRIBUTE_PRIVATE' : 'none: shared',
          ),
        ],
        fn: 'kvm_vm_set_mem_attributes',
        page: pageOf('kvm_vm_set_mem_attributes'),
        sources: ['[@linux-trace-kvm.h:362-386]', '[@linux-kvm_main.c:2563]', '[@linux-uapi-kvm.h:1651]'],
        facts: { kind: 'attributes', start, end, attrs },
      };
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Host kernel messages

// v7.1.8: "WARNING: %s:%d at %pS, CPU#%d: %s/%d" [@linux-panic.c:1081-1087]; %pS prints
// function+offset/size [module]. Older kernels printed "WARNING: CPU: %d PID: %d at %s:%d %pS".
const RE_WARN_NEW =
  /^WARNING: (?:(\S+):(\d+) )?at (\S+?)\+0x[0-9a-f]+\/0x[0-9a-f]+(?: \[(\w+)\])?, CPU#(\d+): (.+)\/(\d+)$/;
const RE_WARN_OLD =
  /^WARNING: CPU: (\d+) PID: (\d+) at (\S+):(\d+) (\S+?)\+0x[0-9a-f]+\/0x[0-9a-f]+(?: \[(\w+)\])?$/;
const RE_FRAME = /^\s*(?:\[<[0-9a-f]+>\]\s*)?([A-Za-z_][\w.]*)\+0x[0-9a-f]+\/0x[0-9a-f]+(?: \[(\w+)\])?$/;
const RE_KVM_ERR = /^kvm \[(\d+)\]: (.*)$/;
const RE_RTT_WARN = /^Failed to create RTT at level (-?\d+): (-?\d+)$/;

/** The WARNs of the fault path the v14 code has, by function: what makes each fire. */
const FAULT_PATH_WARNS: Readonly<
  Record<string, { readonly what: string; readonly sources: readonly string[] }>
> = {
  realm_map_ipa: {
    what: 'realm_map_ipa() refuses a mapping without KVM_PGTABLE_PROT_W and returns -EFAULT (v14)',
    sources: ['[@v14-mmu.c:1561]', v14('realm_map_ipa')],
  },
  realm_map_protected: {
    what: 'realm_map_protected(): an RMI command of the private mapping failed in a way it does not handle',
    sources: [v14('realm_map_protected')],
  },
  realm_map_non_secure: {
    what: 'realm_map_non_secure(): RMI_RTT_UNPROT_MAP failed in a way it does not handle',
    sources: [v14('realm_map_non_secure')],
  },
  realm_create_rtt_levels: {
    what: 'realm_create_rtt_levels(): RMI_RTT_CREATE failed',
    sources: ['[@v14-rmi.c:251]', v14('realm_create_rtt_levels')],
  },
  realm_unmap_shared_range: {
    what: 'realm_unmap_shared_range(): an unmap step failed',
    sources: [v14('realm_unmap_shared_range')],
  },
};

function kernelLine(body: string, ipaBits: number): Reading | null {
  const t = body.trimEnd();
  if (t.startsWith('WARNING: ')) {
    const n = RE_WARN_NEW.exec(t);
    const o = n ? null : RE_WARN_OLD.exec(t);
    if (!n && !o) return null;
    const file = n ? (n[1] ?? null) : (o?.[3] ?? null);
    const line = n ? (n[2] ? Number(n[2]) : null) : Number(o?.[4]);
    const fn = n ? (n[3] ?? '') : (o?.[5] ?? '');
    const cpu = n ? (n[5] ?? '') : (o?.[1] ?? '');
    const known = FAULT_PATH_WARNS[fn];
    const mirrored = MIRRORED.has(fn);
    return {
      family: 'kernel',
      format: 'kernel-warning',
      title: `WARNING in ${fn}()`,
      reading: `${known ? known.what : `A WARN fired in ${fn}()`}${file ? ` (${file}:${String(line)})` : ''}, on CPU ${cpu}.${o ? ' This is the header older kernels print.' : ''}`,
      values: [
        value(
          'function',
          fn,
          null,
          ipaBits,
          mirrored ? 'a function the model mirrors' : 'not a function the model mirrors',
        ),
        ...(file ? [value('file', `${file}:${String(line)}`, null, ipaBits)] : []),
        value('cpu', cpu, null, ipaBits),
      ],
      fn: mirrored ? fn : null,
      page: pageOf(fn),
      sources: ['[@linux-panic.c:1081-1087]', ...(known?.sources ?? [])],
      facts: { kind: 'warn', fn, file, line },
    };
  }
  if (t === '------------[ cut here ]------------')
    return {
      family: 'kernel',
      format: 'kernel-cut-here',
      title: 'cut here',
      reading: 'The start of a WARN or BUG splat.',
      values: [],
      fn: null,
      page: null,
      sources: ['[@linux-bug.h:9]'],
    };
  if (/^---\[ end trace [0-9a-f]{16} \]---$/.test(t))
    return {
      family: 'kernel',
      format: 'kernel-end-trace',
      title: 'end trace',
      reading: 'The end of a WARN or BUG splat.',
      values: [],
      fn: null,
      page: null,
      sources: ['[@linux-panic.c:1051-1054]'],
    };
  if (t === 'Call trace:')
    return {
      family: 'kernel',
      format: 'kernel-call-trace',
      title: 'Call trace',
      reading: 'The stack of the splat follows, innermost function first.',
      values: [],
      fn: null,
      page: null,
      sources: [],
    };
  const f = RE_FRAME.exec(t);
  if (f && body.startsWith(' ')) {
    const fn = f[1] ?? '';
    const mirrored = MIRRORED.has(fn);
    return {
      family: 'kernel',
      format: 'kernel-frame',
      title: `frame ${fn}()`,
      reading: mirrored
        ? `A stack frame in ${fn}(), a function the model mirrors.`
        : `A stack frame in ${fn}().`,
      values: [value('function', fn, null, ipaBits), ...(f[2] ? [value('module', f[2], null, ipaBits)] : [])],
      fn: mirrored ? fn : null,
      page: pageOf(fn),
      sources: [],
      facts: { kind: 'frame', fn },
    };
  }
  const r = RE_RTT_WARN.exec(t);
  if (r)
    return {
      family: 'kernel',
      format: 'kernel-rtt-create-warn',
      title: 'Failed to create RTT',
      reading: `The message of v14's WARN in realm_create_rtt_levels(): RMI_RTT_CREATE at level ${r[1] ?? ''} failed with ${r[2] ?? ''}.`,
      values: [
        value('level', r[1] ?? '', null, ipaBits, `RTT level ${r[1] ?? ''}`),
        value('ret', r[2] ?? '', null, ipaBits),
      ],
      fn: 'realm_create_rtt_levels',
      page: pageOf('realm_create_rtt_levels'),
      sources: ['[@v14-rmi.c:251]', v14('realm_create_rtt_levels')],
    };
  const k = RE_KVM_ERR.exec(t);
  if (k)
    return {
      family: 'kernel',
      format: 'kernel-kvm_err',
      title: 'kvm message',
      reading: `A kvm_err()/kvm_info() message from the task with PID ${k[1] ?? ''}: “${k[2] ?? ''}”.`,
      values: [value('pid', k[1] ?? '', null, ipaBits), value('message', k[2] ?? '', null, ipaBits)],
      fn: null,
      page: null,
      sources: ['[@linux-kvm_host.h:881-884]'],
    };
  return null;
}

// ---------------------------------------------------------------------------------------------
// Debug prints in the fault-path functions (the seed's instrumentation) and the guest's and
// QEMU's lines the seed quotes [@v14-29-shan-0625]

const SEED = '[@v14-29-shan-0625]';

/** QEMU functions whose names appear in the seed's QEMU debug prints, with where they are. */
const QEMU_FUNCTIONS: Readonly<Record<string, string>> = {
  virtqueue_split_pop: '[@qemu-virtio.c:1727]',
  address_space_read_cached_slow: '[@qemu-physmem.c:3969]',
  flatview_read_continue_step: '[@qemu-physmem.c:3306]',
};

const RE_DEBUG = /^(?:====>\s*)?([a-z_][a-z0-9_]*): (.*)$/;
const RE_VRING_DESC = /^desc: ([0-9a-fA-F]{16}) - ([0-9a-fA-F]{8}) - ([0-9a-fA-F]{8}) - ([0-9a-fA-F]{8})$/;
const RE_GUEST_DESC =
  /^desc\[(\d+)\]@(0x[0-9a-fA-F]+), \[([0-9a-fA-F]{16}) ([0-9a-fA-F]{8}) ([0-9a-fA-F]{4}) ([0-9a-fA-F]{4})\]$/;
const RE_GUEST_PTE = /^PTE (0x[0-9a-fA-F]+) at address (0x[0-9a-fA-F]+)$/;
const RE_UNMAPPED_AT = /^unmapped shared range at (0x[0-9a-fA-F]+)$/;

function vringDescValues(
  addr: string,
  len: string,
  flags: string,
  next: string,
  ipaBits: number,
): ReplayValue[] {
  const f = parseHex(flags) ?? 0n;
  const names = [
    f & 1n ? 'VRING_DESC_F_NEXT' : '',
    f & 2n ? 'VRING_DESC_F_WRITE' : '',
    f & 4n ? 'VRING_DESC_F_INDIRECT' : '',
  ].filter(Boolean);
  const l = parseHex(len) ?? 0n;
  const a = parseHex(addr) ?? 0n;
  return [
    a === 0n
      ? value('addr', `0x${addr}`, null, ipaBits, '0: no buffer address')
      : value('addr', `0x${addr}`, 'ipa', ipaBits),
    value('len', `0x${len}`, null, ipaBits, `${l.toString()} bytes${l === 0n ? ': an empty buffer' : ''}`),
    value('flags', `0x${flags}`, null, ipaBits, names.length ? names.join(' | ') : 'none'),
    value('next', `0x${next}`, null, ipaBits, `descriptor ${(parseHex(next) ?? 0n).toString()}`),
  ];
}

const VRING_SOURCES = ['[@qemu-virtio.c:65-71]'];

function debugLine(body: string, ipaBits: number): Reading | null {
  const t = body.trim();
  if (t === 'software IO TLB: Memory encryption is active and system is using DMA bounce buffers')
    return {
      family: 'guest',
      format: 'guest-swiotlb',
      title: 'swiotlb: memory encryption active',
      reading:
        'The guest kernel uses bounce buffers for DMA because memory encryption is active: in a realm, cc_platform_has(CC_ATTR_MEM_ENCRYPT) is true.',
      values: [],
      fn: null,
      page: '/conversions/seed-timeline/',
      sources: ['[@linux-swiotlb.c:21]', '[@linux-swiotlb.c:1407]', '[@linux-rsi.c:26-35]'],
    };
  const pte = RE_GUEST_PTE.exec(t);
  if (pte)
    return {
      family: 'guest',
      format: 'guest-pte',
      title: 'guest stage-1 PTE',
      reading: `A debug print of the guest's stage-1 descriptor for VA ${pte[2] ?? ''}.`,
      values: [
        value('pte', pte[1] ?? '', 'pte', ipaBits),
        value('address', pte[2] ?? '', null, ipaBits, 'guest VA'),
      ],
      fn: null,
      page: '/concepts/ipa-space/',
      sources: [SEED, '[@linux-pgtable-prot.h:16-18]'],
    };
  const m = RE_DEBUG.exec(t);
  if (!m) return null;
  const fn = m[1] ?? '';
  const rest = m[2] ?? '';
  if (fn === 'qemu') return null;
  if (fn === 'virtqueue_add_desc_split') {
    const d = RE_GUEST_DESC.exec(rest);
    if (!d) return null;
    return {
      family: 'guest',
      format: 'guest-vring-desc',
      title: `guest vring descriptor ${d[1] ?? ''}`,
      reading: `A debug print in the guest's virtio ring code: descriptor ${d[1] ?? ''} at VA ${d[2] ?? ''}.`,
      values: vringDescValues(d[3] ?? '', d[4] ?? '', d[5] ?? '', d[6] ?? '', ipaBits),
      fn: null,
      page: '/conversions/seed-timeline/',
      sources: [SEED, ...VRING_SOURCES],
    };
  }
  if (fn in QEMU_FUNCTIONS) {
    const src = QEMU_FUNCTIONS[fn] ?? '';
    const d = RE_VRING_DESC.exec(rest);
    if (d) {
      const allZero = [d[1], d[2], d[3], d[4]].every((x) => /^0+$/.test(x ?? ''));
      return {
        family: 'qemu',
        format: 'qemu-vring-desc',
        title: 'QEMU reads a vring descriptor',
        reading: allZero
          ? 'QEMU read a vring descriptor of all zeros: the guest’s write is not in the page QEMU reads.'
          : 'QEMU read a vring descriptor.',
        values: vringDescValues(d[1] ?? '', d[2] ?? '', d[3] ?? '', d[4] ?? '', ipaBits),
        fn: null,
        page: '/case-studies/qemu-reads-zeros/',
        sources: [SEED, src, ...VRING_SOURCES],
      };
    }
    const kv = pairs(rest);
    return {
      family: 'qemu',
      format: 'qemu-debug',
      title: `QEMU debug print in ${fn}()`,
      reading: `A debug print in QEMU's ${fn}().`,
      values: kv.map(([k, v]) => keyedValue(fn, k, v, ipaBits)),
      fn: null,
      page: '/case-studies/qemu-reads-zeros/',
      sources: [SEED, src],
    };
  }
  if (!MIRRORED.has(fn)) return null;
  const at = RE_UNMAPPED_AT.exec(rest);
  const kv = at ? ([['ipa', at[1] ?? '']] as [string, string][]) : pairs(rest);
  if (kv.length === 0) return null;
  const values = kv.map(([k, v]) => keyedValue(fn, k, v, ipaBits));
  const get = (k: string): ReplayValue | undefined => values.find((v) => v.name === k);
  let facts: Facts | undefined;
  let reading = `A debug print in ${fn}().`;
  if (fn === 'kvm_handle_guest_abort' && get('fault_ipa')) {
    facts = { kind: 'fault', ipa: num(get('fault_ipa')) ?? 0n, esr: num(get('esr')) };
    reading = `A debug print at the start of kvm_handle_guest_abort(): the fault KVM handles.`;
  } else if ((fn === 'realm_map_non_secure' || fn === 'realm_map_protected') && get('ipa')) {
    facts = {
      kind: 'map-args',
      fn,
      ipa: num(get('ipa')) ?? 0n,
      prot: num(get('prot')),
      flags: num(get('flags')),
      desc: num(get('range_desc')),
      pfn: num(get('pfn')),
    };
    reading = get('range_desc')
      ? `A debug print in ${fn}() of the arguments it passes to ${fn === 'realm_map_non_secure' ? 'RMI_RTT_UNPROT_MAP' : 'RMI_RTT_DATA_MAP'}.`
      : `A debug print in ${fn}(): the host page and the permissions KVM maps.`;
  } else if (fn === 'realm_unmap_shared_range') {
    facts = { kind: 'unmap', ipa: num(get('ipa')) ?? num(get('tracked_unprot_addr')) };
    reading = at
      ? `A debug print in realm_unmap_shared_range(): the shared alias at ${at[1] ?? ''} was unmapped.`
      : 'A debug print at the start of realm_unmap_shared_range(): an unmap of the shared alias begins.';
  }
  return {
    family: 'debug',
    format: 'debug-print',
    title: `debug print in ${fn}()`,
    reading,
    values,
    fn,
    page: pageOf(fn),
    sources: [SEED, v14(fn)],
    ...(facts ? { facts } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// QEMU's error reports

// vreport(): [ISO-8601 time ][guest name ]<program>: [warning: |info: ]<message>
// [@qemu-error-report.c:186-215; @qemu-error-report.c:146-169]
const RE_QEMU = /^(qemu-system-[\w-]+|qemu-[\w-]+): (?:(warning|info): )?(.*)$/;

/** Messages of virtio_error() the replay names [@qemu-virtio.c:4014-4028]. */
const QEMU_MESSAGES: readonly { readonly re: RegExp; readonly what: string; readonly source: string }[] = [
  {
    re: /^virtio: zero sized buffers are not allowed$/,
    what: 'a vring descriptor has length 0; QEMU marks the device broken',
    source: '[@qemu-virtio.c:1618]',
  },
  {
    re: /^virtio: too many write descriptors in/,
    what: 'a device-readable descriptor follows a device-writable one',
    source: '[@qemu-virtio.c:1626]',
  },
  {
    re: /^virtio: bogus descriptor or out of resources$/,
    what: 'a descriptor QEMU cannot map',
    source: '[@qemu-virtio.c:1637]',
  },
];

function qemuLine(body: string, ipaBits: number): Reading | null {
  const m = RE_QEMU.exec(body.trim());
  if (!m) return null;
  const msg = m[3] ?? '';
  const known = QEMU_MESSAGES.find((q) => q.re.test(msg));
  const kind = m[2] ?? 'error';
  return {
    family: 'qemu',
    format: 'qemu-error-report',
    title: `QEMU ${kind}`,
    reading: known
      ? `QEMU reports ${known.what}: “${msg}”.`
      : `QEMU reports an ${kind === 'error' ? 'error' : kind}: “${msg}”.`,
    values: [value('program', m[1] ?? '', null, ipaBits), value('message', msg, null, ipaBits)],
    fn: null,
    page: known ? '/case-studies/qemu-reads-zeros/' : null,
    sources: [
      '[@qemu-error-report.c:146-169]',
      ...(known ? ['[@qemu-virtio.c:4014-4028]', known.source] : []),
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// QEMU's trace events (the "log" backend prints `name fmt`: -trace 'kvm_*' or -d trace:…)
// [@qemu-tracetool-log.py:27-41; @qemu-kvm-trace-events]

/** KVM_EXIT_* by number [@linux-uapi-kvm.h:152-195]. */
const KVM_EXIT_NAMES = [
  'UNKNOWN',
  'EXCEPTION',
  'IO',
  'HYPERCALL',
  'DEBUG',
  'HLT',
  'MMIO',
  'IRQ_WINDOW_OPEN',
  'SHUTDOWN',
  'FAIL_ENTRY',
  'INTR',
  'SET_TPR',
  'TPR_ACCESS',
  'S390_SIEIC',
  'S390_RESET',
  'DCR',
  'NMI',
  'INTERNAL_ERROR',
  'OSI',
  'PAPR_HCALL',
  'S390_UCONTROL',
  'WATCHDOG',
  'S390_TSCH',
  'EPR',
  'SYSTEM_EVENT',
  'S390_STSI',
  'IOAPIC_EOI',
  'HYPERV',
  'ARM_NISV',
  'X86_RDMSR',
  'X86_WRMSR',
  'DIRTY_RING_FULL',
  'AP_RESET_HOLD',
  'X86_BUS_LOCK',
  'XEN',
  'RISCV_SBI',
  'RISCV_CSR',
  'NOTIFY',
  'LOONGARCH_IOCSR',
  'MEMORY_FAULT',
  'TDX',
  'ARM_SEA',
  'ARM_LDST64B',
  'SNP_REQ_CERTS',
];

/**
 * The exit reasons kvm_userspace_exit names (kvm_trace_exit_reason [@linux-trace-kvm.h:12-20]):
 * KVM_EXIT_UNKNOWN … KVM_EXIT_X86_WRMSR, the first 31 of the uapi list.
 */
const TRACED_EXIT_REASONS: ReadonlySet<string> = new Set(KVM_EXIT_NAMES.slice(0, 31));

const RE_QEMU_TRACE =
  /^(?:\d+@\d+\.\d+:)?(kvm_memory_fault|kvm_convert_memory|kvm_run_exit|kvm_set_user_memory) (.*)$/;
const RE_Q_FAULT = /^start (0x[0-9a-f]+) size (0x[0-9a-f]+) flags (0x[0-9a-f]+)$/;
const RE_Q_CONVERT = /^start (0x[0-9a-f]+) size (0x[0-9a-f]+) (shared_to_private|private_to_shared)$/;
const RE_Q_RUN_EXIT = /^cpu_index (-?\d+), reason (\d+)$/;
const RE_Q_MEMSLOT =
  /^AddrSpace#(\d+) Slot#(\d+) flags=(0x[0-9a-f]+) gpa=(0x[0-9a-f]+) size=(0x[0-9a-f]+) ua=(0x[0-9a-f]+) guest_memfd=(-?\d+) guest_memfd_offset=(0x[0-9a-f]+) ret=(-?\d+)$/;

function qemuTraceLine(body: string, ipaBits: number): Reading | null {
  const m = RE_QEMU_TRACE.exec(body.trim());
  if (!m) return null;
  const event = m[1] ?? '';
  const rest = m[2] ?? '';
  const base = { family: 'qemu' as const, format: `qemu-trace-${event}`, title: `QEMU trace ${event}` };
  switch (event) {
    case 'kvm_memory_fault': {
      const f = RE_Q_FAULT.exec(rest);
      if (!f) return null;
      const gpa = parseHex(f[1] ?? '') ?? 0n;
      const size = parseHex(f[2] ?? '') ?? 0n;
      const flags = parseHex(f[3] ?? '') ?? 0n;
      const priv = (flags & 8n) !== 0n;
      return {
        ...base,
        reading: `QEMU got KVM_EXIT_MEMORY_FAULT for GPA ${hex(gpa)}–${hex(gpa + size)}, a ${priv ? 'private' : 'shared'} access: it converts the range to ${priv ? 'private' : 'shared'} and runs the vCPU again.`,
        values: [
          value('start', f[1] ?? '', 'ipa', ipaBits),
          value('size', f[2] ?? '', null, ipaBits, `${size.toString()} bytes`),
          value(
            'flags',
            f[3] ?? '',
            null,
            ipaBits,
            priv ? 'KVM_MEMORY_EXIT_FLAG_PRIVATE' : 'none: a shared access',
          ),
        ],
        fn: 'kvm_convert_memory',
        page: '/conversions/implicit/',
        sources: [
          '[@qemu-kvm-trace-events:38]',
          '[@qemu-kvm-all.c:3316-3328]',
          '[@linux-uapi-kvm.h:460]',
          '[@linux-api.rst:7255-7267]',
        ],
        facts: { kind: 'vmm-memory-fault', gpa, size, private: priv },
      };
    }
    case 'kvm_convert_memory': {
      const c = RE_Q_CONVERT.exec(rest);
      if (!c) return null;
      const gpa = parseHex(c[1] ?? '') ?? 0n;
      const size = parseHex(c[2] ?? '') ?? 0n;
      return {
        ...base,
        reading: `QEMU converts GPA ${hex(gpa)}–${hex(gpa + size)} ${c[3] === 'private_to_shared' ? 'from private to shared' : 'from shared to private'}: KVM_SET_MEMORY_ATTRIBUTES, then a hole punched in the guest_memfd${c[3] === 'private_to_shared' ? '' : ' or the shared pages discarded'}.`,
        values: [
          value('start', c[1] ?? '', 'ipa', ipaBits),
          value('size', c[2] ?? '', null, ipaBits, `${size.toString()} bytes`),
          value('direction', c[3] ?? '', null, ipaBits),
        ],
        fn: 'kvm_convert_memory',
        page: '/conversions/explicit/',
        sources: ['[@qemu-kvm-trace-events:37]', '[@qemu-kvm-all.c:3057-3152]'],
      };
    }
    case 'kvm_run_exit': {
      const r = RE_Q_RUN_EXIT.exec(rest);
      if (!r) return null;
      const reason = Number(r[2]);
      const name = KVM_EXIT_NAMES[reason];
      return {
        ...base,
        reading: `vCPU ${r[1] ?? ''}'s KVM_RUN returned with exit reason ${String(reason)}${name ? ` (KVM_EXIT_${name})` : ''}.`,
        values: [
          value('cpu_index', r[1] ?? '', null, ipaBits),
          value(
            'reason',
            r[2] ?? '',
            null,
            ipaBits,
            name ? `KVM_EXIT_${name}` : 'not a KVM_EXIT_* value of Linux v7.1.8',
          ),
        ],
        fn: null,
        page: '/fault-path/exits/',
        sources: ['[@qemu-kvm-trace-events:7]', '[@qemu-kvm-all.c:3235]', '[@linux-uapi-kvm.h:152-195]'],
      };
    }
    case 'kvm_set_user_memory': {
      const s = RE_Q_MEMSLOT.exec(rest);
      if (!s) return null;
      const flags = parseHex(s[3] ?? '') ?? 0n;
      const gpa = parseHex(s[4] ?? '') ?? 0n;
      const size = parseHex(s[5] ?? '') ?? 0n;
      const hva = parseHex(s[6] ?? '') ?? 0n;
      const gmem = (flags & 4n) !== 0n;
      const names = [
        flags & 1n ? 'KVM_MEM_LOG_DIRTY_PAGES' : '',
        flags & 2n ? 'KVM_MEM_READONLY' : '',
        gmem ? 'KVM_MEM_GUEST_MEMFD' : '',
      ]
        .filter(Boolean)
        .join(' | ');
      return {
        ...base,
        reading: `QEMU sets memslot ${s[2] ?? ''}: GPA ${hex(gpa)}–${hex(gpa + size)} at HVA ${hex(hva)}${gmem ? `, backed for private memory by guest_memfd ${s[7] ?? ''}` : ', without guest_memfd'}${s[9] !== '0' ? `; the ioctl returned ${s[9] ?? ''}` : ''}.`,
        values: [
          value('slot', s[2] ?? '', null, ipaBits),
          value('flags', s[3] ?? '', null, ipaBits, names || 'none'),
          value('gpa', s[4] ?? '', null, ipaBits),
          value('size', s[5] ?? '', null, ipaBits, `${size.toString()} bytes`),
          value('ua', s[6] ?? '', null, ipaBits, 'the HVA of the memslot’s first byte'),
          value('guest_memfd', s[7] ?? '', null, ipaBits),
          value('ret', s[9] ?? '', null, ipaBits),
        ],
        fn: null,
        page: '/concepts/guest-memfd/',
        sources: ['[@qemu-kvm-trace-events:22]', '[@qemu-kvm-all.c:395-398]', '[@linux-uapi-kvm.h:56-58]'],
        ...(s[9] === '0' ? { facts: { kind: 'memslot' as const, gpa, size, hva, guestMemfd: gmem } } : {}),
      };
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------

/** Read one message body; null when no recogniser knows it. */
export function recognise(split: Split, ipaBits: number): Reading | null {
  const { body, prefix } = split;
  if (prefix?.event !== undefined) return traceLine(prefix.event, body, ipaBits);
  const t = body.trimStart();
  const c = t.charCodeAt(0);
  // Dispatch on the first character so that most lines meet one or two regular expressions.
  if (c === 0x53 /* S */ && t.startsWith('SMC_RMI_')) return rmmLine(t, ipaBits);
  if (t.startsWith('kvm_') || (c >= 0x30 && c <= 0x39)) {
    const q = qemuTraceLine(t, ipaBits);
    if (q) return q;
  }
  if (t.startsWith('kvm_')) {
    const colon = t.indexOf(': ');
    if (colon > 0) {
      const ev = t.slice(0, colon);
      const r = traceLine(ev, t.slice(colon + 2), ipaBits);
      if (r) return r;
    }
  }
  if (t.startsWith('qemu-')) return qemuLine(t, ipaBits);
  return kernelLine(body, ipaBits) ?? debugLine(body, ipaBits);
}
