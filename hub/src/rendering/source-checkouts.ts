import { createHash } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { RepositoryCache } from '@flotilla/git';
import { HUB_CONFIG } from '../common/hub-config.provider.js';
import type { HubConfig } from '../config/hub-config.js';
import { gitHostPolicyOf } from '../config/security-settings.js';
import type { StoredGitCredentials } from '../sources/source.entity.js';

/** Checkouts kept on disk when no render uses them (the newest commits of the busiest sources). */
const KEPT_CHECKOUTS = 16;

/** What to check out. */
export interface CheckoutRequest {
  url: string;
  ref: string;
  commit: string;
  credentials: StoredGitCredentials | null;
}

interface Checkout {
  dir: string;
  ready: Promise<void>;
  leases: number;
  usedAt: number;
}

/**
 * The hub's Git side of rendering: each commit is fetched once (shallow, into a repository cache in the data
 * directory, with the Source's credentials, which stay on the hub) and its tree written to a checkout directory once,
 * shared by every App and cluster rendered from it. Checkouts no render holds are removed beyond the newest few.
 */
@Injectable()
export class SourceCheckouts {
  private readonly logger = new Logger('rendering');
  private readonly cache: RepositoryCache;
  private readonly root: string;
  private readonly checkouts = new Map<string, Checkout>();
  /** Commits fetched from Git, for the tests and the logs. */
  fetches = 0;

  constructor(@Inject(HUB_CONFIG) config: HubConfig) {
    this.cache = new RepositoryCache({ dir: join(config.dataDir, 'git-cache'), hostPolicy: gitHostPolicyOf(config) });
    this.root = join(config.dataDir, 'checkouts');
  }

  /** Runs `use` with the directory holding the commit's whole tree, fetching and writing it first when needed. */
  async withCheckout<T>(request: CheckoutRequest, use: (dir: string) => Promise<T>): Promise<T> {
    const key = `${createHash('sha256').update(request.url).digest('hex').slice(0, 16)}-${request.commit}`;
    let checkout = this.checkouts.get(key);
    if (!checkout) {
      const dir = join(this.root, key);
      checkout = { dir, ready: this.write(request, dir), leases: 0, usedAt: Date.now() };
      this.checkouts.set(key, checkout);
      checkout.ready.catch(() => this.checkouts.delete(key));
    }
    checkout.leases++;
    checkout.usedAt = Date.now();
    try {
      await checkout.ready;
      return await use(checkout.dir);
    } finally {
      checkout.leases--;
      await this.evict();
    }
  }

  private async write(request: CheckoutRequest, dir: string): Promise<void> {
    const started = Date.now();
    const fetched = await this.cache.fetchCommit({ url: request.url, ref: request.ref, commit: request.commit, credentials: request.credentials ?? undefined });
    if (!fetched.isCached) this.fetches++;
    const partial = `${dir}.partial`;
    await rm(partial, { recursive: true, force: true });
    // Blobs as bytes, symlinks that stay inside the repository as symlinks (one leading out refuses the checkout).
    const written = await this.cache.checkout({ url: request.url, commit: request.commit, dir: partial });
    await rm(dir, { recursive: true, force: true });
    await rename(partial, dir);
    this.logger.log({ msg: 'checked out a commit', commit: request.commit, files: written.files, symlinks: written.symlinks, bytes: written.bytes, fetched: !fetched.isCached, durationMs: Date.now() - started });
  }

  private async evict(): Promise<void> {
    const idle = [...this.checkouts.entries()].filter(([, c]) => c.leases === 0).sort(([, a], [, b]) => b.usedAt - a.usedAt);
    for (const [key, checkout] of idle.slice(KEPT_CHECKOUTS)) {
      this.checkouts.delete(key);
      await rm(checkout.dir, { recursive: true, force: true });
    }
  }
}
