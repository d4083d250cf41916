/**
 * The stepper's prose for a trace event: the model's formatEvent(), except for a step's outcome,
 * which says which step ended. A step interleaved into another's fault window (between its
 * mmu_seq sample and kvm_fault_lock()) ends in the middle of that fault; a bare "=> completed"
 * there would read as the fault completing.
 */
import { formatEvent, type TraceEvent } from '@realmfault/model';

export function stepperProse(e: TraceEvent): string {
  if (e.type !== 'outcome') return formatEvent(e);
  return e.index <= -2
    ? `=> the interleaved step ends: ${e.outcome}; the fault it interrupted goes on`
    : `=> step ${String(e.index)} ends: ${e.outcome}`;
}
