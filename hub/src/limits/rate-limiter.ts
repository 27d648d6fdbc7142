/** Options of a RateLimiter. */
export interface RateLimiterOptions {
  /** Calls allowed per minute per key; also the burst allowed at once. */
  perMinute: number;
  /** Keys remembered at most; idle ones go first (the map cannot be grown without bound by made-up keys). */
  maxKeys?: number;
  now?: () => number;
}

/** The outcome of one call. */
export interface RateDecision {
  allowed: boolean;
  /** When not allowed: how long until the next call would be. */
  retryAfterMs: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** A token bucket per key (a client address, a source): `perMinute` calls a minute, refilled continuously. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(private readonly options: RateLimiterOptions) {
    this.perMs = options.perMinute / 60_000;
    this.maxKeys = options.maxKeys ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Takes one call's token for a key. */
  take(key: string): RateDecision {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.options.perMinute, updatedAt: now };
    bucket.tokens = Math.min(this.options.perMinute, bucket.tokens + (now - bucket.updatedAt) * this.perMs);
    bucket.updatedAt = now;
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    if (this.buckets.size > this.maxKeys) this.evict(now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, retryAfterMs: 0 };
    }
    return { allowed: false, retryAfterMs: Math.ceil((1 - bucket.tokens) / this.perMs) };
  }

  private evict(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.updatedAt) * this.perMs >= this.options.perMinute) this.buckets.delete(key);
    }
    // Still too many busy keys: forget the least recently used (Map order is recency, see take()).
    for (const key of this.buckets.keys()) {
      if (this.buckets.size <= this.maxKeys) break;
      this.buckets.delete(key);
    }
  }
}
