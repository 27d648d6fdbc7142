import type { ColumnOptions, ValueTransformer } from 'typeorm';

// Portable column shapes: the same entity works on SQLite and PostgreSQL.

const epochMillis: ValueTransformer = {
  to: (value: Date | null | undefined) => (value == null ? value : value.getTime()),
  // PostgreSQL returns bigint as a string.
  from: (value: string | number | null) => (value == null ? null : new Date(Number(value))),
};

/** A point in time stored as epoch milliseconds (bigint), read back as a Date. */
export function timestampColumn(options: { nullable?: boolean } = {}): ColumnOptions {
  return { type: 'bigint', transformer: epochMillis, nullable: options.nullable ?? false };
}

/** A JSON value stored as text. */
export function jsonColumn(options: { nullable?: boolean } = {}): ColumnOptions {
  return { type: 'simple-json', nullable: options.nullable ?? false };
}

const bigintNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value == null ? null : Number(value)),
};

/** A 64-bit counter (generations) read back as a number. */
export function counterColumn(options: { default?: number } = {}): ColumnOptions {
  return { type: 'bigint', transformer: bigintNumber, default: options.default ?? 0 };
}

/** A 64-bit size in bytes read back as a number; nullable when asked. */
export function sizeColumn(options: { nullable?: boolean } = {}): ColumnOptions {
  return { type: 'bigint', transformer: bigintNumber, nullable: options.nullable ?? false };
}
