/**
 * A small seeded PRNG (mulberry32) so that every run with the same scenario and seed gives a
 * byte-identical trace (design.md §1). The model never calls Math.random.
 */
export class Prng {
  private state: number;
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) {
      throw new TypeError(`seed: expected a safe integer, got ${String(seed)}`);
    }
    this.state = seed >>> 0;
  }
  /** A uniformly distributed 32-bit unsigned integer. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** A generator in the same state (the explorer copies worlds). */
  clone(): Prng {
    const p = new Prng(0);
    p.state = this.state;
    return p;
  }

  /** The state, for the explorer's state key. */
  get position(): number {
    return this.state;
  }

  /** An integer in [0, n) for n ≤ 2^32. */
  below(n: number): number {
    return this.next() % n;
  }
}
