import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { counterColumn, jsonColumn, timestampColumn } from '../database/columns.js';
import type { ChangeCounts, ReportedError } from './status-types.js';

/** The latest reconcile outcome of one App on one cluster. */
@Entity({ name: 'cluster_app_statuses' })
@Index(['clusterName'])
export class ClusterAppStatus {
  @PrimaryColumn({ type: 'varchar', length: 63 })
  appName!: string;

  @PrimaryColumn({ type: 'varchar', length: 63 })
  clusterName!: string;

  @Column(counterColumn())
  generation!: number;

  /** Revision live on the cluster, `ref@sha1:<hex>`. */
  @Column({ type: 'varchar', length: 320, default: '' })
  revision!: string;

  @Column({ type: 'varchar', length: 16 })
  phase!: string;

  @Column({ type: 'varchar', length: 16 })
  health!: string;

  @Column(jsonColumn())
  changes!: ChangeCounts;

  @Column(jsonColumn())
  errors!: ReportedError[];

  @Column({ type: 'integer', default: 0 })
  durationMs!: number;

  /** Objects the App owns on the cluster, as `Kind/namespace/name`. */
  @Column(jsonColumn())
  inventory!: string[];

  /** Last report stored, so a report resent after a reconnect is stored once. */
  @Column({ type: 'varchar', length: 64, default: '' })
  lastReportId!: string;

  @Column(timestampColumn())
  updatedAt!: Date;
}
