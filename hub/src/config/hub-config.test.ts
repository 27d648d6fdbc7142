import { describe, expect, it } from 'vitest';
import { ConfigError } from '@flotilla/core';
import { parseHubConfig } from './hub-config.js';

describe('parseHubConfig', () => {
  it('defaults to SQLite in ./data with the REST API on 8080 and gRPC on 9090', () => {
    const config = parseHubConfig({ env: {} });
    expect(config).toMatchObject({ httpPort: 8080, grpcPort: 9090, dataDir: './data', logLevel: 'info' });
    expect(config.databaseUrl).toBeUndefined();
  });

  it('reads FLOTILLA_ variables and lets flags override them', () => {
    const config = parseHubConfig({
      env: { FLOTILLA_HTTP_PORT: '8000', FLOTILLA_DATABASE_URL: 'postgres://db/flotilla' },
      argv: ['--http-port', '8001'],
    });
    expect(config.httpPort).toBe(8001);
    expect(config.databaseUrl).toBe('postgres://db/flotilla');
  });

  it('lists every bad key by the name the user gave it', () => {
    let error: unknown;
    try {
      parseHubConfig({ env: { FLOTILLA_HTTP_PORT: 'eighty', FLOTILLA_DATABASE_URL: 'mysql://x' }, argv: ['--log-level', 'loud'] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const keys = (error as ConfigError).problems.map((p) => p.key).sort();
    expect(keys).toEqual(['--log-level', 'FLOTILLA_DATABASE_URL', 'FLOTILLA_HTTP_PORT']);
    expect((error as ConfigError).message).toContain('FLOTILLA_DATABASE_URL: must start with postgres://');
  });

  it('refuses an unknown flag', () => {
    expect(() => parseHubConfig({ argv: ['--http-prot', '1'] })).toThrow(/http-prot/);
  });
});
