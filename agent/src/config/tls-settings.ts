import { z } from 'zod';

/** Agent settings of the connection's transport security (part of agentConfigSchema). */
export const tlsSettings = {
  hubCaFile: z.string().min(1).optional().describe("PEM CA bundle to verify the hub's certificate with; default the system's roots"),
  tlsCertFile: z.string().min(1).optional().describe('PEM client certificate, for a hub that requires mutual TLS'),
  tlsKeyFile: z.string().min(1).optional().describe('PEM private key of tls-cert-file'),
  hubServerName: z.string().min(1).max(253).optional().describe("name to check the hub's certificate against, when it differs from the host of hub-address"),
  insecure: z.stringbool().default(false).describe('talk to the hub in plaintext (development only: credentials travel in clear)'),
};

/** Cross-key rules of the TLS settings, reported with the other configuration problems. */
export function checkTlsSettings(
  config: { tlsCertFile?: string; tlsKeyFile?: string; insecure: boolean; hubCaFile?: string },
  ctx: z.RefinementCtx,
): void {
  if ((config.tlsCertFile === undefined) !== (config.tlsKeyFile === undefined)) {
    ctx.addIssue({ code: 'custom', path: [config.tlsCertFile === undefined ? 'tlsCertFile' : 'tlsKeyFile'], message: 'tls-cert-file and tls-key-file go together' });
  }
  if (config.insecure && (config.hubCaFile !== undefined || config.tlsCertFile !== undefined)) {
    ctx.addIssue({ code: 'custom', path: ['insecure'], message: 'cannot be true together with TLS files' });
  }
}
