import { readFileSync } from 'node:fs';
import { ServerCredentials } from '@grpc/grpc-js';
import { ConfigError, envName } from '@flotilla/core';
import type { HubConfig } from '../config/hub-config.js';

/** How the gRPC server is reached: plaintext, TLS, or mutual TLS. */
export type GrpcSecurity = 'plaintext' | 'tls' | 'mutual-tls';

/**
 * The gRPC server's credentials from the configuration: TLS with grpc-tls-cert and grpc-tls-key, mutual TLS (client
 * certificates signed by grpc-tls-client-ca required) when that is set too, plaintext otherwise. Unreadable files stop
 * the hub with a ConfigError naming the setting.
 */
export function serverCredentials(config: Pick<HubConfig, 'grpcTlsCert' | 'grpcTlsKey' | 'grpcTlsClientCa'>): { credentials: ServerCredentials; security: GrpcSecurity } {
  if (config.grpcTlsCert === undefined || config.grpcTlsKey === undefined) return { credentials: ServerCredentials.createInsecure(), security: 'plaintext' };
  const problems: Array<{ key: string; message: string }> = [];
  const read = (key: 'grpcTlsCert' | 'grpcTlsKey' | 'grpcTlsClientCa', path: string): Buffer => {
    try {
      const pem = readFileSync(path);
      if (!pem.toString('utf8').includes('-----BEGIN ')) problems.push({ key: envName(key), message: `${path} is not a PEM file` });
      return pem;
    } catch (error) {
      problems.push({ key: envName(key), message: `cannot read ${path}: ${(error as Error).message}` });
      return Buffer.alloc(0);
    }
  };
  const cert = read('grpcTlsCert', config.grpcTlsCert);
  const key = read('grpcTlsKey', config.grpcTlsKey);
  const clientCa = config.grpcTlsClientCa === undefined ? null : read('grpcTlsClientCa', config.grpcTlsClientCa);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    credentials: ServerCredentials.createSsl(clientCa, [{ cert_chain: cert, private_key: key }], clientCa !== null),
    security: clientCa === null ? 'tls' : 'mutual-tls',
  };
}
