/**
 * Gathers the keys asked for in one turn of the event loop and reads them with one call: agents connect in bursts
 * (a hub restart, a network partition healing), and one query per agent per read cost more in query building than
 * in the database. `read` gets each distinct key once and answers with what it found; a key it leaves out gets
 * `missing`. A failed read fails every caller of that turn.
 */
export class TickBatcher<K, V> {
  private pending = new Map<K, Array<{ resolve: (value: V) => void; reject: (error: unknown) => void }>>();
  private scheduled = false;

  constructor(
    private readonly read: (keys: K[]) => Promise<Map<K, V>>,
    private readonly missing: V,
    /** Keys per call of `read`, so that one statement stays within the databases' limits on bound values. */
    private readonly maxKeys = 500,
  ) {}

  load(key: K): Promise<V> {
    return new Promise<V>((resolve, reject) => {
      const waiting = this.pending.get(key);
      if (waiting) waiting.push({ resolve, reject });
      else this.pending.set(key, [{ resolve, reject }]);
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    this.scheduled = false;
    const keys = [...batch.keys()];
    for (let i = 0; i < keys.length; i += this.maxKeys) {
      const slice = keys.slice(i, i + this.maxKeys);
      try {
        const found = await this.read(slice);
        for (const key of slice) for (const waiter of batch.get(key) ?? []) waiter.resolve(found.has(key) ? (found.get(key) as V) : this.missing);
      } catch (error) {
        for (const key of slice) for (const waiter of batch.get(key) ?? []) waiter.reject(error);
      }
    }
  }
}
