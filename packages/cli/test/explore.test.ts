/**
 * realmfault explore and realmfault mutations: the counts, each invariant's result, the
 * counterexample and the scenario file that replays it with realmfault run; bad input and an
 * exceeded limit as one line with exit code 2.
 */
import { describe, expect, it } from 'vitest';
import { MUTATIONS, MUTATION_NAMES } from '@realmfault/model';
import { bad, cli } from './run-cli.js';

const text = (s: string) => new TextEncoder().encode(s);

const ARGS = [
  'explore',
  '--scenario',
  'shared-fault-vmm-written',
  '--variant',
  'post-v14-review',
  '--mutation',
  'mmu-seq-after-lookup',
];

describe('realmfault explore', () => {
  it('prints the counts, every invariant and the counterexample', async () => {
    const r = await cli(ARGS);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const out = r.out;
    expect(out).toMatch(
      /^explore shared-fault-vmm-written: variant post-v14-review, mutations mmu-seq-after-lookup, bound 2\n/,
    );
    expect(out).toContain('actors: vcpu0 (2 steps), vmm (1 step)\n');
    expect(out).toMatch(/explored: \d+ states, \d+ actions run \(\d+ steps, nested ones included\)\n/);
    expect(out).toMatch(/naive enumeration: \d+ schedules, \d+ actions; reduction ×\d+\.\d\d\n/);
    for (let i = 1; i <= 7; i++) expect(out).toMatch(new RegExp(`\\n  \\(${i}\\) [^\\n]+: (holds|BROKEN)`));
    expect(out).toMatch(/\(4\) coherence: BROKEN/);
    expect(out).toContain('counterexample for invariant 4 (2 actions, 1 step in windows):');
    expect(out).toContain(
      '[1] guest vCPU0: read 8 bytes at IPA 0x10046880000 (ISV=0) { after_page_lookup: VMM: write 0xabcd at GPA 0x46880000 }',
    );
    expect(out).toMatch(/\nsources:\n {2}\[1\] /);
  });

  it('--json gives the result; its counterexample replays with realmfault run, the same violation', async () => {
    const r = await cli([...ARGS, '--json']);
    expect(r.code).toBe(0);
    const res = JSON.parse(r.out) as {
      counterexamples: { invariant: number; message: string; actions: number; scenario: unknown }[];
      invariants: { invariant: number; holds: boolean }[];
    };
    expect(res.invariants.filter((i) => !i.holds).map((i) => i.invariant)).toEqual([4]);
    const c = res.counterexamples[0];
    if (c === undefined) throw new Error('no counterexample');
    const file = JSON.stringify(c.scenario, null, 2);
    const run = await cli(['run', 'cx.json', '--json'], { 'cx.json': text(file) });
    expect(run.code).toBe(0);
    const violations = (JSON.parse(run.out) as { violations: unknown[] }).violations;
    expect(violations).toContainEqual({ invariant: 4, step: c.actions - 1, message: c.message });
    // The same file read back from the text output replays too.
    const textOut = (await cli(ARGS)).out;
    const lines = textOut.split('\n');
    const start = lines.findIndex((l) => l.startsWith('  scenario (save it as a file'));
    const end = lines.findIndex((l, i) => i > start && l === '    }');
    const fromText = lines.slice(start + 1, end + 1).join('\n');
    expect(JSON.parse(fromText)).toEqual(c.scenario);
  });

  it('runs a scenario file and reports nothing broken for the unmutated post-v14 code', async () => {
    const file = JSON.stringify({
      name: 'race',
      variant: 'post-v14-review',
      seed: 1,
      memslots: [{ gpa: '0x40000000', size: '0x80000000', hva: '0xffff23e00000' }],
      steps: [
        { guest: 'set_memory_shared', ipa: '0x46880000', size: '0x1000' },
        { guest: 'read', ipa: '0x10046880000' },
        { vmm: 'write', gpa: '0x46880000', value: '0x5' },
        { host: 'migrate', gpa: '0x46880000' },
      ],
    });
    const r = await cli(['explore', 's.json', '--json'], { 's.json': text(file) });
    expect(r.code).toBe(0);
    const res = JSON.parse(r.out) as { counterexamples: unknown[]; states: number; actors: { id: string }[] };
    expect(res.counterexamples).toEqual([]);
    expect(res.actors.map((a) => a.id)).toEqual(['vcpu0', 'vmm', 'host']);
    expect(res.states).toBeGreaterThan(4);
  });

  it('refuses bad input and an exceeded limit with one line, exit 2', async () => {
    await bad(['explore'], 'explore: expected FILE.json or --scenario NAME, got neither');
    await bad(
      ['explore', '--scenario', 'two-vcpus-same-page', '--mutation', 'skip-all'],
      `--mutation: expected one of ${MUTATION_NAMES.join(', ')}, got 'skip-all'`,
    );
    await bad(
      ['explore', '--scenario', 'two-vcpus-same-page', '--bound', '9'],
      "--bound: expected an integer 0…8, got '9'",
    );
    await bad(['explore', '--scenario', 'two-vcpus-same-page', '--bound', '-1'], /--bound/);
    await bad(
      ['explore', '--scenario', 'two-vcpus-same-page', '--max-states', '3'],
      'explore: the exploration reached 3 distinct states without finishing: lower the bound or raise the state limit (--bound, --max-states)',
    );
    await bad(
      ['explore', '--scenario', 'nope'],
      "--scenario: expected a built-in scenario name (see realmfault scenarios), got 'nope'",
    );
    await bad(['explore', 'missing.json'], /^realmfault: missing\.json: /);
  });
});

describe('realmfault mutations', () => {
  it('lists every mutation with what it removes, its sources and an example command', async () => {
    const r = await cli(['mutations']);
    expect(r.code).toBe(0);
    for (const m of MUTATIONS) {
      expect(r.out).toContain(`${m.name}\n  ${m.description}\n  removes: [`);
      expect(r.out).toContain(
        `e.g. realmfault explore --scenario ${m.example.scenario} --variant ${m.example.variant}${m.example.bound === undefined ? '' : ` --bound ${m.example.bound}`} --mutation ${m.name}`,
      );
    }
    expect(r.out).toMatch(/\nsources:\n/);
    const json = JSON.parse((await cli(['mutations', '--json'])).out) as {
      name: string;
      sources: unknown[];
    }[];
    expect(json.map((m) => m.name)).toEqual(MUTATION_NAMES);
    for (const m of json) expect(m.sources.length).toBeGreaterThan(0);
  });
});
