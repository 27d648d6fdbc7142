import { Column, Entity, PrimaryColumn } from 'typeorm';
import { timestampColumn } from '../database/columns.js';

/** An App held at a commit on one cluster (by a rollback), whatever its branch does, until unpinned. */
@Entity({ name: 'pins' })
export class Pin {
  @PrimaryColumn({ type: 'varchar', length: 63 })
  appName!: string;

  @PrimaryColumn({ type: 'varchar', length: 63 })
  clusterName!: string;

  @Column({ type: 'varchar', length: 40 })
  commit!: string;

  /** The rollout that set the pin. */
  @Column({ type: 'integer', nullable: true })
  rolloutId!: number | null;

  @Column({ type: 'varchar', length: 255 })
  createdBy!: string;

  @Column(timestampColumn())
  createdAt!: Date;
}
