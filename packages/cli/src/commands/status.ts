import type { AppClusterStatus } from '@flotilla/proto';
import type { AppClusterStatusView } from '@flotilla/api';
import { stringify } from 'yaml';
import { FleetView, healthOf, phaseOf } from '../client/fleet-view.js';
import { watchStatus } from '../client/watch-status.js';
import { describeEvent } from '../output/describe-event.js';
import { formatTable } from '../output/format-table.js';
import { formatChanges, shortRevision } from '../output/format-values.js';
import { noMoreArguments, stringOption } from './arguments.js';
import { type Command, type CommandContext, printData } from './command.js';
import { formatStatusTable } from './status-table.js';

const USAGE = `flotilla status [APP] [--cluster NAME] [--watch]

What each app runs on each cluster: the revision the hub wants, the one applied, phase and health.
  APP        only this app
  --cluster  only this cluster
  --watch    follow the hub's gRPC status stream: the current state, then every change as it happens (Ctrl-C stops);
             with -o json, one JSON event per line (-o yaml: one YAML document per event)

Examples:
  flotilla status web
  flotilla status --cluster eu-1 -o yaml
  flotilla status web --watch`;

/** `flotilla status`: a table from the REST API, or the live status stream. */
export const statusCommand: Command = {
  name: 'status',
  summary: 'what runs where; --watch follows the live status stream',
  usage: USAGE,
  options: { cluster: { type: 'string', short: 'c' }, watch: { type: 'boolean', short: 'w' } },
  async run(context, args) {
    noMoreArguments(args, 1);
    const app = args.positionals[0];
    const cluster = stringOption(args, 'cluster');
    if (args.values.watch) return watch(context, app, cluster);

    const hub = context.hub();
    let items: AppClusterStatusView[];
    if (app) items = (await hub.getAppStatus(app)).items.filter((item) => !cluster || item.cluster === cluster);
    else if (cluster) items = (await hub.getClusterStatus(cluster)).items;
    else {
      const apps = (await hub.listApps({ limit: 1000 })).items;
      items = (await Promise.all(apps.map((a) => hub.getAppStatus(a.name)))).flatMap((s) => s.items);
    }
    if (context.output !== 'table') return printData(context, { items });
    if (items.length === 0) return context.stdout.write(app || cluster ? 'nothing assigned\n' : 'no apps yet; create one with: flotilla apps create\n');
    context.stdout.write(`${formatStatusTable(items, context.style)}\n`);
  },
};

async function watch(context: CommandContext, app: string | undefined, cluster: string | undefined): Promise<void> {
  const view = new FleetView();
  await watchStatus({
    address: context.grpcAddress,
    token: context.token,
    apps: app ? [app] : [],
    clusters: cluster ? [cluster] : [],
    signal: context.signal,
    onReconnect: (reason, delayMs) => context.stderr.write(`status stream ended (${reason}); resuming in ${Math.round(delayMs / 100) / 10}s\n`),
    onEvent: (event) => {
      const wasLive = view.isLive;
      view.apply(event);
      if (context.output === 'json') return context.stdout.write(`${JSON.stringify(event)}\n`);
      if (context.output === 'yaml') return context.stdout.write(`---\n${stringify(event)}`);
      if (event.snapshotComplete && !wasLive) {
        const rows = view.rows();
        context.stdout.write(rows.length > 0 ? `${formatSnapshot(rows, context)}\n` : 'nothing assigned yet\n');
        context.stdout.write(context.style.dim('watching for changes (Ctrl-C to stop)…\n'));
        return;
      }
      const line = describeEvent(event, context.style);
      if (line && view.isLive) context.stdout.write(`${line}\n`);
    },
  });
}

function formatSnapshot(rows: AppClusterStatus[], context: CommandContext): string {
  const { style } = context;
  return formatTable(
    [
      { header: 'app', value: (s: AppClusterStatus) => s.app },
      { header: 'cluster', value: (s) => s.cluster },
      { header: 'desired', value: (s) => shortRevision(s.desiredRevision) },
      { header: 'applied', value: (s) => shortRevision(s.appliedRevision) },
      { header: 'phase', value: (s) => style.state(phaseOf(s)) },
      { header: 'health', value: (s) => style.state(healthOf(s)) },
      { header: 'drifted', value: (s) => String(s.driftedObjects ?? 0) },
      { header: 'last change', value: (s) => formatChanges(s.changes) },
    ],
    rows,
  );
}
