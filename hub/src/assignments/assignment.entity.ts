import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { counterColumn, jsonColumn, sizeColumn, timestampColumn } from '../database/columns.js';
import type { AppPolicy } from '../apps/app-policy.js';

/** What one cluster must run for one App. Level-triggered: the whole desired state, with a generation. */
@Entity({ name: 'assignments' })
@Index(['clusterName'])
export class Assignment {
  @PrimaryColumn({ type: 'varchar', length: 63 })
  appName!: string;

  @PrimaryColumn({ type: 'varchar', length: 63 })
  clusterName!: string;

  /** Increases whenever the desired state below changes (and when the App is removed from the cluster). */
  @Column(counterColumn())
  generation!: number;

  /** Generation the agent last reported as reconciled. */
  @Column(counterColumn())
  ackedGeneration!: number;

  /** False once the App no longer targets the cluster; the row stays until the agent acks the removal. */
  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @Column({ type: 'varchar', length: 63 })
  sourceName!: string;

  @Column({ type: 'varchar', length: 2048 })
  sourceUrl!: string;

  @Column({ type: 'varchar', length: 255 })
  ref!: string;

  /** Commit to apply; null while the source has not been resolved yet. */
  @Column({ type: 'varchar', length: 40, nullable: true })
  commit!: string | null;

  @Column({ type: 'varchar', length: 1024 })
  path!: string;

  /** Variables after merging the App's with the cluster's name and labels. */
  @Column(jsonColumn())
  variables!: Record<string, string>;

  @Column({ type: 'varchar', length: 63 })
  defaultNamespace!: string;

  @Column(jsonColumn())
  policy!: AppPolicy;

  /** Pinned at this commit by a rollback or pin; new branch commits do not move it. */
  @Column({ type: 'boolean', default: false })
  pinned!: boolean;

  /** The rendered objects to apply, `sha256:<hex>` (see the artifacts module); null in rows written before rendering. */
  @Column({ type: 'varchar', length: 71, nullable: true })
  artifactDigest!: string | null;

  /** Length of the artifact's canonical bytes. */
  @Column(sizeColumn({ nullable: true }))
  artifactSize!: number | null;

  @Column(timestampColumn())
  updatedAt!: Date;
}

/** The fields of an assignment a status view shows. */
export type AssignmentSummary = Pick<Assignment, 'clusterName' | 'active' | 'commit' | 'ref' | 'generation' | 'pinned'>;
