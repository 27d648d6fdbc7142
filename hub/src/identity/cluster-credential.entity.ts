import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { timestampColumn } from '../database/columns.js';

/** `join`: a one-time token exchanged by AgentService.Join; `agent`: the long-lived credential of a cluster's agent. */
export type ClusterCredentialKind = 'join' | 'agent';

/** A secret of a cluster's agent, stored as its SHA-256 hash only. */
@Entity({ name: 'cluster_credentials' })
@Index(['clusterName'])
export class ClusterCredential {
  /** SHA-256 of the secret, hex. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  hash!: string;

  @Column({ type: 'varchar', length: 63 })
  clusterName!: string;

  @Column({ type: 'varchar', length: 8 })
  kind!: ClusterCredentialKind;

  @Column(timestampColumn())
  createdAt!: Date;

  /** After this the secret is refused (a join token's lifetime, a rotated credential's grace); null: no end. */
  @Column(timestampColumn({ nullable: true }))
  expiresAt!: Date | null;
}
