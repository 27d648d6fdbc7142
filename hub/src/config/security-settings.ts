import { DEFAULT_DENIED_GIT_ADDRESSES, GitHostPolicy } from '@flotilla/git';
import { z } from 'zod';
import { decodeSecretKey } from './secret-key.js';

const optionalFile = (what: string) => z.string().min(1).optional().describe(what);
const seconds = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);
const perMinute = (fallback: number) => z.coerce.number().int().min(1).max(100_000).default(fallback);

/** Hub settings of authentication, TLS, secrets and limits (part of hubConfigSchema). */
export const securitySettings = {
  adminToken: z
    .string()
    .min(16, 'must be at least 16 characters')
    .max(256)
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
    .optional()
    .describe('an API token with the admin role, named "admin"; without it (and without any token) one is made at first start and printed once'),
  secretKey: z
    .string()
    .refine((value) => decodeSecretKey(value) !== undefined, 'must be 32 bytes as base64 (44 characters) or hex (64 characters)')
    .optional()
    .describe('key sealing Git credentials and webhook secrets at rest (AES-256-GCM); default a key generated into <data-dir>/secret.key'),
  secretKeyPrevious: z
    .string()
    .refine((value) => value.split(',').every((key) => decodeSecretKey(key.trim()) !== undefined), 'must be comma-separated keys of 32 bytes (base64 or hex)')
    .optional()
    .describe('earlier secret keys, comma-separated: values sealed with them are re-sealed with secret-key at start'),
  grpcTlsCert: optionalFile('PEM certificate (chain) of the gRPC server; without it gRPC is plaintext'),
  grpcTlsKey: optionalFile('PEM private key of grpc-tls-cert'),
  grpcTlsClientCa: optionalFile('PEM CA bundle: when set, agents must present a client certificate it signed (mutual TLS)'),
  joinTokenTtlSeconds: seconds(60, 365 * 86_400, 7 * 86_400).describe('how long a join token can be exchanged for a credential'),
  credentialGraceSeconds: seconds(1, 30 * 86_400, 3600).describe('how long a rotated agent credential keeps working'),
  joinRateLimit: perMinute(30).describe('Join calls accepted per minute from one client address'),
  webhookRateLimit: perMinute(120).describe('webhook calls accepted per minute for one source from one client address'),
  webhookReplayWindowSeconds: seconds(1, 7 * 86_400, 86_400).describe('how long webhook delivery ids and bodies are remembered to refuse replays'),
  gitAllowedHosts: z
    .string()
    .optional()
    .describe('Git hosts a Source may name, comma-separated: names (git.example.com, *.example.com) or IP literals; empty: any host'),
  gitAllowedAddresses: z
    .string()
    .optional()
    .describe('IP addresses or CIDR ranges Git hosts may resolve to although git-denied-addresses holds them, comma-separated (127.0.0.1 for a Git server on this machine)'),
  gitDeniedAddresses: z
    .string()
    .default(DEFAULT_DENIED_GIT_ADDRESSES.join(','))
    .describe('IP addresses or CIDR ranges no Git host may resolve to, checked on every connection; default loopback, link-local and unspecified'),
};

/** The setting names a refused Git host is told to look at. */
const GIT_POLICY_HINT = ' (settings FLOTILLA_GIT_ALLOWED_HOSTS, FLOTILLA_GIT_ALLOWED_ADDRESSES, FLOTILLA_GIT_DENIED_ADDRESSES)';

const listOf = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');

/** The Git host policy the settings describe; throws a GitError naming a malformed address or range. */
export function gitHostPolicyOf(config: { gitAllowedHosts?: string; gitAllowedAddresses?: string; gitDeniedAddresses: string }): GitHostPolicy {
  return new GitHostPolicy({
    allowedHosts: listOf(config.gitAllowedHosts),
    allowedAddresses: listOf(config.gitAllowedAddresses),
    deniedAddresses: listOf(config.gitDeniedAddresses),
    hint: GIT_POLICY_HINT,
  });
}

/** Cross-key rules of the security settings, reported with the other configuration problems. */
export function checkSecuritySettings(
  config: { grpcTlsCert?: string; grpcTlsKey?: string; grpcTlsClientCa?: string; gitAllowedHosts?: string; gitAllowedAddresses?: string; gitDeniedAddresses: string },
  ctx: z.RefinementCtx,
): void {
  try {
    gitHostPolicyOf(config);
  } catch (error) {
    const message = (error as Error).message;
    ctx.addIssue({ code: 'custom', path: [message.startsWith('allowed') ? 'gitAllowedAddresses' : 'gitDeniedAddresses'], message });
  }
  if (config.grpcTlsCert !== undefined && config.grpcTlsKey === undefined) {
    ctx.addIssue({ code: 'custom', path: ['grpcTlsKey'], message: 'is required with grpc-tls-cert' });
  }
  if (config.grpcTlsKey !== undefined && config.grpcTlsCert === undefined) {
    ctx.addIssue({ code: 'custom', path: ['grpcTlsCert'], message: 'is required with grpc-tls-key' });
  }
  if (config.grpcTlsClientCa !== undefined && config.grpcTlsCert === undefined) {
    ctx.addIssue({ code: 'custom', path: ['grpcTlsCert'], message: 'mutual TLS (grpc-tls-client-ca) needs the server certificate too' });
  }
}
