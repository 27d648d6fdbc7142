/** Options of a ReplayGuard. */
export interface ReplayGuardOptions {
  /** How long a key is remembered. */
  windowMs: number;
  /** Keys remembered at most; the oldest go first. */
  maxKeys?: number;
  now?: () => number;
}

/** Remembers keys (webhook delivery ids, body digests) for a window, to refuse a delivery seen before. */
export class ReplayGuard {
  private readonly seen = new Map<string, number>();
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(private readonly options: ReplayGuardOptions) {
    this.maxKeys = options.maxKeys ?? 50_000;
    this.now = options.now ?? Date.now;
  }

  /** Records the keys of one delivery; returns the first one already seen within the window (and records nothing then). */
  remember(keys: readonly string[]): string | undefined {
    const now = this.now();
    this.expire(now);
    const repeated = keys.find((key) => (this.seen.get(key) ?? 0) > now);
    if (repeated !== undefined) return repeated;
    for (const key of keys) this.seen.set(key, now + this.options.windowMs);
    for (const key of this.seen.keys()) {
      if (this.seen.size <= this.maxKeys) break;
      this.seen.delete(key);
    }
    return undefined;
  }

  /** Forgets keys, so a delivery that could not be handled can be sent again. */
  forget(keys: readonly string[]): void {
    for (const key of keys) this.seen.delete(key);
  }

  private expire(now: number): void {
    // Insertion order is expiry order: the window is the same for every key.
    for (const [key, expiresAt] of this.seen) {
      if (expiresAt > now) break;
      this.seen.delete(key);
    }
  }
}
