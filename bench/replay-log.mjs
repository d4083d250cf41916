// A generated log for the replay benchmarks: every family the replay reads, in the shapes their
// format strings print, with a fault episode every few lines. Shared by bench/replay.mjs (Node) and
// the in-browser worker benchmark.
/** @param {number} lines */
export function benchLog(lines) {
  /** @type {string[]} */
  const out = [];
  let t = 100;
  for (let i = 0; out.length < lines; i++) {
    const page = 0x40000000 + (i % 4096) * 0x1000;
    const shared = i % 2 === 1;
    const ipa = (shared ? 0x10000000000 : 0) + page;
    const ts = (t += 0.000137).toFixed(6);
    const task = `  qemu-system-aar-4242    [00${i % 4}] d..1.  ${ts}:`;
    out.push(`${task} kvm_exit: IRQ: HSR_EC: 0x0000 (UNKNOWN), PC: 0x0000000000000000`);
    out.push(
      `${task} kvm_guest_fault: ipa 0x${ipa.toString(16)}, hsr 0x${shared ? '92000007' : '90000005'}, hxfar 00000000, pc 0000000000000000`,
    );
    if (!shared)
      out.push(
        `SMC_RMI_RTT_DATA_MAP${' '.repeat(13)} 880000000 ${page.toString(16)} ${(page + 0x1000).toString(16)} 1 8a000004 > RMI_ERROR_RTT 2`,
      );
    else
      out.push(
        `[ ${ts}] realm_map_non_secure: ipa=0x${ipa.toString(16)}, ipa_top=0x${(ipa + 0x1000).toString(16)}, flags=0x1e0001, range_desc=0x${(0xb8000 + (i % 4096)).toString(16)}004`,
      );
    out.push(`${task} kvm_entry: PC: 0x0000000000000000`);
    if (i % 7 === 0) out.push(`[ ${ts}] virtio_net virtio0: some unrelated line ${i}`);
  }
  out.length = lines;
  return `${out.join('\n')}\n`;
}
