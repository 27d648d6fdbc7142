/** A small deterministic random source for fuzz-style tests: the same seed gives the same cases. */
export class SeededRandom {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1) (mulberry32). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)] as T;
  }

  /** A string of `length` characters drawn from anywhere in UTF-16, control characters and lone surrogates included. */
  garbage(length: number): string {
    let text = '';
    for (let i = 0; i < length; i++) {
      const range = this.int(0, 3);
      text += String.fromCharCode(range === 0 ? this.int(0, 31) : range === 1 ? this.int(32, 126) : range === 2 ? this.int(127, 0x2fff) : this.int(0xd800, 0xdfff));
    }
    return text;
  }
}
