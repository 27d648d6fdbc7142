import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { timestampColumn } from '../database/columns.js';

/** One commit of a Source, recorded when the hub first saw its ref point at it. */
@Entity({ name: 'revisions' })
@Index(['sourceName', 'ref', 'commit'], { unique: true })
export class Revision {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 63 })
  sourceName!: string;

  @Column({ type: 'varchar', length: 255 })
  ref!: string;

  @Column({ type: 'varchar', length: 40 })
  commit!: string;

  /** How it was found: a poll or a webhook. */
  @Column({ type: 'varchar', length: 16 })
  trigger!: 'poll' | 'webhook' | 'create';

  @Column(timestampColumn())
  createdAt!: Date;
}
