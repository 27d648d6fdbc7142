import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from './database-unavailable.js';

const withCode = (message: string, code?: string): Error => Object.assign(new Error(message), code === undefined ? {} : { code });

describe('isDatabaseUnavailable', () => {
  it('recognises refused, reset and lost connections, directly or as the driver error of a failed query', () => {
    expect(isDatabaseUnavailable(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('read ECONNRESET'), { driverError: withCode('read ECONNRESET', 'ECONNRESET') }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Client has encountered a connection error and is not queryable'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('outer', { cause: withCode('x', 'ETIMEDOUT') }))).toBe(true);
  });

  it('recognises a server shutting down, starting, out of slots, or a connection exception', () => {
    for (const code of ['57P01', '57P03', '53300', '08006', '08001']) expect(isDatabaseUnavailable(withCode('server says no', code)), code).toBe(true);
  });

  it('does not take a wrong query or bad data for an outage', () => {
    for (const code of ['22021', '22003', '23505', '42P01', 'SQLITE_CONSTRAINT']) expect(isDatabaseUnavailable(withCode('query failed', code)), code).toBe(false);
    expect(isDatabaseUnavailable(new Error('invalid byte sequence for encoding "UTF8": 0x00'))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
    expect(isDatabaseUnavailable('ECONNREFUSED')).toBe(false);
  });
});
