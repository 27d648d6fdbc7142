import { createHmac, randomUUID } from 'node:crypto';
import type { FleetApi } from './api-client.js';

/** What a push webhook says and how it is signed. */
export interface PushWebhook {
  /** The source it is for; default `fleet`. */
  source?: string;
  /** The source's webhook secret, which signs the body (`X-Hub-Signature-256`). */
  secret: string;
  /** The commit pushed. */
  commit: string;
  /** Default `refs/heads/main`. */
  ref?: string;
  /** `X-GitHub-Delivery`; default a new UUID. Sending one twice is a replay. */
  deliveryId?: string;
}

/**
 * Sends the signed GitHub push webhook of a commit, as GitHub would after the push, to the hub `api` reaches (one
 * replica, or the balancer); resolves to the hub's answer, whatever its status.
 */
export function deliverPushWebhook(api: FleetApi, webhook: PushWebhook) {
  const body = JSON.stringify({ ref: webhook.ref ?? 'refs/heads/main', after: webhook.commit });
  const hmac = createHmac('sha256', webhook.secret).update(body).digest('hex');
  return api
    .post(`/api/v1/webhooks/${webhook.source ?? 'fleet'}`)
    .set('content-type', 'application/json')
    .set('x-github-event', 'push')
    .set('x-github-delivery', webhook.deliveryId ?? randomUUID())
    .set('x-hub-signature-256', `sha256=${hmac}`)
    .send(body);
}
