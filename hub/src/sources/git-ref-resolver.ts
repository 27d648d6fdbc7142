import { Injectable } from '@nestjs/common';
import { resolveRef } from '@flotilla/git';
import { SourceSecrets } from './source-secrets.js';
import type { Source } from './source.entity.js';

/** Resolves a Source's ref to a commit with a refs listing (no clone). A provider so tests can point it anywhere real. */
@Injectable()
export class GitRefResolver {
  constructor(private readonly secrets: SourceSecrets) {}

  /** The commit the source's ref points at now. */
  async resolve(source: Pick<Source, 'name' | 'url' | 'ref' | 'credentials'>): Promise<string> {
    const credentials = this.secrets.openCredentials(source) ?? undefined;
    const resolved = await resolveRef({ url: source.url, ref: source.ref, credentials, timeoutMs: 30_000 });
    return resolved.commit;
  }
}
