import type { AppClusterStatusView, AppStatusView } from '@flotilla/api';
import { CliError } from '../errors/cli-error.js';
import type { HubClient } from './hub-client.js';

/** How long and how often to wait, and what to tell meanwhile. */
export interface WaitForAppOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Called with each answer while waiting. */
  onProgress?(status: AppStatusView): void;
  /** When a cluster counts as done; default: applied what the hub wants, whatever the outcome. */
  isDone?(item: AppClusterStatusView): boolean;
  signal?: AbortSignal;
}

/** A cluster has reported on the generation the hub wants there. */
export function hasSettled(item: AppClusterStatusView): boolean {
  return item.desired !== null && item.applied !== null && item.inSync && item.applied.health !== 'Progressing';
}

/** Polls an app's status until every target cluster is done; throws TIMEOUT with the clusters still waited for. */
export async function waitForApp(hub: HubClient, app: string, options: WaitForAppOptions): Promise<AppStatusView> {
  const isDone = options.isDone ?? hasSettled;
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const status = await hub.getAppStatus(app);
    options.onProgress?.(status);
    if (status.items.length > 0 && status.items.every(isDone)) return status;
    if (Date.now() >= deadline || options.signal?.aborted) {
      const waiting = status.items.filter((item) => !isDone(item)).map((item) => item.cluster);
      throw new CliError('TIMEOUT', `app ${app} did not settle within ${Math.round(options.timeoutMs / 1000)} s; still waiting for ${waiting.join(', ') || 'target clusters'}`, { app, waiting });
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 1000));
  }
}

/** `2/3 clusters settled` for progress lines. */
export function describeProgress(status: AppStatusView, isDone: (item: AppClusterStatusView) => boolean = hasSettled): string {
  const done = status.items.filter(isDone).length;
  const failed = status.items.filter((item) => item.applied?.phase === 'Failed').length;
  return `${done}/${status.items.length} clusters settled${failed > 0 ? `, ${failed} failed` : ''}`;
}
