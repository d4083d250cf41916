/**
 * The RMM running a REC: the checks and completions of RMI_REC_ENTER (smc_rec_enter()
 * [@tf-rmm-run.c:368-619]), then the guest's pending operation against the RTTs, and what the REC
 * exit leaves: an SEA injected into the realm without a host exit, a data abort reported to the
 * host with a sanitised syndrome (handle_data_abort() [@tf-rmm-exit.c:212-290]), or
 * RMI_EXIT_RIPAS_CHANGE for an RSI_IPA_STATE_SET the RMM accepted (handle_rsi_ipa_state_set()
 * [@tf-rmm-rsi-memory.c:19-56]).
 */
import type { RecState, World } from '../sim/world.js';
import { decide } from '../sim/world.js';
import { readPhys, writePhys } from '../vmm/host.js';
import {
  ESR_ELx_EC,
  ESR_ELx_EC_DABT_LOW,
  ESR_ELx_EC_SHIFT,
  ESR_ELx_EC_SMC64,
  ESR_ELx_IL,
  ESR_ELx_ISV,
  ESR_ELx_SAS,
  ESR_ELx_SAS_SHIFT,
  ESR_ELx_SF,
  ESR_ELx_SRT,
  ESR_ELx_SRT_SHIFT,
  ESR_ELx_SSE,
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
  RMI_STATUS,
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
  | {
      readonly kind: 'rsi';
      /** X1 of the next RSI_IPA_STATE_SET: where the change starts; advanced as it completes. */
      base: bigint;
      readonly end: bigint;
      readonly ripas: Ripas;
      /**
       * X4 = RSI_CHANGE_DESTROYED (true, the default: Linux's rsi_set_memory_range_protected() and
       * _shared() pass it) or RSI_NO_CHANGE_DESTROYED.
       */
      readonly changeDestroyed?: boolean;
    };

/** The status an RSI call returned to the realm in X0 [@tf-rmm-smc-rsi.h:26-46]. */
export type RsiStatusName = 'RSI_SUCCESS' | 'RSI_ERROR_INPUT';
/** The host's response to a RIPAS change, in X2 [@tf-rmm-smc-rsi.h:69-74]. */
export type RsiResponseName = 'RSI_ACCEPT' | 'RSI_REJECT';

export type RecRunResult =
  | {
      readonly kind: 'done';
      readonly outcome: 'completed' | 'guest_sea';
      readonly value?: bigint;
      /** For an RSI call that completed: the status the realm got in X0. */
      readonly rsi?: RsiStatusName;
      /** With `rsi` RSI_SUCCESS after a RIPAS change: the response the realm got in X2. */
      readonly rsiResponse?: RsiResponseName;
    }
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
    }
  /** RMI_REC_ENTER failed: the REC did not run; `status` and `index` are its return code. */
  | { readonly kind: 'error'; readonly status: number; readonly index: number };

/** The SRT the model's guest uses for loads and stores (x1; the RMM hides it from the host). */
export const GUEST_SRT = 1n;

/**
 * X0 of the model's guest. Guest steps carry only the value a store writes (in x1, GUEST_SRT), so
 * the model has no X0; the syndrome-less path before 4de93bb0 reported X0's low byte in gprs[0]
 * (SRT = SAS = 0 when ISV = 0), which the model therefore reports as 0.
 */
const GUEST_X0 = 0n;

/** ESR_EL2 of an `SMC #0` from AArch64: what last_run_info holds after an RSI call's exit. */
const ESR_SMC64 = (ESR_ELx_EC_SMC64 << ESR_ELx_EC_SHIFT) | ESR_ELx_IL;

const U64 = (1n << 64n) - 1n;

const flagNames = (f: number): string[] =>
  [
    f & REC_ENTER_FLAG_EMULATED_MMIO ? 'REC_ENTER_FLAG_EMULATED_MMIO' : '',
    f & REC_ENTER_FLAG_INJECT_SEA ? 'REC_ENTER_FLAG_INJECT_SEA' : '',
    f & REC_ENTER_FLAG_RIPAS_RESPONSE ? 'REC_ENTER_FLAG_RIPAS_RESPONSE' : '',
  ].filter(Boolean);

/** access_mask(esr): the access size SAS names, as a mask [@tf-rmm-esr.h:54-67]. */
function accessMask(esr: bigint): bigint {
  const sas = (esr & ESR_ELx_SAS) >> ESR_ELx_SAS_SHIFT;
  return sas === 3n ? U64 : (1n << (8n << sas)) - 1n;
}

const isDabt = (esr: bigint): boolean => (esr & ESR_ELx_EC) >> ESR_ELx_EC_SHIFT === ESR_ELx_EC_DABT_LOW;

/** inject_sync_idabort(): the realm takes a synchronous external abort; no host exit. */
function injectSea(w: World, ipa: bigint, why: string): RecRunResult {
  if (w.t.on) w.t.ev({ type: 'rmm_inject_sea', ipa, why });
  w.t.acc.faults.push({ ipa: ipa as never, esr: 0n, handler: 'rmm_injected_sea', ret: 0 });
  return GUEST_SEA;
}

/** Results are read-only: the ones without data are shared. */
const COMPLETED: RecRunResult = Object.freeze({ kind: 'done', outcome: 'completed' });
const GUEST_SEA: RecRunResult = Object.freeze({ kind: 'done', outcome: 'guest_sea' });

/**
 * handle_data_abort()'s syndrome for an abort it reports to the host [@tf-rmm-exit.c:258-280]:
 * protected IPA → ESR_NONEMULATED_ABORT_MASK (EC, SET, FnV, EA, DFSC); unprotected with ISV = 0 →
 * the same plus IL (since 4de93bb0, [@tf-rmm-4de93bb0]); unprotected with ISV = 1 →
 * ESR_EMULATED_ABORT_MASK (adds ISV, SAS, SF, WnR; drops IL, SSE, SRT).
 * Toggles: `rmmEsrBefore4de93bb0` sends unprotected ISV = 0 aborts down the emulatable path, as
 * the parent of 4de93bb0 did (emulated mask: IL dropped, WnR kept) [@tf-rmm-before-4de93bb0-exit.c:256-268];
 * `rmmRevealsWriteOnPermissionFault` (a hypothesis) adds WnR for permission faults on unprotected
 * IPAs. Returns the ESR the host sees.
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
  else if (isv || w.toggles.rmmEsrBefore4de93bb0) mask = ESR_EMULATED_ABORT_MASK;
  else mask = ESR_NONEMULATED_ABORT_MASK | ESR_ELx_IL;
  if (!isProtected && perm && w.toggles.rmmRevealsWriteOnPermissionFault) mask |= ESR_ELx_WNR;
  return esr & mask;
}

/**
 * RMI_REC_ENTER's refusals that the model can meet, in smc_rec_enter()'s order: realm not ACTIVE
 * → RMI_ERROR_REALM [@tf-rmm-run.c:447-454]; REC_ENTER_FLAG_INJECT_SEA when the last exit was not
 * a data abort at an unprotected IPA → RMI_ERROR_REC (complete_sea_insertion()
 * [@tf-rmm-run.c:293-315; @tf-rmm-run.c:494-497]); REC_ENTER_FLAG_EMULATED_MMIO without INJECT_SEA
 * when the last exit was not an emulatable data abort (EC DABT with ISV = 1) → RMI_ERROR_REC
 * (complete_mmio_emulation() [@tf-rmm-run.c:31-63; @tf-rmm-run.c:499-502]). Returns the failed
 * result, or null when the REC may run.
 */
function recEnterRefusal(w: World, rec: RecState, flags: number): RecRunResult | null {
  const refuse = (status: number, why: string): RecRunResult => {
    decide(w, 'rmm_rec_enter', () => `RMI_REC_ENTER fails with ${why}; the REC does not run`);
    return { kind: 'error', status, index: 0 };
  };
  if (w.rmm.realmState !== 'ACTIVE')
    return refuse(
      RMI_STATUS.RMI_ERROR_REALM,
      `RMI_ERROR_REALM: the realm is ${w.rmm.realmState}, not ACTIVE`,
    );
  const esr = rec.lastExitEsr ?? 0n;
  if ((flags & REC_ENTER_FLAG_INJECT_SEA) !== 0 && !(isDabt(esr) && rec.lastExitUnprotected))
    return refuse(
      RMI_STATUS.RMI_ERROR_REC,
      'RMI_ERROR_REC: REC_ENTER_FLAG_INJECT_SEA, but the last exit was not a data abort at an unprotected IPA',
    );
  if (
    (flags & REC_ENTER_FLAG_EMULATED_MMIO) !== 0 &&
    (flags & REC_ENTER_FLAG_INJECT_SEA) === 0 &&
    !(isDabt(esr) && (esr & ESR_ELx_ISV) !== 0n)
  )
    return refuse(
      RMI_STATUS.RMI_ERROR_REC,
      'RMI_ERROR_REC: REC_ENTER_FLAG_EMULATED_MMIO, but the last exit was not an emulatable data abort (ISV = 1)',
    );
  return null;
}

/**
 * complete_mmio_emulation() once RMI_REC_ENTER accepted the flag [@tf-rmm-run.c:65-87]: for a
 * load (WnR = 0) to a register other than XZR, enter.gprs[0] masked to the access size (and
 * sign-extended per SSE, to 32 bits unless SF) goes to the register; the PC moves past the
 * instruction either way. Returns the completed access, with the loaded value for a load.
 */
function completeMmio(w: World, esr: bigint, gprs0: bigint): RecRunResult {
  const srt = (esr & ESR_ELx_SRT) >> ESR_ELx_SRT_SHIFT;
  if ((esr & ESR_ELx_WNR) !== 0n || srt === 31n) {
    decide(w, 'rmm_rec_enter', 'emulated MMIO: the RMM advances the PC past the store');
    return COMPLETED;
  }
  const mask = accessMask(esr);
  let value = gprs0 & mask;
  if ((esr & ESR_ELx_SSE) !== 0n) {
    const sign = (mask + 1n) >> 1n;
    value = ((value ^ sign) - sign) & U64;
    if ((esr & ESR_ELx_SF) === 0n) value &= 0xffff_ffffn;
  }
  decide(
    w,
    'rmm_rec_enter',
    () => `emulated MMIO: x${srt} = enter.gprs[0] & ${mask.toString(16)} = 0x${value.toString(16)}`,
  );
  return { kind: 'done', outcome: 'completed', value };
}

/**
 * The RMM side of RMI_REC_ENTER, then the REC running the guest's operation `op`. Returns what
 * the host gets: an error (the REC did not run), an exit, or 'done' when the operation ended
 * inside the realm (completed, or an SEA the RMM injected).
 *
 * Order as smc_rec_enter() [@tf-rmm-run.c:447-588]: recEnterRefusal(); INJECT_SEA → the realm
 * takes an SEA; EMULATED_MMIO → completeMmio(); a pending RIPAS change is answered
 * (complete_set_ripas() [@tf-rmm-run.c:90-115; @tf-rmm-run.c:551-554]: X0 = RSI_SUCCESS, X1 = the
 * progress address, X2 = RSI_REJECT only for a RAM request left incomplete with
 * REC_ENTER_FLAG_RIPAS_RESPONSE set, else RSI_ACCEPT); last_run_info is reset; the REC runs.
 * The host's flags are consumed by the call whatever its result.
 */
export function rmm_rec_enter(w: World, vcpu: number, op: GuestOp): RecRunResult {
  w.t.tick();
  const rec: RecState | undefined = w.rmm.recs.get(vcpu);
  if (rec === undefined) throw new Error(`no REC for vCPU ${vcpu}`);
  const flags = rec.enterFlags;
  rec.enterFlags = 0;
  if (w.t.on) w.t.ev({ type: 'rec_enter', flags: flagNames(flags) });
  const refused = recEnterRefusal(w, rec, flags);
  if (refused !== null) return refused;
  const lastEsr = rec.lastExitEsr ?? 0n;
  rec.lastExitEsr = null;
  rec.lastExitUnprotected = false;
  if ((flags & REC_ENTER_FLAG_INJECT_SEA) !== 0) {
    decide(w, 'rmm_rec_enter', 'the host asked for an SEA: the realm takes a synchronous external abort');
    return GUEST_SEA;
  }
  if ((flags & REC_ENTER_FLAG_EMULATED_MMIO) !== 0) return completeMmio(w, lastEsr, rec.enterGprs0);

  const req = rec.setRipas;
  let answered: { addr: bigint; reject: boolean } | null = null;
  if (req?.exited === true) {
    const reject =
      req.ripas === 'ram' && req.addr !== req.top && (flags & REC_ENTER_FLAG_RIPAS_RESPONSE) !== 0;
    rec.setRipas = null;
    answered = { addr: req.addr, reject };
    decide(
      w,
      'rmm_rec_enter',
      () =>
        `RSI_IPA_STATE_SET completes: X0 = RSI_SUCCESS, X1 = 0x${req.addr.toString(16)}, X2 = ${reject ? 'RSI_REJECT' : 'RSI_ACCEPT'}`,
    );
  }
  if (op.kind === 'access') return realmAccess(w, rec, op);
  if (answered !== null) {
    op.base = answered.addr;
    if (answered.reject)
      return { kind: 'done', outcome: 'completed', rsi: 'RSI_SUCCESS', rsiResponse: 'RSI_REJECT' };
    if (op.base >= op.end)
      return { kind: 'done', outcome: 'completed', rsi: 'RSI_SUCCESS', rsiResponse: 'RSI_ACCEPT' };
    // rsi_set_memory_range() calls RSI_IPA_STATE_SET again from X1.
  }
  return rsiIpaStateSet(w, rec, op);
}

/**
 * handle_rsi_ipa_state_set() [@tf-rmm-rsi-memory.c:19-56]: RIPAS above RAM, base or top not
 * 4 KiB-aligned, top ≤ base, or a range not wholly in PAR (region_in_rec_par()
 * [@tf-rmm-realm.h:405-417; @tf-rmm-realm.h:434-438]) → RSI_ERROR_INPUT in X0 and the realm
 * resumes: no REC exit, the host never sees the request. Otherwise the REC records the request
 * (progress address = base) and exits with RMI_EXIT_RIPAS_CHANGE (ripas_base, ripas_top,
 * ripas_value).
 */
function rsiIpaStateSet(w: World, rec: RecState, op: Extract<GuestOp, { kind: 'rsi' }>): RecRunResult {
  const { base, end } = op;
  const par = w.geom.sharedBit;
  const aligned = (base & 0xfffn) === 0n && (end & 0xfffn) === 0n;
  if (op.ripas === 'destroyed' || !aligned || end <= base || base >= par || end - 1n >= par) {
    decide(
      w,
      'rmm_rec_enter',
      () =>
        `RSI_IPA_STATE_SET(0x${base.toString(16)}, 0x${end.toString(16)}, ${op.ripas.toUpperCase()}): RSI_ERROR_INPUT, no REC exit`,
    );
    return { kind: 'done', outcome: 'completed', rsi: 'RSI_ERROR_INPUT' };
  }
  forgetGuestData(w, base, end);
  rec.setRipas = {
    base,
    top: end,
    addr: base,
    ripas: op.ripas,
    changeDestroyed: op.changeDestroyed ?? true,
    exited: true,
  };
  rec.lastExitEsr = ESR_SMC64;
  rec.lastExitUnprotected = false;
  return {
    kind: 'exit',
    reason: 'RMI_EXIT_RIPAS_CHANGE',
    base,
    top: end,
    ripas: op.ripas === 'empty' ? RMI_EMPTY : RMI_RAM,
  };
}

/**
 * EC = data abort from a lower EL, IL = 1: the hardware syndrome of an A64 load or store. (The
 * syndrome TF-RMM builds itself when an RSI call names an unmapped IPA has IL = 0, FAR 0 and
 * HPFAR = IPA >> 8 [@tf-rmm-exit.c:191-206]; the model's guest makes no such call.)
 */
const DABT_LOW_IL = (ESR_ELx_EC_DABT_LOW << ESR_ELx_EC_SHIFT) | ESR_ELx_IL;

/**
 * The guest's load or store: the hardware stage-2 walk, then handle_data_abort() for a fault
 * [@tf-rmm-exit.c:212-290]. A valid mapping with the permission completes the access. Otherwise,
 * in TF-RMM's order: (external aborts come first in TF-RMM; the model generates none) an IPA in
 * PAR whose RIPAS is EMPTY → SEA into the realm, no exit [@tf-rmm-exit.c:228-237]; an IPA at or
 * beyond the IPA size → SEA [@tf-rmm-exit.c:253-256]; otherwise an exit with sanitiseEsr()'s
 * syndrome, HPFAR_EL2 as the hardware wrote it, and FAR and gprs[0] as the path sets them:
 * FAR_EL2[11:0] and (for a store) the stored register masked to the access size on the emulatable
 * path [@tf-rmm-exit.c:275-280; @tf-rmm-exit.c:56-66], 0 on the others, whose branches skip both
 * [@tf-rmm-exit.c:215; @tf-rmm-exit.c:259-273].
 */
function realmAccess(w: World, rec: RecState, op: Extract<GuestOp, { kind: 'access' }>): RecRunResult {
  const ipa = op.ipa;
  const isProtected = ipa < w.geom.sharedBit;
  if (ipa >= w.geom.ipaLimit) return injectSea(w, ipa, 'IPA ≥ realm IPA size');
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
  const reported = sanitiseEsr(w, esr, isProtected, op.isv, perm);
  // The emulatable path: ISV = 1 at an unprotected IPA (before 4de93bb0, any unprotected abort).
  const emulatable = !isProtected && (op.isv || w.toggles.rmmEsrBefore4de93bb0);
  // FAR_EL2 & ~GRANULE_MASK: the offset in the 4 KiB granule, the same in the VA and the IPA.
  const far = emulatable ? ipa & 0xfffn : 0n;
  let gprs0 = 0n;
  if (emulatable && op.write) gprs0 = op.isv ? op.value & accessMask(esr) : GUEST_X0 & accessMask(esr);
  rec.lastExitEsr = (reported & ESR_ELx_ISV) === 0n ? esr & ~ESR_ELx_ISV : esr;
  rec.lastExitUnprotected = !isProtected;
  return { kind: 'exit', reason: 'RMI_EXIT_SYNC', esr: reported, far, hpfar: (ipa >> 12n) << 4n, gprs0 };
}

function perform(w: World, op: Extract<GuestOp, { kind: 'access' }>, pa: bigint): RecRunResult {
  if (op.write) {
    writePhys(w, pa, op.size, op.value);
    if (op.ipa < w.geom.sharedBit) rememberGuestData(w, op.ipa, pa);
    if (w.t.on) w.t.ev({ type: 'guest_write', ipa: op.ipa, pa, value: op.value });
    return COMPLETED;
  }
  const value = readPhys(w, pa, op.size);
  if (w.t.on) w.t.ev({ type: 'guest_read', ipa: op.ipa, pa, value });
  return { kind: 'done', outcome: 'completed', value };
}

/** Invariant 7's record: the guest's view of the 64-bit word it just stored to at protected `ipa`. */
function rememberGuestData(w: World, ipa: bigint, pa: bigint): void {
  const page = Number(ipa >> 12n);
  let words = w.guest.data.get(page);
  if (words === undefined) {
    words = new Map();
    w.guest.data.set(page, words);
  }
  words.set(Number((ipa & 0xfffn) >> 3n), readPhys(w, pa & ~7n, 8));
}

/** The guest asked for [base, end) to change RIPAS: it no longer expects its contents to stay. */
function forgetGuestData(w: World, base: bigint, end: bigint): void {
  const data = w.guest.data;
  if (data.size === 0) return;
  const first = Number(base >> 12n);
  const last = Number((end - 1n) >> 12n);
  if (last - first < data.size) {
    for (let p = first; p <= last; p++) data.delete(p);
  } else {
    for (const p of [...data.keys()]) if (p >= first && p <= last) data.delete(p);
  }
}
