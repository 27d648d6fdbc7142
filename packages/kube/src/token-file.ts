import { readFile } from 'node:fs/promises';
import { FlotillaError } from '@flotilla/core';

/** How long a token read from a file is used before the file is read again: client-go's period. */
export const TOKEN_FILE_REFRESH_MS = 60_000;

/**
 * A bearer token kept in a file that something else rotates (the kubelet's projected service account token, a
 * kubeconfig `tokenFile`). Like client-go's cached file token source, it reads the file at most once a period and
 * keeps the last good token when a later read fails; the first read failing is an UNAUTHENTICATED error.
 */
export class TokenFile {
  private token: string | undefined;
  private readAt = -Infinity;
  private reading: Promise<string> | undefined;

  constructor(
    readonly path: string,
    private readonly refreshMs = TOKEN_FILE_REFRESH_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The current token: the cached one while fresh, else the file's content (trimmed). */
  read(): string | Promise<string> {
    if (this.token !== undefined && this.now() - this.readAt < this.refreshMs) return this.token;
    return (this.reading ??= this.reload().finally(() => (this.reading = undefined)));
  }

  private async reload(): Promise<string> {
    try {
      this.token = (await readFile(this.path, 'utf8')).trim();
    } catch (error) {
      if (this.token === undefined) {
        throw new FlotillaError('UNAUTHENTICATED', `cannot read the bearer token file ${this.path}: ${(error as Error).message}`, { data: { tokenFile: this.path }, cause: error });
      }
      // Keep the last token for another period rather than failing requests it may still authorise.
    }
    this.readAt = this.now();
    return this.token;
  }
}
