import { Inject, Injectable } from '@nestjs/common';
import { FlotillaError } from '@flotilla/core';
import { GitError, type GitHostPolicy, resolveRef } from '@flotilla/git';
import { HUB_CONFIG } from '../common/hub-config.provider.js';
import type { HubConfig } from '../config/hub-config.js';
import { gitHostPolicyOf } from '../config/security-settings.js';
import { SourceSecrets } from './source-secrets.js';
import type { Source } from './source.entity.js';

/**
 * Resolves a Source's ref to a commit with a refs listing (no clone), under the Git host policy of the settings.
 * A provider so tests can point it anywhere real.
 */
@Injectable()
export class GitRefResolver {
  private readonly hostPolicy: GitHostPolicy;

  constructor(
    private readonly secrets: SourceSecrets,
    @Inject(HUB_CONFIG) config: HubConfig,
  ) {
    this.hostPolicy = gitHostPolicyOf(config);
  }

  /** The commit the source's ref points at now. */
  async resolve(source: Pick<Source, 'name' | 'url' | 'ref' | 'credentials'>): Promise<string> {
    const credentials = this.secrets.openCredentials(source) ?? undefined;
    const resolved = await resolveRef({ url: source.url, ref: source.ref, credentials, timeoutMs: 30_000, hostPolicy: this.hostPolicy });
    return resolved.commit;
  }

  /**
   * Refuses a URL whose host the policy refuses (a name not allowed, a denied IP literal) with INVALID_ARGUMENT on
   * `url`; names are resolved and checked again on every connection.
   */
  checkUrl(url: string): void {
    try {
      this.hostPolicy.checkUrl(url);
    } catch (error) {
      if (!GitError.is(error)) throw error;
      const field = { field: 'url', message: error.message };
      throw new FlotillaError('INVALID_ARGUMENT', `invalid request body: url: ${error.message}`, { data: { fields: [field] } });
    }
  }
}
