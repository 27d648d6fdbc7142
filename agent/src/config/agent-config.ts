import { parseSettings, type SettingsSource } from '@flotilla/core';
import { z } from 'zod';
import { checkTlsSettings, tlsSettings } from './tls-settings.js';

const ms = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

/** Every agent setting: `FLOTILLA_<KEY>` in the environment or `--<key>` on the command line. */
export const agentConfigSchema = z
  .object({
    hubAddress: z.string().regex(/^[^\s/]+:\d+$/, 'must be host:port of the hub gRPC services').describe('host:port of the hub gRPC services'),
    token: z.string().min(8).optional().describe("the cluster's join token (exchanged once for a credential kept in the state namespace) or credential"),
    tokenFile: z.string().min(1).optional().describe('file holding the credential, e.g. a mounted Secret'),
    cluster: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be the cluster name registered with the hub').describe('this cluster’s name in the hub'),
    kubeconfig: z.string().min(1).optional().describe('kubeconfig file; default $KUBECONFIG, then the in-cluster service account, then ~/.kube/config'),
    stateNamespace: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/).default('flotilla-system').describe('namespace of the agent’s state'),
    dataDir: z.string().min(1).default('./data/agent').describe('unused (deprecated): the agent keeps no Git cache any more; still accepted so existing deployments start'),
    concurrency: z.coerce.number().int().min(1).max(64).default(4).describe('apps reconciled at once'),
    applyConcurrency: z.coerce.number().int().min(1).max(256).default(16).describe('API requests in flight within one apply stage'),
    resyncIntervalMs: ms(1000, 86_400_000, 300_000).describe('every app is reconciled again this often'),
    driftCheckIntervalMs: ms(1000, 86_400_000, 300_000).describe('full drift comparison interval, for apps whose policy sets none'),
    reconnectBackoffMaxMs: ms(500, 120_000, 5_000).describe('longest wait between two tries to reach the hub (grpc-js reconnects from 1 s, growing by 1.6, up to this)'),
    outboxLimit: z.coerce.number().int().min(10).max(1_000_000).default(1000).describe('reports kept while the hub is unreachable'),
    metricsPort: z.coerce.number().int().min(0).max(65535).default(9100).describe('port of /metrics (Prometheus); 0 disables it'),
    metricsHost: z.string().min(1).default('0.0.0.0').describe('address /metrics listens on'),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    ...tlsSettings,
  })
  .strict()
  .refine((c) => c.token !== undefined || c.tokenFile !== undefined, { message: 'set FLOTILLA_TOKEN or FLOTILLA_TOKEN_FILE', path: ['token'] })
  .superRefine(checkTlsSettings);

/** The agent's validated configuration. */
export type AgentConfig = z.infer<typeof agentConfigSchema>;

/** Reads and validates the agent configuration; throws a ConfigError listing every bad key. */
export function parseAgentConfig(source: SettingsSource): AgentConfig {
  return parseSettings(agentConfigSchema, source);
}
