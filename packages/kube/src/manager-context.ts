import { type Discovery } from './discovery.js';
import { type KubeClient } from './kube-client.js';

/** What each verb of the ResourceManager works with (one file per verb, one shared context). */
export interface ManagerContext {
  client: KubeClient;
  discovery: Discovery;
  fieldManager: string;
  concurrency: number;
}

/** Resolves after `ms`, or rejects at once when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
