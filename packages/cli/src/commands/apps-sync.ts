import type { AppClusterStatusView, AppSyncView } from '@flotilla/api';
import { describeProgress, waitForApp } from '../client/wait-for-app.js';
import { Progress } from '../output/progress.js';
import { listOption, numberOption } from './arguments.js';
import { type CommandArgs, type CommandContext, printData } from './command.js';
import { formatStatusTable } from './status-table.js';

/**
 * `flotilla apps sync NAME [--cluster NAME]... [--wait]`: asks the agents to reconcile the app now (its current
 * generation applied again, drift undone whatever the policy); with --wait, until each has reported a reconcile since.
 * Exit status 1 when a cluster could not be asked (agent not connected) or, with --wait, its reconcile failed.
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
  const requestedAt = Date.parse(answer.requestedAt);
  // Done: a cluster not asked, or one whose agent has reported a finished reconcile (health known) since the request.
  const isDone = (item: AppClusterStatusView): boolean =>
    !sent.includes(item.cluster) || (item.applied !== null && Date.parse(item.applied.updatedAt) >= requestedAt && item.applied.health !== 'Progressing');
  const progress = new Progress(context.stderr, context.style);
  progress.update(`asked ${sent.join(', ')} to reconcile app ${name}; waiting for their reports`);
  let status;
  try {
    status = await waitForApp(hub, name, { timeoutMs: timeoutSeconds * 1000, signal: context.signal, isDone, onProgress: (s) => progress.update(describeProgress(s, isDone)) });
  } catch (error) {
    progress.fail(error instanceof Error ? error.message : String(error));
    throw error;
  }
  const synced = status.items.filter((item) => sent.includes(item.cluster));
  const failed = synced.filter((item) => item.applied?.phase === 'Failed' || item.applied?.health === 'Degraded');
  if (failed.length > 0) progress.fail(`app ${name}: ${failed.map((item) => item.cluster).join(', ')} failed to reconcile`);
  else progress.done(`app ${name} reconciled on ${sent.join(', ')}${missed.length > 0 ? `; not connected: ${missed.join(', ')}` : ''}`);
  if (context.output !== 'table') printData(context, { ...answer, status: synced });
  else context.stdout.write(`${formatStatusTable(synced, context.style)}\n`);
  return failed.length > 0 || missed.length > 0 ? 1 : 0;
}

function describeSync(answer: AppSyncView, sent: string[], missed: string[]): string {
  if (answer.clusters.length === 0) return `app ${answer.app} has no target clusters to sync\n`;
  const lines = [];
  if (sent.length > 0) lines.push(`asked ${sent.join(', ')} to reconcile app ${answer.app} now; follow it with: flotilla status ${answer.app} --watch`);
  if (missed.length > 0) lines.push(`not connected: ${missed.join(', ')} (the agent reconciles the app at its next resync)`);
  return `${lines.join('\n')}\n`;
}
