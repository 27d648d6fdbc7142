import { z } from 'zod';
import { parseSettings, type SettingsSource } from '@flotilla/core';
import { checkSecuritySettings, securitySettings } from './security-settings.js';

const port = z.coerce.number().int().min(0).max(65535);

/** Every hub setting: `FLOTILLA_<KEY>` in the environment or `--<key>` on the command line. */
export const hubConfigSchema = z
  .object({
    httpHost: z.string().min(1).default('0.0.0.0').describe('address the REST API listens on'),
    httpPort: port.default(8080).describe('port of the REST API, /healthz and /metrics'),
    grpcHost: z.string().min(1).default('0.0.0.0').describe('address the gRPC services listen on'),
    grpcPort: port.default(9090).describe('port of AgentService and StatusService'),
    dataDir: z.string().min(1).default('./data').describe('directory of the SQLite file and caches'),
    databaseUrl: z
      .string()
      .regex(/^(postgres(ql)?|sqlite):\/\//, 'must start with postgres://, postgresql:// or sqlite://')
      .optional()
      .describe('postgres://… switches to PostgreSQL; default is a SQLite file in the data directory'),
    maxBodyBytes: z.coerce.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024).describe('largest REST request body accepted'),
    pollTickMs: z.coerce.number().int().min(100).max(60_000).default(1000).describe('how often the poller looks for sources due a refresh'),
    heartbeatIntervalMs: z.coerce.number().int().min(100).max(300_000).default(10_000).describe('how often agents send heartbeats'),
    heartbeatTimeoutMs: z.coerce.number().int().min(300).max(900_000).default(30_000).describe('silence after which an agent counts as disconnected'),
    grpcMaxMessageBytes: z.coerce.number().int().min(64 * 1024).max(256 * 1024 * 1024).default(16 * 1024 * 1024).describe('largest gRPC message accepted or sent'),
    kustomizePath: z.string().min(1).optional().describe('kustomize binary the hub renders Kustomize paths with; default: kustomize on PATH'),
    renderConcurrency: z.coerce.number().int().min(1).max(64).default(4).describe('most renderer runs (kustomize builds) at once'),
    renderTimeoutMs: z.coerce.number().int().min(1000).max(600_000).default(60_000).describe('a renderer run taking longer fails the render'),
    renderMaxOutputBytes: z.coerce
      .number()
      .int()
      .min(64 * 1024)
      .max(1024 * 1024 * 1024)
      .default(64 * 1024 * 1024)
      .describe('a renderer run writing more fails the render'),
    eventRetentionSeconds: z.coerce
      .number()
      .int()
      .min(60)
      .max(30 * 86_400)
      .default(3600)
      .describe('how long the fleet event log (shared by replicas; status-stream resume) keeps events'),
    leaseTtlMs: z.coerce.number().int().min(1000).max(300_000).default(15_000).describe('a lease (work done once among replicas) not renewed this long passes to another replica'),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('log level'),
    ...securitySettings,
  })
  .strict()
  .superRefine(checkSecuritySettings);

/** The hub's validated configuration. */
export type HubConfig = z.infer<typeof hubConfigSchema>;

/** Reads and validates the hub configuration; throws a ConfigError listing every bad key. */
export function parseHubConfig(source: SettingsSource): HubConfig {
  return parseSettings(hubConfigSchema, source);
}
