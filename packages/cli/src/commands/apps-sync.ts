import type { AppSyncView } from '@flotilla/api';
import type { HubClient } from '../client/hub-client.js';
import { CliError } from '../errors/cli-error.js';
import { Progress } from '../output/progress.js';
import { listOption, numberOption } from './arguments.js';
import { type CommandArgs, type CommandContext, printData } from './command.js';
import { formatStatusTable } from './status-table.js';

/** What an agent said of a sync it was sent: carried out (its reconcile synced), or why not. */
interface SyncResult {
  ok: boolean;
  message: string;
}

/**
 * `flotilla apps sync NAME [--cluster NAME]... [--wait]`: asks the agents to reconcile the app now (its current
 * generation applied again, drift undone whatever the policy); with --wait, until each agent has answered that it did
 * (its CommandResult, which the hub keeps in the audit log). Exit status 1 when a cluster could not be asked (agent
 * not connected) or, with --wait, its reconcile failed.
 */
export async function runAppsSync(context: CommandContext, args: CommandArgs, name: string): Promise<number> {
  const hub = context.hub();
  const clusters = listOption(args, 'cluster');
  const answer = await hub.syncApp(name, clusters.length > 0 ? { clusters } : {});
  const sent = answer.clusters.filter((c) => c.sent).map((c) => c.cluster);
  const missed = answer.clusters.filter((c) => !c.sent).map((c) => c.cluster);
  if (!args.values.wait || sent.length === 0) {
    if (context.output !== 'table') printData(context, answer);
    else context.stdout.write(describeSync(answer, sent, missed));
    return missed.length > 0 ? 1 : 0;
  }
  const timeoutSeconds = numberOption(args, 'timeout', { min: 1, max: 86_400 }) ?? 300;
  const progress = new Progress(context.stderr, context.style);
  progress.update(`asked ${sent.join(', ')} to reconcile app ${name}; waiting for their agents`);
  let results: Map<string, SyncResult>;
  try {
    results = await waitForResults(hub, answer, { timeoutMs: timeoutSeconds * 1000, signal: context.signal, onProgress: (done) => progress.update(`${done}/${sent.length} clusters reconciled app ${name}`) });
  } catch (error) {
    progress.fail(error instanceof Error ? error.message : String(error));
    throw error;
  }
  const status = (await hub.getAppStatus(name)).items.filter((item) => sent.includes(item.cluster));
  // Carried out, but unhealthy after it, fails too.
  for (const item of status) if (results.get(item.cluster)?.ok && item.applied?.health === 'Degraded') results.set(item.cluster, { ok: false, message: 'Degraded after the sync' });
  const failed = [...results].filter(([, result]) => !result.ok);
  if (failed.length > 0) progress.fail(`app ${name}: ${failed.map(([cluster, result]) => `${cluster}: ${result.message}`).join('; ')}`);
  else progress.done(`app ${name} reconciled on ${sent.join(', ')}${missed.length > 0 ? `; not connected: ${missed.join(', ')}` : ''}`);
  if (context.output !== 'table') printData(context, { ...answer, results: Object.fromEntries(results), status });
  else context.stdout.write(`${formatStatusTable(status, context.style)}\n`);
  return failed.length > 0 || missed.length > 0 ? 1 : 0;
}

/** Polls the audit log for the CommandResult of each command sent, until every one has come; TIMEOUT names the rest. */
async function waitForResults(
  hub: HubClient,
  answer: AppSyncView,
  options: { timeoutMs: number; signal: AbortSignal; onProgress(done: number): void },
): Promise<Map<string, SyncResult>> {
  const results = new Map<string, SyncResult>();
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    for (const { cluster, command } of answer.clusters) {
      if (command === null || results.has(cluster)) continue;
      const page = await hub.listAuditEvents({ action: 'agent.command.result', target: `cluster/${cluster}`, limit: 100 });
      const result = page.items.find((event) => event.details.id === command);
      if (result) results.set(cluster, { ok: result.result === 'success', message: String(result.details.message ?? result.details.code ?? '') });
    }
    options.onProgress(results.size);
    const waiting = answer.clusters.filter((c) => c.command !== null && !results.has(c.cluster)).map((c) => c.cluster);
    if (waiting.length === 0) return results;
    if (Date.now() >= deadline || options.signal.aborted) {
      throw new CliError('TIMEOUT', `app ${answer.app}: no answer to the sync within ${Math.round(options.timeoutMs / 1000)} s from ${waiting.join(', ')}`, { app: answer.app, waiting });
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function describeSync(answer: AppSyncView, sent: string[], missed: string[]): string {
  if (answer.clusters.length === 0) return `app ${answer.app} has no target clusters to sync\n`;
  const lines = [];
  if (sent.length > 0) lines.push(`asked ${sent.join(', ')} to reconcile app ${answer.app} now; follow it with: flotilla status ${answer.app} --watch`);
  if (missed.length > 0) lines.push(`not connected: ${missed.join(', ')} (the agent reconciles the app at its next resync)`);
  return `${lines.join('\n')}\n`;
}
