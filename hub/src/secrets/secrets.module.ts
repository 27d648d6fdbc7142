import { Global, Logger, Module } from '@nestjs/common';
import { HUB_CONFIG } from '../common/hub-config.provider.js';
import type { HubConfig } from '../config/hub-config.js';
import { loadSecretKeys } from './load-secret-keys.js';
import { SecretBox } from './secret-box.js';

/** Builds the SecretBox from the configured (or generated) key, saying once where the key lives. */
function createSecretBox(config: HubConfig): SecretBox {
  const logger = new Logger('secrets');
  const keys = loadSecretKeys(config);
  const box = new SecretBox(keys.current, keys.previous);
  for (const warning of keys.warnings) logger.warn(warning);
  if (keys.origin === 'generated') {
    logger.warn(
      `generated secret key ${box.keyId} into ${keys.path}: back it up (sealed Git credentials cannot be read without it), ` +
        'and give every replica the same key with FLOTILLA_SECRET_KEY',
    );
  } else {
    logger.log({ msg: 'sealing secrets', keyId: box.keyId, keyFrom: keys.origin === 'config' ? 'FLOTILLA_SECRET_KEY' : keys.path });
  }
  return box;
}

/** Secrets at rest: the SecretBox that seals them (each module seals its own values with it). */
@Global()
@Module({
  providers: [{ provide: SecretBox, useFactory: createSecretBox, inject: [HUB_CONFIG] }],
  exports: [SecretBox],
})
export class SecretsModule {}
