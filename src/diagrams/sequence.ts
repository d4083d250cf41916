/**
 * Sequence diagrams from any trace, with four lanes: the realm guest, the RMM, KVM and the VMM.
 * Messages are the events that cross a boundary (a guest access trapping to the RMM, a REC exit,
 * an RMI command, KVM_RUN returning, a VMM ioctl); the kernel functions KVM ran in between are
 * summarised in one note over KVM, so the diagram shows who acts when without the whole trace.
 */
import type { TraceEvent } from '@realmfault/model';

export interface SequenceOptions {
  /** Which scenario steps to draw (indexes as in the trace); default: all but the setup (-1). */
  readonly steps?: readonly number[] | undefined;
  /** At most this many messages and notes; the rest is summarised in one final note. */
  readonly maxItems?: number | undefined;
}

const hex = (v: bigint | null): string => (v === null ? '?' : `0x${v.toString(16)}`);
/** Text safe inside a Mermaid message or note (no line breaks, no ";" statement separator). */
const text = (s: string): string =>
  s
    .replace(/[\r\n]+/g, ' ')
    .replace(/;/g, ',')
    .replace(/#/g, 'no. ')
    .trim();

/** Mermaid sequenceDiagram text for a trace. */
export function traceToSequence(trace: readonly TraceEvent[], options: SequenceOptions = {}): string {
  const max = options.maxItems ?? 80;
  const wanted = (i: number): boolean => (options.steps ? options.steps.includes(i) : i !== -1);
  const items: string[] = [];
  /** Notes wait until a message exists: the renderer draws a note only after a message. */
  let pending: string[] = [];
  let messages = 0;
  let kvmFns: string[] = [];
  let on = false;
  let stepLabel: string | undefined;
  const note = (over: string, what: string): void => {
    const line = `  Note over ${over}: ${text(what)}`;
    if (messages === 0) pending.push(line);
    else items.push(line);
  };
  /** The kernel functions KVM ran since the last message, three to a note (notes are one line). */
  const flushKvm = (): void => {
    for (let i = 0; i < kvmFns.length; i += 3) note('K', kvmFns.slice(i, i + 3).join(' → '));
    kvmFns = [];
  };
  const msg = (line: string): void => {
    flushKvm();
    const [head = '', ...rest] = line.split(': ');
    const label = rest.join(': ');
    items.push(`  ${head}: ${stepLabel ? `${stepLabel} ` : ''}${label}`);
    stepLabel = undefined;
    messages++;
    items.push(...pending);
    pending = [];
  };
  for (const e of trace) {
    if (e.type === 'step') {
      flushKvm();
      on = wanted(e.index);
      stepLabel = e.index === -1 ? '[setup]' : e.index < 0 ? '[interleaved]' : `[step ${e.index}]`;
      continue;
    }
    if (!on) continue;
    switch (e.type) {
      case 'guest_access':
        msg(`G->>R: ${text(`${e.op} ${hex(e.ipa)} (ISV ${e.isv ? 1 : 0})`)}`);
        break;
      case 'rmm_inject_sea':
        msg(`R-->>G: ${text(`SEA injected at ${hex(e.ipa)}: ${e.why}`)}`);
        break;
      case 'rec_exit':
        msg(`R->>K: ${text(`REC exit ${e.reason}, ESR ${hex(e.esr)}`)}`);
        break;
      case 'rec_enter':
        msg(`K->>R: ${text(`REC enter${e.flags.length ? ` ${e.flags.join(', ')}` : ''}`)}`);
        break;
      case 'rmi_call':
        msg(`K->>R: ${text(`${e.cmd} → ${e.status}${e.index ? ` (index ${e.index})` : ''}`)}`);
        break;
      case 'exit_to_vmm':
        msg(
          `K-->>V: ${text(
            `KVM_RUN returns ${e.ret}${e.errno ? ` (${e.errno})` : ''}${e.exitReason ? `, ${e.exitReason}` : ''}${
              e.gpa !== null ? ` at ${hex(e.gpa)}` : ''
            }`,
          )}`,
        );
        break;
      case 'vmm_action':
        msg(`V->>K: ${text(e.what)}`);
        break;
      case 'fn_enter':
        if (kvmFns[kvmFns.length - 1] !== e.fn) kvmFns.push(e.fn);
        break;
      case 'warn_on':
        flushKvm();
        note('K', `WARN_ON in ${e.fn}: ${e.cond}`);
        break;
      case 'guest_read':
        flushKvm();
        note('G', `reads ${hex(e.value)}`);
        break;
      case 'outcome':
        flushKvm();
        note('G,V', `outcome: ${e.outcome}`);
        break;
      case 'violation':
        flushKvm();
        note('G,V', `invariant ${e.invariant} broken: ${e.message}`);
        break;
      case 'fn_return':
      case 'decision':
      case 'rtte_change':
      case 'granule_change':
      case 'attribute_change':
      case 'host_mm':
      case 'guest_write':
      case 'vmm_read':
      case 'vmm_write':
        // Inside one lane; the trace (and the text beside the diagram) has them.
        break;
      default: {
        const never: never = e;
        throw new Error(`traceToSequence: unhandled event ${JSON.stringify(never)}`);
      }
    }
  }
  flushKvm();
  // Notes with no message at all to follow (a trace with no boundary crossing): say so.
  if (messages === 0) items.push('  G->>G: no message crosses a lane in these steps', ...pending);
  const shown =
    items.length > max
      ? [...items.slice(0, max - 1), `  Note over G,V: … ${items.length - max + 1} more`]
      : items;
  return [
    'sequenceDiagram',
    '  participant G as guest',
    '  participant R as RMM',
    '  participant K as KVM',
    '  participant V as VMM',
    ...shown,
  ].join('\n');
}
