import { Injectable } from '@nestjs/common';
import { resolveRef } from '@flotilla/git';
import type { Source } from './source.entity.js';

/** Resolves a Source's ref to a commit with a refs listing (no clone). A provider so tests can point it anywhere real. */
@Injectable()
export class GitRefResolver {
  /** The commit the source's ref points at now. */
  async resolve(source: Pick<Source, 'url' | 'ref' | 'credentials'>): Promise<string> {
    const resolved = await resolveRef({ url: source.url, ref: source.ref, credentials: source.credentials ?? undefined, timeoutMs: 30_000 });
    return resolved.commit;
  }
}
