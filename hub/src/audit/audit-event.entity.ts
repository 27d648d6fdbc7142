import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { jsonColumn, timestampColumn } from '../database/columns.js';

/** One operation on the fleet: who did what to which target, and how it ended. */
@Entity({ name: 'audit_events' })
@Index(['createdAt'])
export class AuditEvent {
  @PrimaryGeneratedColumn()
  id!: number;

  /** Who: `token:<name>`, `agent:<cluster>`, `webhook:<source>`, `system`. */
  @Column({ type: 'varchar', length: 255 })
  actor!: string;

  /** What: `cluster.create`, `app.update`, `source.refresh`, ... */
  @Column({ type: 'varchar', length: 64 })
  action!: string;

  /** Which: `cluster/eu-1`, `app/web`. */
  @Column({ type: 'varchar', length: 255 })
  target!: string;

  /** `success` or `failure`. */
  @Column({ type: 'varchar', length: 16 })
  result!: 'success' | 'failure';

  /** Extra facts (changed fields, error code); never secrets. */
  @Column(jsonColumn())
  details!: Record<string, unknown>;

  @Column(timestampColumn())
  createdAt!: Date;
}
