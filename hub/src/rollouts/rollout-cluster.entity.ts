import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { counterColumn, timestampColumn } from '../database/columns.js';
import type { ClusterRolloutState } from './rollout-states.js';

/** One cluster of a rollout: its wave and where it is. The newest row of an app and cluster is `current`. */
@Entity({ name: 'rollout_clusters' })
@Index(['appName', 'current'])
export class RolloutCluster {
  @PrimaryColumn({ type: 'integer' })
  rolloutId!: number;

  @PrimaryColumn({ type: 'varchar', length: 63 })
  clusterName!: string;

  @Column({ type: 'varchar', length: 63 })
  appName!: string;

  /** Order within the rollout: canaries first, then by name. */
  @Column({ type: 'integer' })
  position!: number;

  /** Wave index; 0 is the canary wave when there is one. */
  @Column({ type: 'integer' })
  wave!: number;

  @Column({ type: 'boolean', default: false })
  canary!: boolean;

  /** True for the newest rollout that took this cluster: that rollout decides the cluster's commit. */
  @Column({ type: 'boolean', default: true })
  current!: boolean;

  @Column({ type: 'varchar', length: 16 })
  state!: ClusterRolloutState;

  /** Commit the cluster had when it joined the rollout (what a rollback returns it to); null when it had none. */
  @Column({ type: 'varchar', length: 40, nullable: true })
  fromCommit!: string | null;

  /** First assignment generation carrying the commit this cluster is moving to; 0 until known. */
  @Column(counterColumn())
  generation!: number;

  @Column(timestampColumn({ nullable: true }))
  startedAt!: Date | null;

  /** When its agent first reported the revision healthy. */
  @Column(timestampColumn({ nullable: true }))
  healthySince!: Date | null;

  @Column(timestampColumn({ nullable: true }))
  finishedAt!: Date | null;

  /** Why it failed, or what it waits for. */
  @Column({ type: 'text', default: '' })
  message!: string;
}
