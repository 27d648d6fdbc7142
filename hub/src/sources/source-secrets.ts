import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { StoredGitCredentials } from './source.entity.js';
import { Source } from './source.entity.js';
import { SecretBox } from '../secrets/secret-box.js';

/**
 * The secrets of Sources (Git credentials, webhook secret), sealed at rest. Values are opened only where they are
 * used: resolving a ref, fetching a commit to render, and checking a webhook signature. They never leave the hub.
 */
@Injectable()
export class SourceSecrets implements OnModuleInit {
  private readonly logger = new Logger('secrets');

  constructor(
    private readonly box: SecretBox,
    @InjectRepository(Source) private readonly sources: Repository<Source>,
  ) {}

  /** Seals values still in plaintext (written before sealing existed) or sealed with a previous key. */
  async onModuleInit(): Promise<void> {
    let resealed = 0;
    for (const source of await this.sources.find()) {
      const patch: Partial<Pick<Source, 'credentials' | 'webhookSecret'>> = {};
      const credentials = this.reseal(source.credentials, credentialsContext(source.name), (plain) => JSON.stringify(JSON.parse(plain)));
      if (credentials !== source.credentials) patch.credentials = credentials;
      const webhookSecret = this.reseal(source.webhookSecret, webhookContext(source.name), (plain) => plain);
      if (webhookSecret !== source.webhookSecret) patch.webhookSecret = webhookSecret;
      if (Object.keys(patch).length === 0) continue;
      await this.sources.update({ name: source.name }, patch);
      resealed++;
    }
    if (resealed > 0) this.logger.log({ msg: 'sealed the secrets of sources', sources: resealed, keyId: this.box.keyId });
  }

  /** The stored form of a source's Git credentials. */
  sealCredentials(source: string, credentials: StoredGitCredentials | null): string | null {
    return credentials === null ? null : this.box.seal(JSON.stringify({ username: credentials.username, password: credentials.password }), credentialsContext(source));
  }

  /** A source's Git credentials in clear, for the hub's Git requests. */
  openCredentials(source: Pick<Source, 'name' | 'credentials'>): StoredGitCredentials | null {
    if (source.credentials === null) return null;
    const { username, password } = JSON.parse(this.box.open(source.credentials, credentialsContext(source.name))) as StoredGitCredentials;
    return { username, password };
  }

  /** The stored form of a source's webhook secret. */
  sealWebhookSecret(source: string, secret: string | null): string | null {
    return secret === null ? null : this.box.seal(secret, webhookContext(source));
  }

  /** A source's webhook secret in clear, to check a signature. */
  openWebhookSecret(source: Pick<Source, 'name' | 'webhookSecret'>): string | null {
    return source.webhookSecret === null ? null : this.box.open(source.webhookSecret, webhookContext(source.name));
  }

  private reseal(value: string | null, context: string, normalize: (plain: string) => string): string | null {
    if (value === null) return null;
    if (!SecretBox.isSealed(value)) return this.box.seal(normalize(value), context);
    if (this.box.isCurrent(value)) return value;
    return this.box.seal(this.box.open(value, context), context);
  }
}

const credentialsContext = (source: string): string => `source/${source}/credentials`;
const webhookContext = (source: string): string => `source/${source}/webhookSecret`;
