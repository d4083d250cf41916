/**
 * The RMM running a REC (TF-RMM `runtime/core/exit.c` and the RSI handler): it executes the
 * guest's pending operation against the RTTs, and either completes it, injects an SEA into the
 * realm without a host exit, or exits to the host with a sanitised syndrome (brief §2.2, §6.3
 * routing table) or with RMI_EXIT_RIPAS_CHANGE for RSI_IPA_STATE_SET (brief §4.1).
 */
import type { World } from '../sim/world.js';
import { decide } from '../sim/world.js';
import { readPhys, writePhys } from '../vmm/host.js';
import {
  ESR_ELx_EC_DABT_LOW,
  ESR_ELx_EC_SHIFT,
  ESR_ELx_IL,
  ESR_ELx_ISV,
  ESR_ELx_SAS_SHIFT,
  ESR_ELx_SF,
  ESR_ELx_SRT_SHIFT,
  ESR_ELx_WNR,
  ESR_EMULATED_ABORT_MASK,
  ESR_NONEMULATED_ABORT_MASK,
  FSC_PERM_L0,
  FSC_TRANSLATION_L0,
  REC_ENTER_FLAG_EMULATED_MMIO,
  REC_ENTER_FLAG_INJECT_SEA,
  REC_ENTER_FLAG_RIPAS_RESPONSE,
  RMI_EMPTY,
  RMI_RAM,
  RMI_S2AP_DIRECT_READ,
  RMI_S2AP_DIRECT_WRITE,
  type Ripas,
} from './constants.js';
import { offsetInEntry, rttWalk } from './rtt.js';

/** What the guest is doing on this vCPU: one load/store, or one set_memory_{en,de}crypted(). */
export type GuestOp =
  | {
      readonly kind: 'access';
      readonly write: boolean;
      readonly ipa: bigint;
      readonly size: number;
      readonly value: bigint;
      readonly isv: boolean;
    }
  | { readonly kind: 'rsi'; base: bigint; readonly end: bigint; readonly ripas: Ripas };

export type RecRunResult =
  | { readonly kind: 'done'; readonly outcome: 'completed' | 'guest_sea'; readonly value?: bigint }
  | {
      readonly kind: 'exit';
      readonly reason: 'RMI_EXIT_SYNC';
      readonly esr: bigint;
      readonly far: bigint;
      readonly hpfar: bigint;
      readonly gprs0: bigint;
    }
  | {
      readonly kind: 'exit';
      readonly reason: 'RMI_EXIT_RIPAS_CHANGE';
      readonly base: bigint;
      readonly top: bigint;
      readonly ripas: number;
    };

/** The SRT the model's guest uses for loads and stores (x1; the RMM hides it from the host). */
export const GUEST_SRT = 1n;

const flagNames = (f: number): string[] =>
  [
    f & REC_ENTER_FLAG_EMULATED_MMIO ? 'REC_ENTER_FLAG_EMULATED_MMIO' : '',
    f & REC_ENTER_FLAG_INJECT_SEA ? 'REC_ENTER_FLAG_INJECT_SEA' : '',
    f & REC_ENTER_FLAG_RIPAS_RESPONSE ? 'REC_ENTER_FLAG_RIPAS_RESPONSE' : '',
  ].filter(Boolean);

function injectSea(w: World, ipa: bigint, why: string): RecRunResult {
  if (w.t.on) w.t.ev({ type: 'rmm_inject_sea', ipa, why });
  w.t.acc.faults.push({ ipa: ipa as never, esr: 0n, handler: 'rmm_injected_sea', ret: 0 });
  return { kind: 'done', outcome: 'guest_sea' };
}

/**
 * handle_data_abort() sanitising (brief §2.2 items 4–6): protected → EC|SET|FnV|EA|DFSC;
 * unprotected with ISV=0 → the same plus IL; unprotected with ISV=1 → the emulated mask (ISV, SAS,
 * SF, WnR added). Toggles: `rmmMasksWnR` false reveals WnR where the masks hide it (pre-4de93bb0);
 * `rmmRevealsWriteOnPermissionFault` reveals WnR for unprotected permission faults (§9.1 (a)).
 */
export function sanitiseEsr(
  w: World,
  esr: bigint,
  isProtected: boolean,
  isv: boolean,
  perm: boolean,
): bigint {
  let mask: bigint;
  if (isProtected) mask = ESR_NONEMULATED_ABORT_MASK;
  else if (!isv) mask = ESR_NONEMULATED_ABORT_MASK | ESR_ELx_IL;
  else mask = ESR_EMULATED_ABORT_MASK;
  if (!w.toggles.rmmMasksWnR) mask |= ESR_ELx_WNR;
  if (!isProtected && perm && w.toggles.rmmRevealsWriteOnPermissionFault) mask |= ESR_ELx_WNR;
  return esr & mask;
}

/**
 * The RMM side of RMI_REC_ENTER: apply the host's enter flags, then run the guest's operation.
 * Routing order (brief §6.3): IPA ≥ 2^ipaBits → SEA; protected RIPAS EMPTY → SEA; valid mapping
 * with the right permission → the access completes; otherwise a data-abort exit to the host.
 */
export function rmm_rec_enter(w: World, vcpu: number, op: GuestOp): RecRunResult {
  w.t.tick();
  const rec = w.rmm.recs.get(vcpu);
  if (rec === undefined) throw new Error(`no REC for vCPU ${vcpu}`);
  const flags = rec.enterFlags;
  rec.enterFlags = 0;
  if (w.t.on) w.t.ev({ type: 'rec_enter', flags: flagNames(flags) });
  if ((flags & REC_ENTER_FLAG_INJECT_SEA) !== 0) {
    decide(w, 'rmm_rec_enter', 'the host asked for an SEA: the realm takes a synchronous external abort');
    return { kind: 'done', outcome: 'guest_sea' };
  }
  if (op.kind === 'access') {
    if ((flags & REC_ENTER_FLAG_EMULATED_MMIO) !== 0) {
      decide(w, 'rmm_rec_enter', 'emulated MMIO: the RMM completes the instruction');
      if (op.write) return { kind: 'done', outcome: 'completed' };
      const mask = op.size === 8 ? 0xffff_ffff_ffff_ffffn : (1n << BigInt(8 * op.size)) - 1n;
      return { kind: 'done', outcome: 'completed', value: rec.enterGprs0 & mask };
    }
    return realmAccess(w, op);
  }
  // RSI_IPA_STATE_SET
  const req = rec.setRipas;
  if (req?.exited === true) {
    const reject = (flags & REC_ENTER_FLAG_RIPAS_RESPONSE) !== 0;
    rec.setRipas = null;
    decide(
      w,
      'rmm_rec_enter',
      `RSI_IPA_STATE_SET returns next=0x${req.addr.toString(16)}, response=${reject ? 'REJECT' : 'ACCEPT'}`,
    );
    if (reject) return { kind: 'done', outcome: 'completed' };
    op.base = req.addr;
    if (op.base >= op.end) return { kind: 'done', outcome: 'completed' };
  }
  rec.setRipas = {
    base: op.base,
    top: op.end,
    addr: op.base,
    ripas: op.ripas,
    changeDestroyed: true,
    exited: true,
  };
  return {
    kind: 'exit',
    reason: 'RMI_EXIT_RIPAS_CHANGE',
    base: op.base,
    top: op.end,
    ripas: op.ripas === 'empty' ? RMI_EMPTY : RMI_RAM,
  };
}

/** EC = data abort from a lower EL, IL set: every data-abort syndrome the RMM builds starts so. */
const DABT_LOW_IL = (ESR_ELx_EC_DABT_LOW << ESR_ELx_EC_SHIFT) | ESR_ELx_IL;

/** A guest operation that completed without a value (results are read-only: one is shared). */
const COMPLETED: RecRunResult = Object.freeze({ kind: 'done', outcome: 'completed' });

function realmAccess(w: World, op: Extract<GuestOp, { kind: 'access' }>): RecRunResult {
  const ipa = op.ipa;
  if (ipa >= w.geom.ipaLimit) return injectSea(w, ipa, 'IPA ≥ realm IPA size');
  const isProtected = ipa < w.geom.sharedBit;
  const wr = rttWalk(w, ipa);
  const e = wr.e;
  let perm = false;
  if (isProtected) {
    if ((e.s === 'unassigned' || e.s === 'assigned') && e.ripas === 'empty')
      return injectSea(w, ipa, 'protected IPA with RIPAS EMPTY');
    if (e.s === 'assigned' && e.ripas === 'ram') return perform(w, op, e.pa + offsetInEntry(wr, ipa));
  } else if (e.s === 'assigned_ns') {
    const need = op.write ? RMI_S2AP_DIRECT_WRITE : RMI_S2AP_DIRECT_READ;
    if ((e.s2ap & need) !== 0) return perform(w, op, e.pa + offsetInEntry(wr, ipa));
    perm = true;
  }
  const dfsc = (perm ? FSC_PERM_L0 : FSC_TRANSLATION_L0) + BigInt(wr.level);
  let esr = DABT_LOW_IL | dfsc;
  if (op.write) esr |= ESR_ELx_WNR;
  if (op.isv) {
    const sas = BigInt(Math.log2(op.size));
    esr |= ESR_ELx_ISV | (sas << ESR_ELx_SAS_SHIFT) | (GUEST_SRT << ESR_ELx_SRT_SHIFT);
    if (op.size === 8) esr |= ESR_ELx_SF;
  }
  const sanitised = sanitiseEsr(w, esr, isProtected, op.isv, perm);
  // FAR: 0 for protected IPAs; for an emulatable access only the offset within the granule
  // (TF-RMM masks with ~GRANULE_MASK); the sources do not say for ISV=0, so the model reports 0.
  const far = !isProtected && op.isv ? ipa & 0xfffn : 0n;
  const gprs0 = !isProtected && op.isv && op.write ? op.value : 0n;
  return { kind: 'exit', reason: 'RMI_EXIT_SYNC', esr: sanitised, far, hpfar: (ipa >> 12n) << 4n, gprs0 };
}

function perform(w: World, op: Extract<GuestOp, { kind: 'access' }>, pa: bigint): RecRunResult {
  if (op.write) {
    writePhys(w, pa, op.size, op.value);
    if (w.t.on) w.t.ev({ type: 'guest_write', ipa: op.ipa, pa, value: op.value });
    return COMPLETED;
  }
  const value = readPhys(w, pa, op.size);
  if (w.t.on) w.t.ev({ type: 'guest_read', ipa: op.ipa, pa, value });
  return { kind: 'done', outcome: 'completed', value };
}
