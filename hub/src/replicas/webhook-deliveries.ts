import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/**
 * The webhook deliveries accepted recently, shared by the replicas (the `webhook_deliveries` table), so a replay is
 * refused whichever replica it reaches. Expiry is epoch ms of the accepting replica's clock: windows are hours, so
 * replicas' clocks a few seconds apart change nothing that matters. Expired rows are deleted by EventRetention.
 */
@Injectable()
export class WebhookDeliveries {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Records the keys of one delivery until `expiresAt`, all or none: returns the first key (in the given order) held
   * unexpired, and records nothing then. A key held but expired is taken over. Keys must not contain NUL.
   */
  async remember(keys: readonly string[], expiresAt: number, now = Date.now()): Promise<string | undefined> {
    const postgres = this.dataSource.options.type === 'postgres';
    const [p1, p2, p3] = postgres ? ['$1', '$2', '$3'] : ['?', '?', '?'];
    return this.dataSource.transaction(async (manager) => {
      const held: string[] = [];
      for (const key of keys) {
        // Inserted, or taken over when expired; a key another delivery holds unexpired returns no row.
        const rows = (await manager.query(
          `INSERT INTO webhook_deliveries ("key", "expiresAt") VALUES (${p1}, ${p2})
           ON CONFLICT ("key") DO UPDATE SET "expiresAt" = excluded."expiresAt" WHERE webhook_deliveries."expiresAt" <= ${p3}
           RETURNING "key"`,
          [key, expiresAt, now],
        )) as unknown[];
        if (rows.length === 0) held.push(key);
      }
      // Throwing rolls the keys this delivery inserted back; the repeated key is returned, not thrown.
      if (held.length > 0) throw new Repeated(keys.find((key) => held.includes(key)) as string);
      return undefined;
    }).catch((error: unknown) => {
      if (error instanceof Repeated) return error.key;
      throw error;
    });
  }

  /** Forgets keys, so a delivery that could not be handled can be sent again. */
  async forget(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.dataSource.createQueryBuilder().delete().from('webhook_deliveries').where('"key" IN (:...keys)', { keys: [...keys] }).execute();
  }
}

/** A key held unexpired: ends remember()'s transaction so nothing of the delivery is recorded. */
class Repeated extends Error {
  constructor(readonly key: string) {
    super(`webhook delivery key ${key} is held`);
  }
}
