import { Column, Entity, PrimaryColumn } from 'typeorm';
import { jsonColumn, timestampColumn } from '../database/columns.js';

/** One Kubernetes cluster registered with the hub. */
@Entity({ name: 'clusters' })
export class Cluster {
  /** Unique name, a DNS label. */
  @PrimaryColumn({ type: 'varchar', length: 63 })
  name!: string;

  /** Labels matched by App target selectors. */
  @Column(jsonColumn())
  labels!: Record<string, string>;

  /** True while an agent stream is open and heartbeating (on any hub replica). */
  @Column({ type: 'boolean', default: false })
  connected!: boolean;

  /** The hub replica (its id) that holds the agent's stream while connected; null when none does. */
  @Column({ type: 'varchar', length: 128, nullable: true })
  replica!: string | null;

  /** Last heartbeat received. */
  @Column(timestampColumn({ nullable: true }))
  lastHeartbeatAt!: Date | null;

  /** Version the agent reported. */
  @Column({ type: 'varchar', length: 64, default: '' })
  agentVersion!: string;

  /** Kubernetes version the agent reported. */
  @Column({ type: 'varchar', length: 64, default: '' })
  kubernetesVersion!: string;

  @Column(timestampColumn())
  createdAt!: Date;

  @Column(timestampColumn())
  updatedAt!: Date;
}
