import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { jsonColumn, timestampColumn } from '../database/columns.js';
import type { RolloutKind, RolloutState } from './rollout-states.js';
import type { RolloutStrategy } from '../apps/rollout-strategy.js';

/** One App moving to one revision across a set of its clusters, wave by wave. */
@Entity({ name: 'rollouts' })
@Index(['appName', 'id'])
export class Rollout {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 63 })
  appName!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: RolloutKind;

  @Column({ type: 'varchar', length: 63 })
  sourceName!: string;

  /** The source's ref when the rollout started; the revision is `ref@sha1:commit`. */
  @Column({ type: 'varchar', length: 255 })
  ref!: string;

  /** The commit rolled out. */
  @Column({ type: 'varchar', length: 40 })
  commit!: string;

  @Column({ type: 'varchar', length: 16 })
  state!: RolloutState;

  /** The strategy as it was when the rollout started; later changes of the App's strategy do not affect it. */
  @Column(jsonColumn())
  strategy!: RolloutStrategy;

  /** Why it halted, was aborted, or what it is doing. */
  @Column({ type: 'text', default: '' })
  message!: string;

  /** Who started it: an operator for rollbacks, `system` for new revisions. */
  @Column({ type: 'varchar', length: 255 })
  createdBy!: string;

  @Column(timestampColumn())
  createdAt!: Date;

  @Column(timestampColumn())
  updatedAt!: Date;

  /** When no cluster of it waits for anything any more; null while it does. */
  @Column(timestampColumn({ nullable: true }))
  finishedAt!: Date | null;
}
