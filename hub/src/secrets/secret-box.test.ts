import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ConfigError, FlotillaError } from '@flotilla/core';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSecretKeys } from './load-secret-keys.js';
import { SecretBox, secretKeyId } from './secret-box.js';
import { decodeSecretKey } from '../config/secret-key.js';

const thrown = (fn: () => unknown): FlotillaError => {
  try {
    fn();
  } catch (error) {
    return error as FlotillaError;
  }
  throw new Error('did not throw');
};

describe('SecretBox', () => {
  const key = randomBytes(32);
  const box = new SecretBox(key);

  it('seals with AES-256-GCM under a fresh IV, naming the key, and opens what it sealed', () => {
    const sealed = box.seal('hunter2', 'source/fleet/credentials');
    expect(sealed).toMatch(new RegExp(`^fls1\\.${secretKeyId(key)}\\.[A-Za-z0-9_-]+$`));
    expect(sealed).not.toContain('hunter2');
    expect(box.seal('hunter2', 'source/fleet/credentials')).not.toBe(sealed);
    expect(box.open(sealed, 'source/fleet/credentials')).toBe('hunter2');
    expect(SecretBox.isSealed(sealed)).toBe(true);
    expect(SecretBox.isSealed('{"username":"a"}')).toBe(false);
  });

  it('refuses a tampered value, and a value copied to another record', () => {
    const sealed = box.seal('hunter2', 'source/fleet/credentials');
    const body = sealed.split('.')[2] as string;
    const flipped = `${sealed.slice(0, -body.length)}${body.slice(0, 10)}${body[10] === 'A' ? 'B' : 'A'}${body.slice(11)}`;
    expect(thrown(() => box.open(flipped, 'source/fleet/credentials')).code).toBe('INTERNAL');
    expect(thrown(() => box.open(sealed, 'source/other/credentials')).message).toBe(
      'source/other/credentials cannot be opened: the sealed value is damaged or belongs to another record',
    );
    expect(thrown(() => box.open('fls1.x', 'source/fleet/credentials')).code).toBe('INTERNAL');
  });

  it('opens values of previous keys and says which key is missing otherwise', () => {
    const old = new SecretBox(randomBytes(32));
    const sealed = old.seal('hunter2', 'c');
    const rotated = new SecretBox(randomBytes(32), [randomBytes(32), (old as unknown as { keys: Map<string, Buffer> }).keys.get(old.keyId) as Buffer]);
    expect(rotated.open(sealed, 'c')).toBe('hunter2');
    expect(rotated.isCurrent(sealed)).toBe(false);
    const error = thrown(() => box.open(sealed, 'c'));
    expect(error.code).toBe('FAILED_PRECONDITION');
    expect(error.message).toBe(`c was sealed with secret key ${old.keyId}, which is not configured: set FLOTILLA_SECRET_KEY or FLOTILLA_SECRET_KEY_PREVIOUS to it`);
  });
});

describe('secret keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-keys-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads 32 bytes as hex or base64, and nothing else', () => {
    const key = randomBytes(32);
    expect(decodeSecretKey(key.toString('hex'))).toEqual(key);
    expect(decodeSecretKey(key.toString('base64'))).toEqual(key);
    expect(decodeSecretKey(key.toString('base64url'))).toEqual(key);
    for (const bad of ['', 'short', randomBytes(16).toString('hex'), randomBytes(33).toString('base64'), 'z'.repeat(64)]) expect(decodeSecretKey(bad)).toBeUndefined();
  });

  it('generates a key into the data directory with mode 0600 at first start, then reads it', () => {
    const first = loadSecretKeys({ dataDir: dir });
    expect(first.origin).toBe('generated');
    expect(statSync(join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
    const second = loadSecretKeys({ dataDir: dir });
    expect(second).toMatchObject({ origin: 'file', warnings: [] });
    expect(second.current).toEqual(first.current);
  });

  it('prefers the configured key, takes previous keys, and refuses a damaged key file', () => {
    const configured = randomBytes(32);
    const previous = [randomBytes(32), randomBytes(32)];
    const keys = loadSecretKeys({ dataDir: dir, secretKey: configured.toString('hex'), secretKeyPrevious: previous.map((k) => k.toString('base64')).join(', ') });
    expect(keys).toMatchObject({ origin: 'config', current: configured, previous });
    writeFileSync(join(dir, 'secret.key'), 'not a key\n');
    expect(() => loadSecretKeys({ dataDir: dir })).toThrow(ConfigError);
    expect(readFileSync(join(dir, 'secret.key'), 'utf8')).toBe('not a key\n');
  });
});
