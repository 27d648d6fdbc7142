/**
 * Mutual exclusion per key within one process: `acquire(key)` resolves when every earlier holder of that key has
 * released it, in call order. Used so two fetches never write one cache repository at once.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  /**
   * Waits for the key and returns its release function (safe to call twice). If `signal` aborts while waiting,
   * rejects with the signal's reason and lets the key go as soon as it would have been granted.
   */
  acquire(key: string, signal?: AbortSignal): Promise<() => void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => held);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    if (signal === undefined) return previous.then(() => release);
    if (signal.aborted) {
      void previous.then(release);
      return Promise.reject(signal.reason as Error);
    }
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        void previous.then(release);
        reject(signal.reason as Error);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      void previous.then(() => {
        if (signal.aborted) return;
        signal.removeEventListener('abort', onAbort);
        resolve(release);
      });
    });
  }

  /** Runs `task` while holding the key. */
  async run<T>(key: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const release = await this.acquire(key, signal);
    try {
      return await task();
    } finally {
      release();
    }
  }
}
