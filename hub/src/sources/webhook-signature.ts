import { createHmac, timingSafeEqual } from 'node:crypto';

/** Whether `X-Hub-Signature-256` (`sha256=<hex>`) is the HMAC-SHA256 of the exact body under the secret. */
export function isValidWebhookSignature(secret: string, body: Buffer, header: string | undefined): boolean {
  if (!header?.startsWith('sha256=')) return false;
  return isValidHexHmac(secret, body, header.slice('sha256='.length));
}

/** Whether a bare hex HMAC-SHA256 of the exact body (Gitea's and Forgejo's signature header) is the one under the secret. */
export function isValidHexHmac(secret: string, body: Buffer, hex: string | undefined): boolean {
  if (hex === undefined || !/^[0-9a-fA-F]+$/.test(hex)) return false;
  const given = Buffer.from(hex, 'hex');
  const expected = createHmac('sha256', secret).update(body).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Whether a shared-secret header (GitLab's `X-Gitlab-Token`) is the secret, compared in constant time. */
export function isSameSecret(secret: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  // Digests have one length whatever was sent, so the comparison says nothing about the secret's length either.
  const digest = (text: string): Buffer => createHmac('sha256', 'flotilla-webhook-token').update(text).digest();
  return timingSafeEqual(digest(secret), digest(given));
}

/** The signature header value for a body, as a Git host would send it (for clients and tests). */
export function signWebhookBody(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
