/**
 * TF-RMM's RMI call log, as rmi_log_on_exit() prints it at the TF-RMM revision the site follows
 * [@tf-rmm-handler.c:198-282]:
 *
 *     SMC_RMI_<NAME padded to 25> <arg>… > RMI_<STATUS> [<index>] [<output>…]
 *
 * - the name is padded with `%-25s` (`%-19s` after six spaces for the OP_* commands);
 * - each of the handler's `num_args` arguments is printed with ` %lx` (hex, no 0x);
 * - the status is `RMI_` and its name from rmi_status_string [@tf-rmm-handler.c:31-49], or the raw
 *   return value in hex when the status is past the table;
 * - the index follows for RMI_ERROR_RTT, and for REC_ENTER's RMI_ERROR_REALM;
 * - output values X1… follow on success (and on RMI_ERROR_RTT for RTT_DESTROY and
 *   RTT_UNPROT_UNMAP), and the SRO handle for RMI_INCOMPLETE.
 *
 * Which commands are printed at all is per handler: `log_exec` prints every call, `log_error` only
 * failed ones [@tf-rmm-handler.c:106-171]. The fault path's commands (RTT_CREATE, RTT_DATA_MAP,
 * RTT_UNPROT_MAP, REC_ENTER, …) are `log_error` only, so a log shows their failures and not their
 * successes; RTT_FOLD and RTT_DATA_MAP_INIT are not printed at all.
 */

export interface RmmHandler {
  /** Arguments printed (num_args). */
  readonly args: number;
  /** Return values including X0 (num_ret_vals). */
  readonly rets: number;
  readonly logExec: boolean;
  readonly logError: boolean;
}

const H = (args: number, rets: number, logExec: boolean, logError: boolean): RmmHandler => ({
  args,
  rets,
  logExec,
  logError,
});

/** The handler table of runtime/core/handler.c [@tf-rmm-handler.c:106-171], by RMI name (without SMC_RMI_). */
export const RMM_HANDLERS: Readonly<Record<string, RmmHandler>> = {
  VERSION: H(1, 3, true, true),
  GRANULE_RANGE_DELEGATE: H(2, 2, false, true),
  GRANULE_RANGE_UNDELEGATE: H(2, 2, false, true),
  RTT_DATA_MAP_INIT: H(5, 1, false, false),
  REALM_ACTIVATE: H(1, 1, true, true),
  REALM_CREATE: H(2, 1, true, true),
  REALM_TERMINATE: H(1, 1, true, true),
  REALM_DESTROY: H(1, 1, true, true),
  REC_CREATE: H(3, 1, true, true),
  REC_DESTROY: H(1, 1, true, true),
  REC_ENTER: H(2, 1, false, true),
  RTT_CREATE: H(4, 1, false, true),
  RTT_DESTROY: H(3, 3, false, true),
  RTT_UNPROT_MAP: H(5, 2, false, true),
  RTT_READ_ENTRY: H(3, 5, false, true),
  RTT_DEV_VALIDATE: H(4, 2, false, true),
  RTT_UNPROT_UNMAP: H(5, 4, false, true),
  PSCI_COMPLETE: H(3, 1, true, true),
  FEATURES: H(1, 2, false, true),
  RTT_FOLD: H(3, 2, false, false),
  RTT_INIT_RIPAS: H(3, 2, false, true),
  RTT_SET_RIPAS: H(4, 2, false, true),
  RTT_DATA_MAP: H(5, 2, false, true),
  RTT_DATA_UNMAP: H(5, 4, false, true),
  PDEV_ABORT: H(1, 1, true, true),
  PDEV_COMMUNICATE: H(2, 1, true, true),
  PDEV_CREATE: H(2, 1, true, true),
  PDEV_DESTROY: H(1, 1, true, true),
  PDEV_GET_STATE: H(1, 2, true, true),
  PDEV_STREAM_KEY_REFRESH: H(3, 1, true, true),
  PDEV_SET_PUBKEY: H(2, 1, true, true),
  PDEV_STOP: H(1, 1, true, true),
  RTT_AUX_CREATE: H(5, 1, false, true),
  RTT_AUX_DESTROY: H(4, 3, false, true),
  RTT_AUX_FOLD: H(4, 2, false, true),
  RTT_AUX_MAP_PROTECTED: H(3, 5, false, true),
  RTT_AUX_MAP_UNPROTECTED: H(3, 4, false, true),
  RTT_AUX_UNMAP_PROTECTED: H(3, 2, false, true),
  RTT_AUX_UNMAP_UNPROTECTED: H(3, 3, false, true),
  VDEV_ABORT: H(3, 1, true, true),
  VDEV_COMMUNICATE: H(4, 1, true, true),
  VDEV_CREATE: H(4, 1, true, true),
  VDEV_DESTROY: H(3, 1, true, true),
  VDEV_GET_STATE: H(1, 2, true, true),
  VDEV_UNLOCK: H(3, 2, true, true),
  RTT_SET_S2AP: H(4, 2, false, true),
  VDEV_COMPLETE: H(2, 1, true, true),
  VDEV_GET_INTERFACE_REPORT: H(3, 1, true, true),
  VDEV_GET_MEASUREMENTS: H(4, 1, true, true),
  VDEV_LOCK: H(3, 1, true, true),
  VDEV_START: H(3, 1, true, true),
  PSMMU_ACTIVATE: H(2, 1, true, true),
  PSMMU_DEACTIVATE: H(1, 1, true, true),
  PSMMU_ST_L2_CREATE: H(2, 1, true, true),
  PSMMU_ST_L2_DESTROY: H(2, 1, true, true),
  GRANULE_TRACKING_GET: H(2, 4, true, true),
  GPT_L1_CREATE: H(1, 1, false, true),
  RMM_CONFIG_GET: H(1, 1, true, true),
  RMM_CONFIG_SET: H(1, 1, true, true),
  RMM_ACTIVATE: H(0, 1, true, true),
  OP_CANCEL: H(1, 1, true, true),
  OP_CONTINUE: H(2, 3, true, true),
  PDEV_STREAM_CONNECT: H(1, 2, true, true),
  PDEV_STREAM_DISCONNECT: H(3, 1, true, true),
  PDEV_STREAM_COMPLETE: H(3, 1, true, true),
  PDEV_STREAM_KEY_PURGE: H(3, 1, true, true),
  OP_MEM_DONATE: H(3, 3, true, true),
  OP_MEM_RECLAIM: H(3, 2, true, true),
  RTT_DEV_MAP: H(6, 2, false, true),
  RTT_DEV_UNMAP: H(5, 4, false, true),
};

/**
 * The argument names of the fault path's commands, from the handlers' prototypes
 * [@tf-rmm-smc-handler.h:26-148]; other commands' arguments are shown as arg0….
 */
export const RMM_ARG_NAMES: Readonly<Record<string, readonly string[]>> = {
  GRANULE_RANGE_DELEGATE: ['addr', 'end_addr'],
  GRANULE_RANGE_UNDELEGATE: ['addr', 'end_addr'],
  REC_ENTER: ['rec', 'run'],
  RTT_CREATE: ['rd', 'rtt', 'map_addr', 'level'],
  RTT_DESTROY: ['rd', 'map_addr', 'level'],
  RTT_FOLD: ['rd', 'map_addr', 'level'],
  RTT_READ_ENTRY: ['rd', 'map_addr', 'level'],
  RTT_UNPROT_MAP: ['rd', 'base', 'top', 'flags', 'oaddr'],
  RTT_UNPROT_UNMAP: ['rd', 'base', 'top', 'flags', 'oaddr'],
  RTT_DATA_MAP: ['rd', 'base', 'top', 'flags', 'oaddr'],
  RTT_DATA_UNMAP: ['rd', 'base', 'top', 'flags', 'oaddr'],
  RTT_INIT_RIPAS: ['rd', 'base', 'top'],
  RTT_SET_RIPAS: ['rd', 'rec', 'base', 'top'],
};

/** The status names of rmi_status_string, in status order [@tf-rmm-handler.c:31-49]. */
export const RMM_STATUS_STRINGS: readonly string[] = [
  'SUCCESS',
  'ERROR_INPUT',
  'ERROR_REALM',
  'ERROR_REC',
  'ERROR_RTT',
  'ERROR_NOT_SUPPORTED',
  'ERROR_DEVICE',
  'ERROR_RTT_AUX',
  'ERROR_PSMMU_ST',
  'ERROR_DPT',
  'BUSY',
  'ERROR_GLOBAL',
  'ERROR_TRACKING',
  'INCOMPLETE',
  'BLOCKED',
  'ERROR_GPT',
  'ERROR_GRANULE',
];

/** Whether TF-RMM prints a call of `name` (without SMC_RMI_) that returned `status` (without RMI_). */
export function rmmLogs(name: string, status: string): boolean {
  const h = RMM_HANDLERS[name];
  if (h === undefined) return false;
  return h.logExec || (h.logError && status !== 'SUCCESS');
}

/** One line of the RMI call log, parsed. */
export interface RmmLogCall {
  readonly name: string;
  readonly args: readonly bigint[];
  /** The status name without RMI_, or null when the line printed a raw value. */
  readonly status: string | null;
  /** The raw return value, when the status was past the table. */
  readonly raw: bigint | null;
  readonly index: number | null;
  readonly outputs: readonly bigint[];
  /** Why the line does not fit its handler's argument count, if it does not. */
  readonly problem: string | null;
}

const HEX = /^[0-9a-fA-F]{1,16}$/;

/** Parse `SMC_RMI_…` (leading spaces allowed); null when the text is not an RMI log line. */
export function parseRmmLogLine(body: string): RmmLogCall | null {
  const text = body.trim();
  if (!text.startsWith('SMC_RMI_')) return null;
  const gt = text.indexOf(' > ');
  if (gt < 0) return null;
  const head = text.slice(8, gt).trim().split(/\s+/);
  const name = head[0] ?? '';
  if (!/^[A-Z0-9_]+$/.test(name)) return null;
  const argText = head.slice(1);
  if (!argText.every((a) => HEX.test(a))) return null;
  const tail = text
    .slice(gt + 3)
    .trim()
    .split(/\s+/);
  const first = tail[0] ?? '';
  let status: string | null = null;
  let raw: bigint | null = null;
  if (first.startsWith('RMI_')) {
    status = first.slice(4);
    if (!RMM_STATUS_STRINGS.includes(status)) return null;
  } else if (HEX.test(first)) {
    raw = BigInt(`0x${first}`);
  } else return null;
  const rest = tail.slice(1);
  if (!rest.every((a) => HEX.test(a))) return null;
  const handler = RMM_HANDLERS[name];
  let index: number | null = null;
  let outputs = rest.map((a) => BigInt(`0x${a}`));
  if (status === 'ERROR_RTT' || (status === 'ERROR_REALM' && name === 'REC_ENTER')) {
    const [i, ...more] = outputs;
    index = i === undefined ? null : Number(i);
    outputs = more;
  }
  const problems: string[] = [];
  if (handler === undefined) problems.push(`SMC_RMI_${name} is not in TF-RMM's handler table`);
  else if (argText.length !== handler.args)
    problems.push(
      `SMC_RMI_${name} takes ${String(handler.args)} argument${handler.args === 1 ? '' : 's'}; the line has ${String(argText.length)}`,
    );
  return {
    name,
    args: argText.map((a) => BigInt(`0x${a}`)),
    status,
    raw,
    index,
    outputs,
    problem: problems[0] ?? null,
  };
}

/** Print a call the way rmi_log_on_exit() does (tests build their input lines with it). */
export function formatRmmLogLine(call: {
  readonly name: string;
  readonly args: readonly bigint[];
  readonly status: string;
  readonly index?: number;
  readonly outputs?: readonly bigint[];
}): string {
  const op = ['OP_CONTINUE', 'OP_CANCEL', 'OP_MEM_DONATE', 'OP_MEM_RECLAIM'].includes(call.name);
  let s = op ? `      SMC_RMI_${call.name.padEnd(19)}` : `SMC_RMI_${call.name.padEnd(25)}`;
  for (const a of call.args) s += ` ${a.toString(16)}`;
  s += ` > RMI_${call.status}`;
  if (call.index !== undefined) s += ` ${call.index.toString(16)}`;
  for (const o of call.outputs ?? []) s += ` ${o.toString(16)}`;
  return s;
}
