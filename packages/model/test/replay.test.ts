/**
 * The replay: each log family read from lines built from its cited format string, the seed's log
 * read as the seed-timeline page reads it, episodes compared with the model, hostile input.
 */
import { readFileSync, existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  createReplay,
  formatRmmLogLine,
  FUNCTION_PAGES,
  MAX_LINE_CHARS,
  MAX_REPLAY_BYTES,
  parseRmmLogLine,
  replayLog,
  ReplayInputError,
  RMM_HANDLERS,
  rmmLogs,
  SEED_LOG,
  type ReplayLine,
  type ReplayResult,
} from '../src/index.js';
import { citationProblems } from '../src/sources/cite.js';

const root = new URL('../../../', import.meta.url);

/** A small printf for the tracepoints' TP_printk format strings (the conversions they use). */
function printf(fmt: string, ...args: (number | bigint | string)[]): string {
  let i = 0;
  return fmt.replace(
    /%(#?)(0?)(\d*)(l{0,2})([xdus])/g,
    (_m, alt: string, zero: string, width: string, _l, conv: string) => {
      const a = args[i++];
      if (conv === 's') return String(a);
      if (conv === 'd' || conv === 'u') return String(a);
      const v = typeof a === 'bigint' ? a : BigInt(a as number);
      let digits = v.toString(16);
      const prefix = alt && v !== 0n ? '0x' : '';
      const w = Number(width || '0');
      if (zero) digits = digits.padStart(Math.max(0, w - prefix.length), '0');
      return prefix + digits;
    },
  );
}

/** An ftrace trace-file line and a trace-cmd report line for an event body. */
const ftrace = (event: string, body: string): string =>
  `  qemu-system-aar-4242    [001] d..1.   123.456789: ${event}: ${body}`;
const traceCmd = (event: string, body: string): string =>
  `qemu-system-aar-4242  [003]   123.456789: ${event}:             ${body}`;

const only = (text: string, opts = {}): ReplayLine => {
  const r = replayLog(text, opts);
  expect(r.lines).toHaveLength(1);
  return r.lines[0] as ReplayLine;
};
const val = (l: ReplayLine, name: string) => l.values.find((v) => v.name === name);

describe('TF-RMM RMI call log (rmi_log_on_exit)', () => {
  it('reads back every handler, printed as rmi_log_on_exit prints it', () => {
    for (const [name, h] of Object.entries(RMM_HANDLERS)) {
      const args = Array.from({ length: h.args }, (_, i) => BigInt(0x1000 * (i + 1)));
      const line = formatRmmLogLine({ name, args, status: 'ERROR_INPUT' });
      const call = parseRmmLogLine(line);
      expect(call, line).not.toBeNull();
      expect(call?.name).toBe(name);
      expect(call?.args).toEqual(args);
      expect(call?.status).toBe('ERROR_INPUT');
      expect(call?.problem).toBeNull();
    }
  });

  it('decodes a failed RMI_RTT_DATA_MAP with its RTT level, and the fault-path arguments', () => {
    const l = only(
      formatRmmLogLine({
        name: 'RTT_DATA_MAP',
        args: [0x880000000n, 0x46880000n, 0x46881000n, 1n, 0x8a000004n],
        status: 'ERROR_RTT',
        index: 1,
      }),
    );
    expect(l).toMatchObject({
      status: 'recognised',
      family: 'rmm',
      format: 'rmm-rmi-call',
      title: 'RMI_RTT_DATA_MAP',
    });
    expect(l.reading).toContain('RMI_ERROR_RTT at RTT level 1');
    expect(val(l, 'base')?.reading).toBe('private (protected): GPA 0x46880000, GFN 0x46880');
    expect(val(l, 'oaddr')?.reading).toContain('PFN 0x8a000');
    expect(val(l, 'status')?.reading).toBe('RMI_ERROR_RTT at level 1');
    expect(l.sources).toContain('[@tf-rmm-handler.c:198-282]');
  });

  it('reads RMI_RTT_UNPROT_MAP flags, the OP_* indent, outputs, and a raw status', () => {
    const unprot = only(
      formatRmmLogLine({
        name: 'RTT_UNPROT_MAP',
        args: [0x880000000n, 0x10046880000n, 0x10046881000n, 0x1e0001n, 0xb8b59004n],
        status: 'ERROR_RTT',
        index: 3,
      }),
    );
    expect(val(unprot, 'flags')?.reading).toBe('S2AP RW, MEMATTR 6 (MT_S2_FWB_NORMAL), OADDR_TYPE 1');
    expect(val(unprot, 'base')?.reading).toContain('shared alias');
    const op = parseRmmLogLine(
      formatRmmLogLine({ name: 'OP_CONTINUE', args: [1n, 2n], status: 'SUCCESS', outputs: [7n, 8n] }),
    );
    expect(op).toMatchObject({ name: 'OP_CONTINUE', status: 'SUCCESS', outputs: [7n, 8n] });
    const raw = parseRmmLogLine('SMC_RMI_RTT_CREATE                1 2 3 2 > 1ff');
    expect(raw).toMatchObject({ name: 'RTT_CREATE', status: null, raw: 0x1ffn });
    const wrong = parseRmmLogLine('SMC_RMI_RTT_CREATE                1 2 > RMI_ERROR_INPUT');
    expect(wrong?.problem).toBe('SMC_RMI_RTT_CREATE takes 4 arguments; the line has 2');
  });

  it('knows which commands TF-RMM prints only on failure', () => {
    expect(rmmLogs('RTT_DATA_MAP', 'SUCCESS')).toBe(false);
    expect(rmmLogs('RTT_DATA_MAP', 'ERROR_RTT')).toBe(true);
    expect(rmmLogs('RTT_FOLD', 'ERROR_RTT')).toBe(false);
    expect(rmmLogs('REALM_CREATE', 'SUCCESS')).toBe(true);
    const l = only(
      formatRmmLogLine({
        name: 'RTT_DATA_MAP',
        args: [1n, 2n, 3n, 4n, 5n],
        status: 'SUCCESS',
        outputs: [3n],
      }),
    );
    expect(l.reading).toContain('prints this command only when it fails');
  });

  it('does not take a line that only starts like one', () => {
    expect(parseRmmLogLine('SMC_RMI_RTT_CREATE is slow')).toBeNull();
    expect(parseRmmLogLine('SMC_RMI_RTT_CREATE 1 2 3 4 > RMI_NOT_A_STATUS')).toBeNull();
    expect(only('SMC_RMI_RTT_CREATE 1 zz 3 4 > RMI_SUCCESS').status).toBe('unrecognised');
  });
});

describe('KVM tracepoints (TP_printk formats of trace_arm.h and events/kvm.h)', () => {
  const exit = printf('%s: HSR_EC: 0x%04x (%s), PC: 0x%016lx', 'TRAP', 0x24, 'DABT_LOW', 0);
  const fault = printf('ipa %#llx, hsr %#08lx, hxfar %#08lx, pc %#016lx', 0x46880000n, 0x90000005n, 0, 0);
  const userExit = printf('reason %s (%d)', 'error', 14);
  const mmio = printf('mmio %s len %u gpa 0x%llx val 0x%llx', 'write', 4, 0x9000000n, 0x41n);
  const entry = printf('PC: 0x%016lx', 0);
  const attrs = printf('%#016llx -- %#016llx [0x%lx]', 0x46880n, 0x46881n, 8);

  it.each([
    ['kvm_exit', exit, 'HSR_EC', 'DABT_LOW: data abort from a lower exception level'],
    ['kvm_guest_fault', fault, 'ipa', 'private (protected): GPA 0x46880000, GFN 0x46880'],
    ['kvm_mmio', mmio, 'gpa', 'private (protected): GPA 0x9000000, GFN 0x9000'],
    ['kvm_userspace_exit', userExit, 'code', '14'],
    ['kvm_entry', entry, 'PC', '0x0000000000000000'],
    ['kvm_vm_set_mem_attributes', attrs, 'attributes', 'KVM_MEMORY_ATTRIBUTE_PRIVATE'],
  ])('%s, in ftrace and trace-cmd report form', (event, body, name, reading) => {
    for (const text of [ftrace(event, body), traceCmd(event, body)]) {
      const l = only(text);
      expect(l, text).toMatchObject({ status: 'recognised', family: 'trace', format: `trace-${event}` });
      expect(l.prefix).toMatchObject({ event, timestamp: '123.456789' });
      expect(val(l, name)?.reading).toBe(reading);
    }
  });

  it('decodes the fault syndrome of kvm_guest_fault', () => {
    const l = only(ftrace('kvm_guest_fault', fault));
    expect(val(l, 'hsr')?.reading).toBe('EC 0x24 (DABT_LOW): translation fault, level 1; IL 0, ISV 0, WnR 0');
  });

  it('names a KVM_RUN error and an exit reason the tracepoint prints as a number', () => {
    expect(only(ftrace('kvm_userspace_exit', userExit)).reading).toContain(
      'KVM_RUN returned -EFAULT: an error, or a KVM_EXIT_MEMORY_FAULT exit',
    );
    expect(only(ftrace('kvm_userspace_exit', 'reason 0x27 (39)')).reading).toContain('KVM_EXIT_MEMORY_FAULT');
  });

  it('keeps a trace event it does not read, marked unrecognised', () => {
    const l = only(ftrace('kvm_timer_update_irq', 'VCPU: 0, IRQ 27, level 1'));
    expect(l).toMatchObject({ status: 'unrecognised', title: 'tracepoint kvm_timer_update_irq' });
    expect(only(ftrace('kvm_exit', 'garbage')).status).toBe('unrecognised');
  });
});

describe('host kernel messages', () => {
  it('reads a WARN splat of v7.1.8 and of older kernels, with its frames', () => {
    const log = [
      '[  109.63] ------------[ cut here ]------------',
      '[  109.63] WARNING: arch/arm64/kvm/mmu.c:1561 at realm_map_ipa+0x58/0x90 [kvm], CPU#2: qemu-system-aar/712',
      '[  109.63] Call trace:',
      '[  109.63]  realm_map_ipa+0x58/0x90 [kvm]',
      '[  109.63]  user_mem_abort+0x4a0/0x9c0 [kvm]',
      '[  109.63] ---[ end trace 0000000000000000 ]---',
      'WARNING: CPU: 3 PID: 712 at arch/arm64/kvm/rmi.c:251 realm_create_rtt_levels+0x1c/0x80',
      "[ 12.0] kvm [712]: RMM doesn't support LPA2",
      '[ 12.1] Failed to create RTT at level 2: -22',
    ].join('\n');
    const r = replayLog(log);
    expect(r.lines.map((l) => l.format)).toEqual([
      'kernel-cut-here',
      'kernel-warning',
      'kernel-call-trace',
      'kernel-frame',
      'kernel-frame',
      'kernel-end-trace',
      'kernel-warning',
      'kernel-kvm_err',
      'kernel-rtt-create-warn',
    ]);
    const warn = r.lines[1];
    expect(warn?.fn).toBe('realm_map_ipa');
    expect(warn?.reading).toContain('without KVM_PGTABLE_PROT_W');
    expect(warn?.sources).toContain('[@v14-mmu.c:1561]');
    expect(r.lines[4]?.fn).toBe('user_mem_abort');
    expect(r.lines[6]?.reading).toContain('the header older kernels print');
    expect(r.lines[6]?.fn).toBe('realm_create_rtt_levels');
  });
});

describe('QEMU and the guest', () => {
  it('reads error_report() lines with and without -msg timestamp=on', () => {
    const plain = only('qemu-system-aarch64: virtio: zero sized buffers are not allowed');
    expect(plain).toMatchObject({ family: 'qemu', format: 'qemu-error-report' });
    expect(plain.sources).toContain('[@qemu-virtio.c:1618]');
    const stamped = only('2026-06-25T09:54:00.123456Z qemu-system-aarch64: warning: something odd');
    expect(stamped.prefix?.timestamp).toBe('2026-06-25T09:54:00.123456Z');
    expect(stamped.title).toBe('QEMU warning');
  });
});

describe('QEMU trace events (the log backend: name, then the trace-events format)', () => {
  const slot = printf(
    'AddrSpace#%d Slot#%d flags=0x%x gpa=0x%llx size=0x%llx ua=0x%llx guest_memfd=%d guest_memfd_offset=0x%llx ret=%d',
    0,
    0,
    4,
    0x40000000n,
    0x80000000n,
    0xffff23e00000n,
    23,
    0n,
    0,
  );
  const fault = printf('start 0x%llx size 0x%llx flags 0x%llx', 0x46880000n, 0x1000n, 8n);
  const convert = printf('start 0x%llx size 0x%llx %s', 0x46880000n, 0x1000n, 'private_to_shared');
  const runExit = printf('cpu_index %d, reason %d', 0, 39);

  it('reads kvm_set_user_memory, kvm_memory_fault, kvm_convert_memory and kvm_run_exit', () => {
    const r = replayLog(
      [
        `kvm_set_user_memory ${slot}`,
        `kvm_memory_fault ${fault}`,
        `kvm_convert_memory ${convert}`,
        `kvm_run_exit ${runExit}`,
      ].join('\n'),
    );
    expect(r.lines.map((l) => l.format)).toEqual([
      'qemu-trace-kvm_set_user_memory',
      'qemu-trace-kvm_memory_fault',
      'qemu-trace-kvm_convert_memory',
      'qemu-trace-kvm_run_exit',
    ]);
    expect(val(r.lines[0] as ReplayLine, 'flags')?.reading).toBe('KVM_MEM_GUEST_MEMFD');
    expect(val(r.lines[1] as ReplayLine, 'flags')?.reading).toBe('KVM_MEMORY_EXIT_FLAG_PRIVATE');
    expect(r.lines[2]?.reading).toContain('from private to shared');
    expect(val(r.lines[3] as ReplayLine, 'reason')?.reading).toBe('KVM_EXIT_MEMORY_FAULT');
  });

  it('ends a private fault with QEMU’s memory-fault exit, which a VMM leaving memory shared at creation explains', () => {
    const log = [
      `kvm_set_user_memory ${slot.replace('ua=0xffff23e00000', 'ua=0xffff40000000')}`,
      ftrace('kvm_exit', 'IRQ: HSR_EC: 0x0000 (UNKNOWN), PC: 0x0000000000000000'),
      ftrace('kvm_guest_fault', 'ipa 0x46880000, hsr 0x90000005, hxfar 00000000, pc 0000000000000000'),
      ftrace('kvm_userspace_exit', 'reason error (14)'),
      `kvm_memory_fault ${fault}`,
    ].join('\n');
    const r = replayLog(log);
    const ep = r.episodes[0];
    expect(ep?.outcome).toMatchObject({ kind: 'exit-to-vmm', line: 5 });
    expect(r.lines[4]?.episode).toBe(1);
    const d = ep?.divergences.find((x) => x.severity === 'divergence');
    expect(d?.expected).toContain('the access completes');
    expect(
      d?.explanations.find((x) => x.text.includes('left the guest_memfd memory shared'))?.check?.reproduces,
    ).toBe(true);
    expect(ep?.matchedBy).toHaveLength(1);
    // The inferred scenario takes QEMU's memslot.
    expect(r.scenario?.['memslots']).toEqual([
      {
        gpa: '0x40000000',
        size: '0x80000000',
        hva: '0xffff40000000',
        guestMemfd: true,
        backing: 'anon-private',
      },
    ]);
  });
});

describe('the seed thread’s log', () => {
  const r = replayLog(SEED_LOG);
  const at = (n: number): ReplayLine => r.lines[n - 1] as ReplayLine;

  it('is the log the seed-timeline page shows, line for line, and its link to the replay carries it', async () => {
    const page = readFileSync(new URL('src/content/docs/conversions/seed-timeline.mdx', root), 'utf8');
    const blocks = [
      ...page.matchAll(/\{\/\* log: the seed [a-zA-Z]+ log[^*]*\*\/\}\n```text\n([\s\S]*?)```/g),
    ].map((m) => m[1]?.trimEnd() ?? '');
    expect(blocks).toHaveLength(3);
    expect(blocks.join('\n')).toBe(SEED_LOG);
    // The page links the replay with the log in the link itself (deflate-raw, base64url).
    const link = /\]\(\/playground\/replay\/#log=([A-Za-z0-9_-]+)&bits=41&v=v14\)/.exec(page);
    expect(link).not.toBeNull();
    const b64 = (link?.[1] ?? '').replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
    const body = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
    expect(await new Response(body).text()).toBe(SEED_LOG);
  });

  it('recognises every line', () => {
    expect(r.stats).toMatchObject({ lines: 17, recognised: 17, unrecognised: 0, episodes: 1 });
  });

  it('reads the values as the page does', () => {
    expect(val(at(2), 'addr')?.reading).toBe('shared alias (unprotected): GPA 0xb983f000, GFN 0xb983f');
    expect(val(at(2), 'len')?.reading).toBe('1600 bytes');
    expect(val(at(2), 'flags')?.reading).toBe('VRING_DESC_F_WRITE');
    expect(val(at(3), 'pte')?.reading).toBe(
      'OA 0x10046880000, the shared alias of 0x46880000; writable, MT_NORMAL_TAGGED',
    );
    expect(val(at(7), 'esr')?.reading).toBe(
      'EC 0x24 (DABT_LOW): translation fault, level 3; IL 1, ISV 0, WnR 0',
    );
    expect(val(at(7), 'fault_ipa')?.reading).toBe('shared alias (unprotected): GPA 0x46880000, GFN 0x46880');
    expect(val(at(8), 'prot')?.reading).toBe('PX | UX | W | R');
    expect(val(at(9), 'flags')?.reading).toBe('S2AP RW, MEMATTR 6 (MT_S2_FWB_NORMAL), OADDR_TYPE 1');
    expect(val(at(9), 'range_desc')?.reading).toBe('1 × level-3 page at PA 0xb8b59000 (PFN 0xb8b59), ST 0');
    expect(at(16).reading).toContain('all zeros');
    expect(at(17).sources).toContain('[@qemu-virtio.c:1618]');
    for (const n of [4, 5, 6]) expect(at(n).fn).toBe('realm_unmap_shared_range');
  });

  it('makes one episode: the shared-alias fault to user_mem_abort(), mapped with W where v14 would WARN', () => {
    const [ep] = r.episodes;
    expect(ep?.fault).toMatchObject({
      ipa: '0x10046880000',
      esr: '0x92000007',
      gpa: '0x46880000',
      handler: 'user_mem_abort',
      access: 'unknown',
      level: 3,
    });
    expect(ep?.rmi).toEqual([{ line: 9, cmd: 'RMI_RTT_UNPROT_MAP', status: 'not logged', level: null }]);
    expect(ep?.prot).toBe('0xf');
    expect(ep?.prediction.outcome.kind).toBe('warn');
    expect(ep?.prediction.warn).toBe('realm_map_ipa');
    const prot = ep?.divergences.find((d) => d.observed === 'prot 0xf');
    expect(prot?.severity).toBe('divergence');
    const force = prot?.explanations.find((x) => x.toggle === 'forceSharedWrite');
    expect(force?.check?.reproduces).toBe(true);
    const other = prot?.explanations.find((x) => x.text.includes('post-v14-review'));
    expect(other?.check?.reproduces).toBe(false);
    expect(ep?.matchedBy.some((m) => m.includes('forces W'))).toBe(true);
    // The log's side of the outcome divergence is the mapping call it shows.
    const outcome = ep?.divergences.find(
      (d) => d.expected === 'realm_map_ipa() WARNs and KVM_RUN fails with EFAULT.',
    );
    expect(outcome?.line).toBe(9);
  });

  it('infers a scenario the parser accepts: the page made shared, then the access', () => {
    expect(r.scenario?.['steps']).toEqual([
      { guest: 'set_memory_shared', ipa: '0x46880000', size: '0x1000' },
      { guest: 'read', ipa: '0x10046880000', size: 8, isv: false },
    ]);
    // A toggle that reproduces the log is named, not turned on: other explanations match too.
    expect(r.scenario?.['toggles']).toBeUndefined();
    expect(r.scenarioNotes).toContain(
      'The toggle forceSharedWrite made a model run match the log, but is not turned on here: other explanations match as well (see each episode).',
    );
  });
});

describe('episodes against the model', () => {
  it('agrees with a private first touch as TF-RMM logs it (only the failing DATA_MAP is printed)', () => {
    const log = [
      // What v14 traces for every realm exit: RMI_REC_ENTER's status 0 read as IRQ, no EC yet.
      ftrace('kvm_exit', printf('%s: HSR_EC: 0x%04x (%s), PC: 0x%016lx', 'IRQ', 0, 'UNKNOWN', 0)),
      ftrace(
        'kvm_guest_fault',
        printf('ipa %#llx, hsr %#08lx, hxfar %#08lx, pc %#016lx', 0x46880000n, 0x90000005n, 0, 0),
      ),
      formatRmmLogLine({
        name: 'RTT_DATA_MAP',
        args: [0x880000000n, 0x46880000n, 0x46881000n, 1n, 0x8a000004n],
        status: 'ERROR_RTT',
        index: 1,
      }),
      ftrace('kvm_entry', 'PC: 0x0000000000000000'),
    ].join('\n');
    const r = replayLog(log);
    expect(r.episodes).toHaveLength(1);
    const ep = r.episodes[0];
    expect(ep?.first).toBe(1);
    expect(ep?.outcome.kind).toBe('resumed');
    expect(ep?.fault.handler).toBe('gmem_abort');
    expect(ep?.divergences.filter((d) => d.severity === 'divergence')).toEqual([]);
    expect(r.lines.every((l) => l.episode === 1)).toBe(true);
  });

  it('keeps the episodes of two vCPU threads apart when their lines interleave', () => {
    const on = (pid: number, event: string, body: string): string =>
      `  qemu-system-aar-${String(pid)}    [00${String(pid % 4)}] d..1.   123.45${String(pid)}: ${event}: ${body}`;
    const log = [
      on(101, 'kvm_exit', 'IRQ: HSR_EC: 0x0000 (UNKNOWN), PC: 0x0000000000000000'),
      on(102, 'kvm_exit', 'IRQ: HSR_EC: 0x0000 (UNKNOWN), PC: 0x0000000000000000'),
      on(101, 'kvm_guest_fault', 'ipa 0x46880000, hsr 0x90000005, hxfar 00000000, pc 0000000000000000'),
      on(102, 'kvm_guest_fault', 'ipa 0x10046890000, hsr 0x92000007, hxfar 00000000, pc 0000000000000000'),
      on(101, 'kvm_entry', 'PC: 0x0000000000000000'),
      on(102, 'kvm_userspace_exit', 'reason error (14)'),
    ].join('\n');
    const r = replayLog(log);
    expect(r.episodes.map((e) => [e.first, e.last, e.fault.ipa, e.outcome.kind])).toEqual([
      [1, 5, '0x46880000', 'resumed'],
      [2, 6, '0x10046890000', 'error'],
    ]);
    expect(r.lines.map((l) => l.episode)).toEqual([1, 2, 1, 2, 1, 2]);
    // The shared read of an untouched page: v14 WARNs in realm_map_ipa() and fails with EFAULT, as the log does.
    expect(r.episodes[1]?.divergences.filter((d) => d.severity === 'divergence')).toEqual([]);
    expect(r.lines[0]?.reading).toContain('RMI_REC_ENTER’s status');
  });

  it('shows a log made to diverge: RMI_ERROR_INPUT and an EFAULT where the model maps', () => {
    const log = [
      ftrace(
        'kvm_guest_fault',
        printf('ipa %#llx, hsr %#08lx, hxfar %#08lx, pc %#016lx', 0x46880000n, 0x90000005n, 0, 0),
      ),
      formatRmmLogLine({
        name: 'RTT_DATA_MAP',
        args: [0x880000000n, 0x46880800n, 0x46881800n, 1n, 0x8a000004n],
        status: 'ERROR_INPUT',
      }),
      ftrace('kvm_userspace_exit', 'reason error (14)'),
    ].join('\n');
    const r = replayLog(log);
    const ep = r.episodes[0];
    expect(ep?.outcome.kind).toBe('error');
    const input = ep?.divergences.find((d) => d.observed === 'RMI_RTT_DATA_MAP → RMI_ERROR_INPUT');
    expect(input?.severity).toBe('divergence');
    expect(input?.expected).toContain('RMI_RTT_DATA_MAP → RMI_ERROR_RTT(1)');
    expect(input?.explanations.some((x) => x.sources.includes('[@tf-rmm-rtt_map.c:108-196]'))).toBe(true);
    const outcome = ep?.divergences.find((d) => d.expected.startsWith('KVM maps the page'));
    expect(outcome?.observed).toContain('KVM_RUN returned -EFAULT');
    expect(r.stats.divergent).toBe(1);
  });

  it('follows the variant: post-v14 maps the seed’s fault read-only instead of WARNing', () => {
    const r = replayLog(SEED_LOG, { variant: 'post-v14-review' });
    const ep = r.episodes[0];
    expect(ep?.prediction.variant).toBe('post-v14-review');
    expect(ep?.prediction.rmi.map((c) => c.cmd)).toContain('RMI_RTT_UNPROT_MAP');
    expect(ep?.prediction.outcome.kind).toBe('resumed');
  });
});

describe('hostile and odd input', () => {
  it('reads the same whatever the chunk boundaries, and with CRLF', () => {
    const whole = replayLog(SEED_LOG);
    const r = createReplay();
    for (const ch of SEED_LOG.replaceAll('\n', '\r\n')) r.push(ch);
    const byChar = r.end();
    expect(JSON.stringify(byChar.episodes)).toBe(JSON.stringify(whole.episodes));
    expect(byChar.lines.map((l) => l.reading)).toEqual(whole.lines.map((l) => l.reading));
  });

  it('is deterministic', () => {
    expect(JSON.stringify(replayLog(SEED_LOG))).toBe(JSON.stringify(replayLog(SEED_LOG)));
  });

  it('marks binary, over-long, blank and unknown lines, and drops none', () => {
    const huge = 'x'.repeat(2 * 1024 * 1024);
    const r = replayLog(
      [
        '\u0000\u0001\u0002binary',
        huge,
        '',
        'hello world',
        'SMC_RMI_VERSION 10000 > RMI_SUCCESS 10000 10000',
      ].join('\n'),
    );
    expect(r.lines.map((l) => l.status)).toEqual([
      'binary',
      'too-long',
      'blank',
      'unrecognised',
      'recognised',
    ]);
    expect(r.lines[1]?.text.length).toBeLessThan(1000);
    expect(r.lines[0]?.text).not.toContain('\u0000');
  });

  it('cuts a line that never ends without holding it all', () => {
    const r = createReplay();
    for (let i = 0; i < 100; i++) r.push('y'.repeat(64 * 1024));
    r.push('\nkvm_entry: PC: 0x0000000000000000\n');
    const out = r.end();
    expect(out.lines.map((l) => l.status)).toEqual(['too-long', 'recognised']);
    expect(out.lines[1]?.n).toBe(2);
  });

  it('refuses more than the limit and bad options, naming them', () => {
    const r = createReplay();
    const mb = 'a'.repeat(1024 * 1024);
    expect(() => {
      for (let i = 0; i <= MAX_REPLAY_BYTES / mb.length; i++) r.push(mb);
    }).toThrow(
      /replay input: more than 33554432 characters \(32 MiB of plain text\), the most the replay reads/,
    );
    expect(() => replayLog('', { ipaBits: 60 })).toThrow(
      new ReplayInputError('replay option ipaBits: expected an integer from 32 to 52, got 60'),
    );
    expect(() => replayLog('', { variant: 'v99' as never })).toThrow(
      /replay option variant: expected one of v14, post-v14-review, got "v99"/,
    );
    expect(MAX_LINE_CHARS).toBe(4096);
  });

  it('reads an empty log as no lines', () => {
    const r: ReplayResult = replayLog('');
    expect(r.stats.lines).toBe(0);
    expect(r.scenario).toBeNull();
  });
});

describe('citations and links', () => {
  it('every source a line or an explanation cites resolves', () => {
    const log = [
      SEED_LOG,
      ftrace('kvm_exit', 'TRAP: HSR_EC: 0x0024 (DABT_LOW), PC: 0x0000000000000000'),
      ftrace('kvm_guest_fault', 'ipa 0x46880000, hsr 0x90000005, hxfar 0, pc 0'),
      ftrace('kvm_mmio_nisv', 'ipa 0x9000000, esr 0x92000046, far 0, pc 0'),
      ftrace('kvm_access_fault', 'IPA: 46880000'),
      ftrace('kvm_unmap_hva_range', 'mmu notifier unmap range: 0xffff2a680000 -- 0xffff2a681000'),
      'SMC_RMI_RTT_DATA_MAP 1 46880000 46881000 1 8a000004 > RMI_ERROR_INPUT',
      'WARNING: arch/arm64/kvm/mmu.c:1561 at realm_map_ipa+0x58/0x90 [kvm], CPU#2: qemu/712',
      '------------[ cut here ]------------',
      '---[ end trace 0000000000000000 ]---',
      'kvm [1]: x',
      'Failed to create RTT at level 2: -22',
      ftrace('kvm_userspace_exit', 'reason error (14)'),
    ].join('\n');
    const r = replayLog(log);
    const texts = new Set<string>();
    for (const l of r.lines) for (const s of l.sources) texts.add(s);
    for (const e of r.episodes)
      for (const d of e.divergences) for (const x of d.explanations) for (const s of x.sources) texts.add(s);
    expect(texts.size).toBeGreaterThan(20);
    for (const t of texts) expect(citationProblems(t), t).toEqual([]);
  });

  it('links only pages the site has', () => {
    for (const [fn, page] of Object.entries(FUNCTION_PAGES)) {
      const file = `src/content/docs${page.replace(/\/$/, '')}.mdx`;
      expect(existsSync(new URL(file, root)), `${fn}: ${file}`).toBe(true);
    }
  });
});
