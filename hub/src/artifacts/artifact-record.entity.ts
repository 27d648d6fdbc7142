import { Column, Entity, PrimaryColumn } from 'typeorm';
import { sizeColumn, timestampColumn } from '../database/columns.js';

/** One stored artifact: its canonical bytes, gzip-compressed, named by their digest. */
@Entity({ name: 'artifacts' })
export class ArtifactRecord {
  /** `sha256:<64 hex>` of the canonical (uncompressed) bytes. */
  @PrimaryColumn({ type: 'varchar', length: 71 })
  digest!: string;

  /** Length of the canonical bytes. */
  @Column(sizeColumn())
  size!: number;

  /** Length of the compressed bytes. */
  @Column(sizeColumn())
  storedBytes!: number;

  /** The compressed bytes, base64 (a text column reads the same on SQLite and PostgreSQL). */
  @Column({ type: 'text' })
  data!: string;

  @Column(timestampColumn())
  createdAt!: Date;

  /** Last time an assignment named it or an agent fetched it. */
  @Column(timestampColumn())
  lastUsedAt!: Date;
}
