import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { FlotillaError } from '@flotilla/core';
import { HUB_CONFIG } from '../common/hub-config.provider.js';
import type { HubConfig } from '../config/hub-config.js';
import { RateLimiter } from '../limits/rate-limiter.js';
import { WebhookDeliveries } from '../replicas/webhook-deliveries.js';

/** Delivery ids as Git hosts send them (GUIDs); anything else is refused rather than remembered. */
const DELIVERY_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Limits of the webhook endpoint: a rate per source and client address, and replay protection. A delivery is refused
 * when its delivery id (X-GitHub-Delivery, X-Gitlab-Event-UUID, X-Gitea-Delivery, X-Request-UUID) or its exact body
 * was accepted within the window: the signature covers the body only (GitLab's token not even that), so a replayed
 * body with a made-up delivery id is caught by its digest. Accepted deliveries are in the database, shared by the
 * replicas; the rate is counted per replica.
 */
@Injectable()
export class WebhookLimits {
  private readonly rate: RateLimiter;
  private readonly windowMs: number;

  constructor(
    @Inject(HUB_CONFIG) config: HubConfig,
    private readonly deliveries: WebhookDeliveries,
  ) {
    this.rate = new RateLimiter({ perMinute: config.webhookRateLimit });
    this.windowMs = config.webhookReplayWindowSeconds * 1000;
  }

  /** Takes one call of the rate; RESOURCE_EXHAUSTED (with `retryAfterSeconds`) past it. */
  checkRate(source: string, client: string): void {
    const decision = this.rate.take(`${source}\0${client}`);
    if (decision.allowed) return;
    const retryAfterSeconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
    throw new FlotillaError('RESOURCE_EXHAUSTED', `too many webhook calls for source "${source}"; retry in ${retryAfterSeconds} s`, {
      data: { source, retryAfterSeconds },
    });
  }

  /**
   * Records a signed delivery; CONFLICT when it is a replay, INVALID_ARGUMENT for a malformed delivery id.
   * Returns the keys to forget if the delivery cannot be handled.
   */
  async admit(source: string, deliveryId: string | undefined, body: Buffer, deliveryHeader = 'X-GitHub-Delivery'): Promise<string[]> {
    if (deliveryId !== undefined && !DELIVERY_ID.test(deliveryId)) {
      throw new FlotillaError('INVALID_ARGUMENT', `${deliveryHeader} must be a delivery id (letters, digits, ".", "_", ":" and "-", at most 128)`, {
        data: { source },
      });
    }
    // No NUL in keys (PostgreSQL text refuses it); source names are DNS labels and delivery ids have no "/".
    const idKey = deliveryId === undefined ? undefined : `${source}/id/${deliveryId}`;
    const keys = [`${source}/body/${createHash('sha256').update(body).digest('hex')}`, ...(idKey ? [idKey] : [])];
    const now = Date.now();
    const repeated = await this.deliveries.remember(keys, now + this.windowMs, now);
    if (repeated !== undefined) {
      const what = repeated === idKey ? `delivery ${deliveryId}` : 'a delivery with this exact body';
      throw new FlotillaError('CONFLICT', `webhook for source "${source}": ${what} was already received; replays are refused`, {
        data: { source, ...(deliveryId ? { deliveryId } : {}) },
      });
    }
    return keys;
  }

  /** Forgets a delivery that could not be handled, so its sender may try again. */
  forget(keys: string[]): Promise<void> {
    return this.deliveries.forget(keys);
  }
}
