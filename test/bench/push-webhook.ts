import { type GitCheckout } from '@flotilla/testenv';
import { type FleetBase } from '../e2e/fleet.js';
import { deliverPushWebhook } from '../e2e/support/push-webhook.js';

/** The webhook secret of the benches' `fleet` source. */
export const WEBHOOK_SECRET = 'bench-webhook-secret-of-the-fleet';

/**
 * Sends the signed GitHub push webhook (`X-Hub-Signature-256`) of `commit` on main to the hub's `fleet` source, as
 * GitHub would after the push; throws unless the hub answers that it recorded that commit.
 */
export async function sendPushWebhook(fleet: FleetBase, commit: string): Promise<void> {
  const res = await deliverPushWebhook(fleet.api(null), { secret: WEBHOOK_SECRET, commit });
  if (res.status !== 200 || !String(res.body.revision ?? '').endsWith(commit)) throw new Error(`webhook: ${res.status} ${JSON.stringify(res.body)}`);
}

/** One measured commit: when its push started (performance.now()), how long the push took, and until the hub recorded it. */
export interface PushedCommit {
  commit: string;
  started: number;
  pushedMs: number;
  recordedMs: number;
}

/**
 * Writes `files` in the author's checkout, commits and pushes them, and sends the push webhook, timing each from the
 * start of `git push`.
 */
export async function pushCommit(fleet: FleetBase, author: GitCheckout, files: Record<string, string>, message: string): Promise<PushedCommit> {
  for (const [path, content] of Object.entries(files)) await author.write(path, content);
  const commit = await author.commit(message);
  const started = performance.now();
  await author.push();
  const pushedMs = performance.now() - started;
  await sendPushWebhook(fleet, commit);
  return { commit, started, pushedMs, recordedMs: performance.now() - started };
}
