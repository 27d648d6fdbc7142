import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { timestampColumn } from '../database/columns.js';
import type { Role } from './role.js';

/** A REST API token: its name and role; the token itself is shown once and stored as a SHA-256 hash. */
@Entity({ name: 'api_tokens' })
export class ApiToken {
  /** Unique name, a DNS label; the audit log's actor is `token:<name>`. */
  @PrimaryColumn({ type: 'varchar', length: 63 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  role!: Role;

  /** SHA-256 of the token, hex. */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64 })
  tokenHash!: string;

  /** Who created it (`token:<name>`, `config`, `bootstrap`). */
  @Column({ type: 'varchar', length: 255 })
  createdBy!: string;

  @Column(timestampColumn())
  createdAt!: Date;

  /** After this the token is refused; null when it does not expire. */
  @Column(timestampColumn({ nullable: true }))
  expiresAt!: Date | null;

  /** Last accepted use, updated at most once a minute. */
  @Column(timestampColumn({ nullable: true }))
  lastUsedAt!: Date | null;
}
