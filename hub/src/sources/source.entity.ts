import { Column, Entity, PrimaryColumn } from 'typeorm';
import { timestampColumn } from '../database/columns.js';

/** Credentials of a Source's repository, in clear (they are stored sealed: see secrets/source-secrets.ts). */
export interface StoredGitCredentials {
  username: string;
  password: string;
}

/** A Git repository and ref the hub tracks. */
@Entity({ name: 'sources' })
export class Source {
  @PrimaryColumn({ type: 'varchar', length: 63 })
  name!: string;

  /** HTTP(S) clone URL. */
  @Column({ type: 'varchar', length: 2048 })
  url!: string;

  /** Branch or tag followed ("main", "refs/tags/v1"). */
  @Column({ type: 'varchar', length: 255 })
  ref!: string;

  /** Seconds between polls of the ref. */
  @Column({ type: 'integer' })
  pollIntervalSeconds!: number;

  /** Basic-auth credentials, sealed (AES-256-GCM, SourceSecrets opens them); null for a public repository. */
  @Column({ type: 'text', nullable: true })
  credentials!: string | null;

  /** Secret that signs webhook deliveries (X-Hub-Signature-256), sealed like credentials; null refuses webhooks. */
  @Column({ type: 'text', nullable: true })
  webhookSecret!: string | null;

  /** Commit the ref resolved to last. */
  @Column({ type: 'varchar', length: 40, nullable: true })
  commit!: string | null;

  /** When the ref was last resolved (successfully or not). */
  @Column(timestampColumn({ nullable: true }))
  checkedAt!: Date | null;

  /** Why the last resolution failed; null when it succeeded. */
  @Column({ type: 'text', nullable: true })
  lastError!: string | null;

  @Column(timestampColumn())
  createdAt!: Date;

  @Column(timestampColumn())
  updatedAt!: Date;
}
