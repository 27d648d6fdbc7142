import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { counterColumn, jsonColumn, timestampColumn } from '../database/columns.js';
import type { ChangeCounts, HistoryOutcome } from './status-types.js';

/** One revision applied to one cluster for one App, and its outcome. Bounded per App and cluster. */
@Entity({ name: 'history' })
@Index(['appName', 'clusterName', 'id'])
export class HistoryEntry {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 63 })
  appName!: string;

  @Column({ type: 'varchar', length: 63 })
  clusterName!: string;

  @Column({ type: 'varchar', length: 320 })
  revision!: string;

  @Column(counterColumn())
  generation!: number;

  @Column({ type: 'varchar', length: 16 })
  outcome!: HistoryOutcome;

  @Column(jsonColumn())
  changes!: ChangeCounts;

  @Column({ type: 'text', default: '' })
  message!: string;

  /** The artifact the reported generation applied (so a rollback can name it); null when unknown. */
  @Column({ type: 'varchar', length: 71, nullable: true })
  artifactDigest!: string | null;

  @Column(timestampColumn())
  createdAt!: Date;
}
