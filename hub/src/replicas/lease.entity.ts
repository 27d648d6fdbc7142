import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Work that must happen once among the replicas: held by one replica until it expires or is released. */
@Entity({ name: 'leases' })
export class Lease {
  /** What the lease is for, e.g. `source-poller` or `rollout/<app>`. */
  @PrimaryColumn({ type: 'varchar', length: 255 })
  name!: string;

  /** The replica id (see Replica) that holds it. */
  @Column({ type: 'varchar', length: 128 })
  holder!: string;

  /** Epoch milliseconds. */
  @Column({ type: 'bigint' })
  acquiredAt!: string | number;

  /** Epoch milliseconds; past it any replica may take the lease. */
  @Column({ type: 'bigint' })
  expiresAt!: string | number;
}
