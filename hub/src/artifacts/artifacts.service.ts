import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { artifactDigest, type EncodedArtifact } from '@flotilla/core';
import { LessThan, Repository } from 'typeorm';
import { ArtifactRecord } from './artifact-record.entity.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** An artifact as an assignment names it. */
export interface ArtifactRef {
  digest: string;
  size: number;
}

/**
 * The hub's content-addressed store of rendered artifacts: stored once per digest (gzip-compressed), read back and
 * checked against the digest. Artifacts nothing refers to any more are collected by ArtifactRetention.
 */
@Injectable()
export class ArtifactsService {
  private readonly logger = new Logger('artifacts');

  constructor(@InjectRepository(ArtifactRecord) private readonly records: Repository<ArtifactRecord>) {}

  /** Stores an artifact unless its digest is stored already (then only its last use moves); returns its ref. */
  async put(artifact: EncodedArtifact): Promise<ArtifactRef> {
    const now = new Date();
    const ref = { digest: artifact.digest, size: artifact.bytes.byteLength };
    if (await this.records.existsBy({ digest: artifact.digest })) {
      await this.records.update({ digest: artifact.digest }, { lastUsedAt: now });
      return ref;
    }
    const compressed = await gzipAsync(artifact.bytes);
    await this.records
      .createQueryBuilder()
      .insert()
      .values({ digest: artifact.digest, size: ref.size, storedBytes: compressed.byteLength, data: compressed.toString('base64'), createdAt: now, lastUsedAt: now })
      .orIgnore()
      .execute();
    this.logger.log({ msg: 'stored an artifact', digest: artifact.digest, size: ref.size, storedBytes: compressed.byteLength });
    return ref;
  }

  /** Whether an artifact is stored. */
  has(digest: string): Promise<boolean> {
    return this.records.existsBy({ digest });
  }

  /** An artifact's canonical bytes, checked against its digest; null when it is not stored. */
  async read(digest: string): Promise<Buffer | null> {
    const record = await this.records.findOneBy({ digest });
    if (!record) return null;
    const bytes = await gunzipAsync(Buffer.from(record.data, 'base64'));
    const actual = artifactDigest(bytes);
    if (actual !== digest) throw new Error(`stored artifact ${digest} hashes to ${actual}: the artifacts table is corrupt`);
    return bytes;
  }

  /** Records that an artifact was used now (fetched by an agent). */
  async touch(digest: string): Promise<void> {
    await this.records.update({ digest }, { lastUsedAt: new Date() });
  }

  /**
   * Deletes artifacts not used since `unusedSince` that no assignment and no history entry names (history keeps
   * what a rollback may return to); returns how many went.
   */
  async collect(unusedSince: Date): Promise<number> {
    const escape = (name: string): string => this.records.manager.connection.driver.escape(name);
    const digest = escape('artifactDigest');
    const candidates = await this.records
      .createQueryBuilder('a')
      .select('a.digest', 'digest')
      .where({ lastUsedAt: LessThan(unusedSince) })
      .andWhere(`a.digest NOT IN (SELECT ${digest} FROM ${escape('assignments')} WHERE ${digest} IS NOT NULL)`)
      .andWhere(`a.digest NOT IN (SELECT ${digest} FROM ${escape('history')} WHERE ${digest} IS NOT NULL)`)
      .getRawMany<{ digest: string }>();
    if (candidates.length === 0) return 0;
    await this.records.delete(candidates.map((row) => row.digest));
    this.logger.log({ msg: 'collected unreferenced artifacts', artifacts: candidates.length });
    return candidates.length;
  }
}
