import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A webhook delivery accepted recently (by id or body digest), shared by the replicas to refuse replays. */
@Entity({ name: 'webhook_deliveries' })
export class WebhookDelivery {
  /** `<source>/id/<delivery id>` or `<source>/body/<sha256>`. */
  @PrimaryColumn({ type: 'varchar', length: 400 })
  key!: string;

  /** Epoch milliseconds; past it the delivery is forgotten. */
  @Column({ type: 'bigint' })
  expiresAt!: string | number;
}
