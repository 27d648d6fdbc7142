import { createHmac, timingSafeEqual } from 'node:crypto';

/** Whether `X-Hub-Signature-256` (`sha256=<hex>`) is the HMAC-SHA256 of the exact body under the secret. */
export function isValidWebhookSignature(secret: string, body: Buffer, header: string | undefined): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  const expected = createHmac('sha256', secret).update(body).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The signature header value for a body, as a Git host would send it (for clients and tests). */
export function signWebhookBody(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
