type Cleanup = () => void;

interface ExitCleanupState {
  cleanups: Set<Cleanup>;
  isInstalled: boolean;
}

// Kept on globalThis: a test runner may load this module more than once in one process, and several copies of
// the signal handlers would each wait for the others and never re-raise the signal.
const STATE_KEY = Symbol.for('@flotilla/testenv/exit-cleanup');
const shared = globalThis as typeof globalThis & { [STATE_KEY]?: ExitCleanupState };
const state = (shared[STATE_KEY] ??= { cleanups: new Set(), isInstalled: false });
const { cleanups } = state;

/**
 * Runs `cleanup` (synchronous: it may run inside process 'exit') when this process exits or gets SIGINT/SIGTERM,
 * unless the returned function is called first. Cleanups run last-registered first, like `defer`.
 */
export function registerExitCleanup(cleanup: Cleanup): () => void {
  installHandlers();
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

function runCleanups(): void {
  for (const cleanup of [...cleanups].reverse()) {
    cleanups.delete(cleanup);
    try {
      cleanup();
    } catch {
      // Best effort: one failed cleanup must not keep the others from running while the process dies.
    }
  }
}

function installHandlers(): void {
  if (state.isInstalled) return;
  state.isInstalled = true;
  process.once('exit', runCleanups);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const onSignal = (): void => {
      runCleanups();
      // Listening to a signal cancels Node's default exit. If nobody else listens (a test runner might),
      // stand aside and re-raise it so the process still dies the way the sender meant.
      if (process.listenerCount(signal) === 1) {
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, onSignal);
  }
}
