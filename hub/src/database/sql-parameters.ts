import type { Driver } from 'typeorm';

/**
 * The bound values of one hand-written statement, each written as the driver's placeholder (`$1` on PostgreSQL, `?` on
 * SQLite): for the multi-row statements of hot paths, where TypeORM's query building costs more than the database.
 */
export class SqlParameters {
  readonly values: unknown[] = [];

  constructor(private readonly driver: Driver) {}

  /** Binds a value; returns its placeholder. */
  add(value: unknown): string {
    this.values.push(value);
    return this.driver.createParameter(`p${this.values.length}`, this.values.length - 1);
  }

  /** Binds values as one row of a VALUES list: `(?, ?, ?)`. */
  row(values: readonly unknown[]): string {
    return `(${values.map((value) => this.add(value)).join(', ')})`;
  }
}
