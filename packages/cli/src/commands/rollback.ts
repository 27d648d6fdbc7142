import type { AppClusterStatusView } from '@flotilla/api';
import { describeProgress, waitForApp } from '../client/wait-for-app.js';
import { formatCell } from '../output/format-values.js';
import { Progress } from '../output/progress.js';
import { listOption, noMoreArguments, numberOption, requiredArgument, stringOption } from './arguments.js';
import { type Command, printData } from './command.js';
import { unsupportedRollouts } from './rollouts.js';
import { formatStatusTable } from './status-table.js';

const USAGE = `flotilla rollback APP [--to REVISION] [--cluster NAME]... [--wait [--timeout SECONDS]]

Returns an app to an earlier revision: the last healthy one, or --to REVISION (as in "flotilla apps history").
The app stays there (pinned) until it is rolled forward. Needs a hub with rollouts
(POST /api/v1/apps/{app}/rollback).
  --to       the revision to return to, e.g. main@sha1:<40 hex>; default the last healthy one
  --cluster  only these clusters; repeat for more
  --wait     wait until the clusters run it, showing progress

Examples:
  flotilla rollback web --wait
  flotilla rollback web --to main@sha1:<40 hex> --cluster eu-1`;

/** A cluster runs what the hub now wants there, Synced and settled. */
function isBack(item: AppClusterStatusView): boolean {
  return item.inSync && item.applied?.phase === 'Synced' && item.applied.health !== 'Progressing' && item.applied.revision === item.desired?.revision;
}

/** `flotilla rollback`: POST /api/v1/apps/{app}/rollback. */
export const rollbackCommand: Command = {
  name: 'rollback',
  summary: 'return an app to an earlier revision',
  usage: USAGE,
  options: { to: { type: 'string' }, cluster: { type: 'string', multiple: true }, wait: { type: 'boolean' }, timeout: { type: 'string' } },
  async run(context, args) {
    const app = requiredArgument(args, 0, 'the app name', USAGE.split('\n')[0] as string);
    noMoreArguments(args, 1);
    const revision = stringOption(args, 'to');
    const clusters = listOption(args, 'cluster');
    const hub = context.hub();
    const answer = await hub
      .rollbackApp(app, { ...(revision ? { revision } : {}), ...(clusters.length > 0 ? { clusters } : {}) })
      .catch(unsupportedRollouts);
    const target = formatCell(answer?.revision ?? revision ?? 'the last healthy revision');
    if (!args.values.wait) {
      if (context.output !== 'table') return printData(context, answer ?? {});
      context.stdout.write(`rolling back app ${app} to ${target}; follow it with: flotilla status ${app} --watch\n`);
      return;
    }
    const progress = new Progress(context.stderr, context.style);
    progress.update(`rolling back app ${app} to ${target}`);
    const timeoutMs = (numberOption(args, 'timeout', { min: 1, max: 86_400 }) ?? 300) * 1000;
    try {
      const status = await waitForApp(hub, app, {
        timeoutMs,
        signal: context.signal,
        isDone: (item) => (clusters.length > 0 && !clusters.includes(item.cluster)) || isBack(item),
        onProgress: (s) => progress.update(describeProgress(s, isBack)),
      });
      progress.done(`app ${app} is back on ${target}`);
      if (context.output !== 'table') printData(context, { rollback: answer ?? {}, status });
      else context.stdout.write(`${formatStatusTable(status.items, context.style)}\n`);
    } catch (error) {
      progress.fail(error instanceof Error ? error.message : String(error));
      throw error;
    }
  },
};
