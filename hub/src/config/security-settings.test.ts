import { randomBytes } from 'node:crypto';
import { ConfigError } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { parseHubConfig } from './hub-config.js';

const problems = (env: Record<string, string>): string[] => {
  try {
    parseHubConfig({ env });
  } catch (error) {
    return (error as ConfigError).problems.map((p) => `${p.key}: ${p.message}`);
  }
  return [];
};

describe('security settings of the hub', () => {
  it('default to no configured token or key, a week for join tokens, an hour of grace, and per-minute limits', () => {
    expect(parseHubConfig({ env: {} })).toMatchObject({
      joinTokenTtlSeconds: 604_800,
      credentialGraceSeconds: 3600,
      joinRateLimit: 30,
      webhookRateLimit: 120,
      webhookReplayWindowSeconds: 86_400,
    });
    const config = parseHubConfig({ env: {} });
    expect([config.adminToken, config.secretKey, config.grpcTlsCert]).toEqual([undefined, undefined, undefined]);
  });

  it('take keys as hex or base64, and refuse anything else naming the variable', () => {
    const key = randomBytes(32);
    expect(parseHubConfig({ env: { FLOTILLA_SECRET_KEY: key.toString('base64'), FLOTILLA_SECRET_KEY_PREVIOUS: `${key.toString('hex')}, ${key.toString('base64')}` } }).secretKey).toBe(
      key.toString('base64'),
    );
    expect(problems({ FLOTILLA_SECRET_KEY: 'secret', FLOTILLA_SECRET_KEY_PREVIOUS: `${key.toString('hex')},short` })).toEqual([
      'FLOTILLA_SECRET_KEY: must be 32 bytes as base64 (44 characters) or hex (64 characters)',
      'FLOTILLA_SECRET_KEY_PREVIOUS: must be comma-separated keys of 32 bytes (base64 or hex)',
    ]);
  });

  it('refuse a short admin token, and TLS files without their partner', () => {
    expect(problems({ FLOTILLA_ADMIN_TOKEN: 'admin', FLOTILLA_GRPC_TLS_CERT: '/tls.crt', FLOTILLA_GRPC_TLS_CLIENT_CA: '/ca.crt' })).toEqual([
      'FLOTILLA_ADMIN_TOKEN: must be at least 16 characters',
      'FLOTILLA_GRPC_TLS_KEY: is required with grpc-tls-cert',
    ]);
    expect(problems({ FLOTILLA_GRPC_TLS_KEY: '/tls.key', FLOTILLA_GRPC_TLS_CLIENT_CA: '/ca.crt' })).toEqual([
      'FLOTILLA_GRPC_TLS_CERT: is required with grpc-tls-key',
      'FLOTILLA_GRPC_TLS_CERT: mutual TLS (grpc-tls-client-ca) needs the server certificate too',
    ]);
  });

  it('refuse loopback, link-local and unspecified Git addresses by default, and stop at start on a malformed range', () => {
    expect(parseHubConfig({ env: {} })).toMatchObject({ gitDeniedAddresses: '127.0.0.0/8,::1/128,169.254.0.0/16,fe80::/10,0.0.0.0/8,::/128' });
    expect(problems({ FLOTILLA_GIT_ALLOWED_ADDRESSES: '127.0.0.1, 10.0.0.0/40' })).toEqual([
      'FLOTILLA_GIT_ALLOWED_ADDRESSES: allowed address "10.0.0.0/40" is not an IP address or CIDR range (10.0.0.0/8, ::1/128)',
    ]);
    expect(problems({ FLOTILLA_GIT_DENIED_ADDRESSES: 'loopback' })).toEqual([
      'FLOTILLA_GIT_DENIED_ADDRESSES: denied address "loopback" is not an IP address or CIDR range (10.0.0.0/8, ::1/128)',
    ]);
    expect(problems({ FLOTILLA_GIT_ALLOWED_ADDRESSES: '127.0.0.1', FLOTILLA_GIT_ALLOWED_HOSTS: 'git.example.com,*.corp.example' })).toEqual([]);
  });
});
