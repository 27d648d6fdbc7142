import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { FlotillaError } from '@flotilla/core';

const PREFIX = 'fls1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The id a sealed value names its key by: not secret, and not enough to guess the key from. */
export function secretKeyId(key: Buffer): string {
  return createHash('sha256').update('flotilla secret key id\0').update(key).digest('hex').slice(0, 12);
}

/**
 * Seals secrets for storage with AES-256-GCM: `fls1.<key id>.<base64url(iv | ciphertext | tag)>`. Each value is bound to
 * a context (`source/fleet/credentials`) as additional data, so a sealed value copied to another record does not open.
 * Earlier keys open what they sealed, so the key can be rotated: set a new key, keep the old one as previous, restart.
 */
export class SecretBox {
  private readonly keys = new Map<string, Buffer>();
  /** Id of the key new values are sealed with. */
  readonly keyId: string;

  constructor(current: Buffer, previous: readonly Buffer[] = []) {
    if (current.length !== 32) throw new Error('a secret key has 32 bytes');
    this.keyId = secretKeyId(current);
    this.keys.set(this.keyId, current);
    for (const key of previous) if (!this.keys.has(secretKeyId(key))) this.keys.set(secretKeyId(key), key);
  }

  /** Whether a stored value is in sealed form (anything else is a legacy plaintext value). */
  static isSealed(value: string): boolean {
    return value.startsWith(`${PREFIX}.`);
  }

  /** Encrypts a secret for one context. */
  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.keyId) as Buffer, iv);
    cipher.setAAD(Buffer.from(context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${PREFIX}.${this.keyId}.${Buffer.concat([iv, ciphertext, cipher.getAuthTag()]).toString('base64url')}`;
  }

  /** Decrypts a sealed value of a context; throws FAILED_PRECONDITION for a key not configured, INTERNAL for a damaged value. */
  open(sealed: string, context: string): string {
    const [prefix, keyId, body] = sealed.split('.');
    if (prefix !== PREFIX || keyId === undefined || body === undefined) {
      throw new FlotillaError('INTERNAL', `${context} is not a sealed secret`, { data: { context } });
    }
    const key = this.keys.get(keyId);
    if (!key) {
      throw new FlotillaError(
        'FAILED_PRECONDITION',
        `${context} was sealed with secret key ${keyId}, which is not configured: set FLOTILLA_SECRET_KEY or FLOTILLA_SECRET_KEY_PREVIOUS to it`,
        { data: { context, keyId } },
      );
    }
    const bytes = Buffer.from(body, 'base64url');
    try {
      if (bytes.length < IV_BYTES + TAG_BYTES) throw new Error('too short');
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch (cause) {
      throw new FlotillaError('INTERNAL', `${context} cannot be opened: the sealed value is damaged or belongs to another record`, { data: { context }, cause });
    }
  }

  /** Whether a sealed value is sealed with the current key (otherwise it wants resealing). */
  isCurrent(sealed: string): boolean {
    return sealed.startsWith(`${PREFIX}.${this.keyId}.`);
  }
}
