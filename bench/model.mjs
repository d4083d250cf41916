// Model speed: guest accesses per second through the full fault path, and peak memory, for
// scenarios of 1 000, 10 000 and 100 000 guest accesses (issue 3; target ≥ 100 000 accesses/s).
//
// Run after `npm run prepare` (which builds packages/model/dist): `node bench/model.mjs`.
// Options: `--trace` also records the full trace (what the CLI and site do for small runs);
// `--json` prints one JSON object instead of the table.
//
// Each access is a first touch of a new page, so every one takes the whole path: REC exit →
// handle_rec_exit → kvm_handle_guest_abort → gmem_abort (private writes, with delegation,
// RMI_RTT_DATA_MAP and RTT creation) or user_mem_abort (shared reads on a MAP_SHARED backend,
// with GUP and RMI_RTT_UNPROT_MAP) → re-entry. Invariants are checked after every step.
import { parseScenario, runScenario } from '../packages/model/dist/index.js';

const SIZES = [1_000, 10_000, 100_000];
const withTrace = process.argv.includes('--trace');
const asJson = process.argv.includes('--json');
/** @param {bigint} v */
const hex = (v) => `0x${v.toString(16)}`;
const SHARED = 1n << 40n;

/** @param {number} accesses */
function benchScenario(accesses) {
  const pages = BigInt(accesses);
  const base = 0x40000000n;
  const steps = [];
  for (let i = 0n; i < pages; i++) {
    const gpa = base + (i << 12n);
    // Alternate private stores (gmem_abort) and shared loads (user_mem_abort) on different pages.
    steps.push(
      i % 2n === 0n
        ? { guest: 'write', ipa: hex(gpa), value: hex(i), isv: false }
        : { guest: 'read', ipa: hex(gpa | SHARED), isv: false },
    );
  }
  const size = ((pages << 12n) + 0x3fffffffn) & ~0x3fffffffn;
  return parseScenario({
    name: `bench-${accesses}`,
    variant: 'post-v14-review',
    seed: 1,
    realm: { ipaBits: 41 },
    memslots: [
      { gpa: hex(base), size: hex(size), hva: '0xffff00000000', guestMemfd: true, backing: 'anon-shared' },
    ],
    private: Array.from({ length: Number(size >> 30n) }, (_, k) => ({
      gpa: hex(base + (BigInt(k) << 30n)),
      size: '0x40000000',
    })),
    steps,
  });
}

// Warm up the JIT on a small run first: the figures are for steady-state code, as in a long
// session on the site or a CLI run of a big scenario.
for (let i = 0; i < 2; i++) runScenario(benchScenario(10_000), { trace: withTrace, budget: 3_000_000 });

const rows = [];
for (const n of SIZES) {
  const sc = benchScenario(n);
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const r = runScenario(sc, { trace: withTrace, budget: 200 * n + 100_000 });
  const cpu = process.cpuUsage(c0);
  const ns = Number(process.hrtime.bigint() - t0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const faults = r.steps.reduce((a, s) => a + s.faults.length, 0);
  const completed = r.steps.filter((s) => s.outcome === 'completed').length;
  if (completed !== n) throw new Error(`bench scenario did not complete: ${completed}/${n}`);
  rows.push({
    accesses: n,
    faults,
    seconds: ns / 1e9,
    accessesPerSecond: Math.round(n / (ns / 1e9)),
    cpuSeconds,
    accessesPerCpuSecond: Math.round(n / cpuSeconds),
    heapUsedMiB: +(process.memoryUsage().heapUsed / 2 ** 20).toFixed(1),
    peakRssMiB: +(process.resourceUsage().maxRSS / 1024).toFixed(1),
    traceEvents: r.trace.length,
  });
}

if (asJson) {
  console.log(JSON.stringify({ trace: withTrace, target: 100_000, rows }));
} else {
  console.log(`model bench (trace ${withTrace ? 'on' : 'off'}; target ≥ 100000 accesses/s)`);
  // CPU time includes the GC threads; on a shared machine wall time also counts waiting for a core.
  console.log(
    'accesses  faults   seconds  accesses/s  CPU s  accesses/CPU-s  heap MiB  peak RSS MiB  trace events',
  );
  for (const r of rows) {
    console.log(
      `${String(r.accesses).padStart(8)}  ${String(r.faults).padStart(6)}  ${r.seconds.toFixed(3).padStart(8)}  ${String(r.accessesPerSecond).padStart(10)}  ${r.cpuSeconds.toFixed(2).padStart(5)}  ${String(r.accessesPerCpuSecond).padStart(14)}  ${String(r.heapUsedMiB).padStart(8)}  ${String(r.peakRssMiB).padStart(12)}  ${String(r.traceEvents).padStart(12)}`,
    );
  }
}
