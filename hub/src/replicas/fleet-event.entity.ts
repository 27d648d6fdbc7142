import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One entry of the fleet event log, which every replica follows in `id` order. */
@Entity({ name: 'fleet_events' })
export class FleetEventRow {
  /** The global sequence (bigint on PostgreSQL, read back as a string there). */
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: string | number;

  /** Which kind of event: the topic its subscribers follow. */
  @Column({ type: 'varchar', length: 32 })
  topic!: string;

  /** The replica that appended it. */
  @Column({ type: 'varchar', length: 128 })
  origin!: string;

  @Column({ type: 'varchar', length: 253, nullable: true })
  cluster!: string | null;

  @Column({ type: 'varchar', length: 253, nullable: true })
  app!: string | null;

  /** The event as JSON. */
  @Column({ type: 'text' })
  payload!: string;

  /** Epoch milliseconds. */
  @Column({ type: 'bigint' })
  createdAt!: string | number;
}
