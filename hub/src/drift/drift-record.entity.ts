import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { counterColumn, jsonColumn, timestampColumn } from '../database/columns.js';
import type { DriftAction, FieldDiffView } from './drift-report.js';

/** One object of one App that is drifted on one cluster now, as its agent last reported it. */
@Entity({ name: 'drift_records' })
@Index(['clusterName', 'appName'])
@Index(['appName'])
export class DriftRecord {
  /** `cluster/app/group/kind/namespace/name`: unique, and the order of listings. */
  @PrimaryColumn({ type: 'varchar', length: 760 })
  id!: string;

  @Column({ type: 'varchar', length: 63 })
  clusterName!: string;

  @Column({ type: 'varchar', length: 63 })
  appName!: string;

  /** API group, empty for the core group. */
  @Column({ type: 'varchar', length: 253, default: '' })
  apiGroup!: string;

  @Column({ type: 'varchar', length: 63, default: '' })
  version!: string;

  @Column({ type: 'varchar', length: 63 })
  kind!: string;

  @Column({ type: 'varchar', length: 63, default: '' })
  namespace!: string;

  @Column({ type: 'varchar', length: 253 })
  name!: string;

  /** The object is gone from the cluster. */
  @Column({ type: 'boolean', default: false })
  deleted!: boolean;

  @Column(jsonColumn())
  diffs!: FieldDiffView[];

  /** The field manager that made the change; empty when managedFields do not tell. */
  @Column({ type: 'varchar', length: 255, default: '' })
  manager!: string;

  @Column(timestampColumn({ nullable: true }))
  changedAt!: Date | null;

  @Column(timestampColumn())
  detectedAt!: Date;

  /** reported | corrected | fighting */
  @Column({ type: 'varchar', length: 16 })
  action!: DriftAction;

  @Column({ type: 'integer', default: 0 })
  corrections!: number;

  /** The assignment generation whose desired state was compared. */
  @Column(counterColumn())
  generation!: number;

  @Column(timestampColumn())
  updatedAt!: Date;
}
