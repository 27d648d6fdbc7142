import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ConfigError } from '@flotilla/core';
import type { HubConfig } from '../config/hub-config.js';
import { decodeSecretKey } from '../config/secret-key.js';

/** The keys of the SecretBox and where the current one came from. */
export interface SecretKeys {
  current: Buffer;
  previous: Buffer[];
  /** `config` (FLOTILLA_SECRET_KEY), `file` (read from the data directory) or `generated` (written there just now). */
  origin: 'config' | 'file' | 'generated';
  /** The key file, when the key lives in the data directory. */
  path?: string;
  /** Problems worth a warning (a key file others can read). */
  warnings: string[];
}

/** Name of the key file in the data directory. */
export const SECRET_KEY_FILE = 'secret.key';

/**
 * The secret keys: FLOTILLA_SECRET_KEY when set, else `<data-dir>/secret.key`, generated (32 random bytes, mode 0600)
 * at first start. Previous keys come from FLOTILLA_SECRET_KEY_PREVIOUS.
 */
export function loadSecretKeys(config: Pick<HubConfig, 'secretKey' | 'secretKeyPrevious' | 'dataDir'>): SecretKeys {
  const previous = (config.secretKeyPrevious ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter((key) => key !== '')
    .map((key) => decodeSecretKey(key) as Buffer);
  if (config.secretKey !== undefined) return { current: decodeSecretKey(config.secretKey) as Buffer, previous, origin: 'config', warnings: [] };
  const dir = resolve(config.dataDir);
  const path = join(dir, SECRET_KEY_FILE);
  if (existsSync(path)) {
    const key = decodeSecretKey(readFileSync(path, 'utf8'));
    if (!key) throw new ConfigError([{ key: path, message: 'is not a secret key (32 bytes as base64 or hex); restore it from a backup' }]);
    const warnings = (statSync(path).mode & 0o077) !== 0 ? [`${path} can be read by other users; chmod 600 it`] : [];
    return { current: key, previous, origin: 'file', path, warnings };
  }
  mkdirSync(dir, { recursive: true });
  const key = randomBytes(32);
  // `wx`: two replicas starting on one shared directory must not overwrite each other's key.
  try {
    writeFileSync(path, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadSecretKeys(config);
    throw error;
  }
  chmodSync(path, 0o600);
  return { current: key, previous, origin: 'generated', path, warnings: [] };
}
