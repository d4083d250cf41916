/**
 * The trace as readable text, indented by call depth (what `realmfault run` prints without
 * --json). One line per event; function calls read like the C: `name(arg=…) = ret`.
 */
import type { ArgValue, Args, TraceEvent } from '../sim/trace.js';
import { hex } from '../sim/trace.js';

const fmtVal = (v: ArgValue): string => (typeof v === 'bigint' ? hex(v) : String(v));
const fmtArgs = (a: Args): string =>
  Object.entries(a)
    .map(([k, v]) => `${k}=${fmtVal(v)}`)
    .join(', ');

/** One event as a line of text (without indentation). */
export function formatEvent(e: TraceEvent): string {
  switch (e.type) {
    case 'step':
      return e.index === -1
        ? `== ${e.what}`
        : e.index === -2
          ? `-- ${e.what}`
          : `== step ${e.index}: ${e.what}`;
    case 'fn_enter':
      return `${e.fn}(${fmtArgs(e.args)})`;
    case 'fn_return':
      return `${e.fn} → ${e.ret}`;
    case 'decision':
      return `· ${e.what}`;
    case 'rmi_call': {
      const out = fmtArgs(e.out);
      const idx = e.index !== 0 ? `(${e.index})` : '';
      return `SMC ${e.cmd}(${fmtArgs(e.args)}) → ${e.status}${idx} [${hex(e.ret)}]${out ? ` ${out}` : ''}`;
    }
    case 'rtte_change':
      return `RTTE L${e.level} ${hex(e.ipa)}: ${e.from} → ${e.to}`;
    case 'granule_change':
      return `granule ${hex(e.pa)}: ${e.from} → ${e.to}`;
    case 'warn_on':
      return `WARNING in ${e.fn}: ${e.macro ?? 'WARN_ON'}(${e.cond})${e.note === undefined ? '' : ` — ${e.note}`}`;
    case 'rec_exit':
      return e.reason === 'RMI_EXIT_SYNC'
        ? `REC exit ${e.reason}: esr=${hex(e.esr)} far=${hex(e.far)} hpfar=${hex(e.hpfar)}${e.gprs0 !== 0n ? ` gprs[0]=${hex(e.gprs0)}` : ''}`
        : `REC exit ${e.reason}: base=${hex(e.ripasBase)} top=${hex(e.ripasTop)} ripas=${e.ripas === 0 ? 'EMPTY' : 'RAM'}`;
    case 'rec_enter':
      return `RMI_REC_ENTER${e.flags.length > 0 ? ` flags=${e.flags.join('|')}` : ''}`;
    case 'rmm_inject_sea':
      return `RMM injects SEA into the realm at IPA ${hex(e.ipa)} (${e.why}); no host exit`;
    case 'exit_to_vmm':
      return `KVM_RUN returns ${e.ret}${e.errno !== null ? ` errno=${e.errno}` : ''}${e.exitReason !== null ? ` exit_reason=${e.exitReason}` : ''}${e.gpa !== null ? ` gpa=${hex(e.gpa)}` : ''}${e.size !== null ? ` size=${hex(e.size)}` : ''}${e.flags !== null ? ` flags=${hex(e.flags)}` : ''}${e.isWrite !== null ? ` is_write=${e.isWrite ? 1 : 0}` : ''}`;
    case 'vmm_action':
      return `VMM: ${e.what}${Object.keys(e.args).length > 0 ? ` (${fmtArgs(e.args)})` : ''}`;
    case 'attribute_change':
      return `memory attributes ${hex(e.gpa)}+${hex(e.size)} := ${e.private ? 'PRIVATE' : 'shared'}`;
    case 'host_mm':
      return `host mm: ${e.what} at HVA ${hex(e.hva)} (PFN ${hex(e.pfn)})`;
    case 'guest_access':
      return `guest ${e.op} IPA ${hex(e.ipa)} size ${e.size}${e.value !== null ? ` value ${hex(e.value)}` : ''}${e.op === 'read' || e.op === 'write' ? (e.isv ? ' (ISV=1)' : ' (ISV=0)') : ''}`;
    case 'guest_read':
      return `guest read ${hex(e.value)} from IPA ${hex(e.ipa)} (PA ${hex(e.pa)})`;
    case 'guest_write':
      return `guest wrote ${hex(e.value)} to IPA ${hex(e.ipa)} (PA ${hex(e.pa)})`;
    case 'vmm_read':
      return `VMM read ${hex(e.value)} at GPA ${hex(e.gpa)} (HVA ${hex(e.hva)}, PFN ${hex(e.pfn)})`;
    case 'vmm_write':
      return `VMM wrote ${hex(e.value)} at GPA ${hex(e.gpa)} (HVA ${hex(e.hva)}, PFN ${hex(e.pfn)})`;
    case 'violation':
      return `!! invariant (${e.invariant}) violated: ${e.message}`;
    case 'outcome':
      return `=> ${e.outcome}`;
    default:
      return e satisfies never;
  }
}

/** The whole trace as text, two spaces per call depth. */
export function formatTrace(trace: readonly TraceEvent[]): string {
  return trace.map((e) => '  '.repeat(e.depth) + formatEvent(e)).join('\n') + (trace.length > 0 ? '\n' : '');
}
