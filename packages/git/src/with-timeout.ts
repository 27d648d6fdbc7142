/**
 * Runs `task` with a signal that aborts after `timeoutMs`, and rejects with `onTimeout()` at that moment even if
 * the task has not noticed yet. The task keeps running until it notices; whatever it holds (a lock) it releases
 * itself.
 */
export async function withTimeout<T>(timeoutMs: number, onTimeout: () => Error, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const error = onTimeout();
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  const running = task(controller.signal);
  // The loser of the race must not become an unhandled rejection.
  running.catch(() => undefined);
  try {
    return await Promise.race([running, expired]);
  } finally {
    clearTimeout(timer);
  }
}
