import { describe, expect, it } from 'vitest';
import { isValidWebhookSignature, signWebhookBody } from './webhook-signature.js';

const secret = 'a-long-enough-secret';
const body = Buffer.from('{"ref":"refs/heads/main"}');

describe('webhook signatures', () => {
  it('accept the HMAC-SHA256 of the exact body', () => {
    expect(isValidWebhookSignature(secret, body, signWebhookBody(secret, body))).toBe(true);
  });

  it('refuse a missing, malformed, wrong-secret or other-body signature', () => {
    expect(isValidWebhookSignature(secret, body, undefined)).toBe(false);
    expect(isValidWebhookSignature(secret, body, 'sha1=abc')).toBe(false);
    expect(isValidWebhookSignature(secret, body, 'sha256=zz')).toBe(false);
    expect(isValidWebhookSignature(secret, body, signWebhookBody('another-secret-value', body))).toBe(false);
    expect(isValidWebhookSignature(secret, body, signWebhookBody(secret, `${body} `))).toBe(false);
  });
});
