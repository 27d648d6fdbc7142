/** Exponential backoff with full jitter (AWS's "full jitter"): a random delay up to min(max, base · 2^attempt). */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly baseMs = 500,
    private readonly maxMs = 30_000,
    private readonly random: () => number = Math.random,
  ) {}

  /** The delay before the next try, and counts it. */
  next(): number {
    const ceiling = Math.min(this.maxMs, this.baseMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    return Math.round(this.random() * ceiling);
  }

  /** Starts over after a success. */
  reset(): void {
    this.attempt = 0;
  }
}
