import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { ConfigError, envName } from '@flotilla/core';
import type { AgentConfig } from '../config/agent-config.js';

/** The channel to the hub: credentials, and the client options TLS needs (a server name override). */
export interface HubChannel {
  credentials: grpc.ChannelCredentials;
  options: grpc.ClientOptions;
  security: 'plaintext' | 'tls' | 'mutual-tls';
}

/**
 * TLS to the hub by default (the system's roots, or hub-ca-file), with a client certificate for mutual TLS when
 * tls-cert-file is set; plaintext only with `insecure`. Unreadable files are a ConfigError naming the setting.
 */
export function hubChannel(config: Pick<AgentConfig, 'hubCaFile' | 'tlsCertFile' | 'tlsKeyFile' | 'hubServerName' | 'insecure'>): HubChannel {
  if (config.insecure) return { credentials: grpc.credentials.createInsecure(), options: {}, security: 'plaintext' };
  const problems: Array<{ key: string; message: string }> = [];
  const read = (key: 'hubCaFile' | 'tlsCertFile' | 'tlsKeyFile', path: string | undefined): Buffer | null => {
    if (path === undefined) return null;
    try {
      return readFileSync(path);
    } catch (error) {
      problems.push({ key: envName(key), message: `cannot read ${path}: ${(error as Error).message}` });
      return null;
    }
  };
  const ca = read('hubCaFile', config.hubCaFile);
  const cert = read('tlsCertFile', config.tlsCertFile);
  const key = read('tlsKeyFile', config.tlsKeyFile);
  if (problems.length > 0) throw new ConfigError(problems);
  const options: grpc.ClientOptions = config.hubServerName ? { 'grpc.ssl_target_name_override': config.hubServerName, 'grpc.default_authority': config.hubServerName } : {};
  return { credentials: grpc.credentials.createSsl(ca, key, cert), options, security: cert ? 'mutual-tls' : 'tls' };
}
