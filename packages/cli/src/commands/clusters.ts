import type { ClusterView } from '@flotilla/api';
import { formatFields, formatTable, type Column } from '../output/format-table.js';
import { formatAge, formatLabels } from '../output/format-values.js';
import type { Style } from '../output/style.js';
import { keyValues, listOption, noMoreArguments, requiredArgument, stringOption, subcommandOf } from './arguments.js';
import { type Command, printData } from './command.js';

const USAGE = `flotilla clusters [list] [--selector SELECTOR]
flotilla clusters get NAME
flotilla clusters create NAME [--label key=value]...
flotilla clusters label NAME key=value...
flotilla clusters delete NAME
flotilla clusters join-token NAME
flotilla clusters rotate-credential NAME
flotilla clusters revoke-credential NAME

Clusters registered with the hub. "create" prints the join token the cluster's agent starts with (shown once).
"label" replaces the labels; apps whose selectors now match (or no longer match) follow.
"join-token" issues a new one-time join token (an unused earlier one stops working), e.g. to re-join after a revoke.
"rotate-credential" sends the connected agent a new credential; the old one works for the hub's grace period.
"revoke-credential" revokes the credential and join token at once and closes the agent's stream (admin only).
  --selector  label selector, e.g. "env=prod,region in (eu,us)"
  --label     a label of the new cluster; repeat or separate with commas

Examples:
  flotilla clusters create eu-1 --label env=prod,region=eu
  flotilla clusters --selector "env in (prod,staging)" -o yaml
  flotilla clusters rotate-credential eu-1`;

/** Columns of the cluster table. */
export function clusterColumns(style: Style): Array<Column<ClusterView>> {
  return [
    { header: 'name', value: (c) => c.name },
    { header: 'connected', value: (c) => style.state(String(c.connected)) },
    { header: 'labels', value: (c) => formatLabels(c.labels) },
    { header: 'agent', value: (c) => c.agentVersion || '-' },
    { header: 'kubernetes', value: (c) => c.kubernetesVersion || '-' },
    { header: 'heartbeat', value: (c) => formatAge(c.lastHeartbeatAt) },
  ];
}

/** `flotilla clusters`: list, get, create, label, delete, and the agent's identity: join-token, rotate-credential, revoke-credential. */
export const clustersCommand: Command = {
  name: 'clusters',
  summary: 'list, register, label and remove clusters; their agents\' join tokens and credentials',
  usage: USAGE,
  options: { selector: { type: 'string', short: 'l' }, label: { type: 'string', multiple: true } },
  async run(context, args) {
    const hub = context.hub();
    const action = subcommandOf(args, ['list', 'get', 'create', 'label', 'delete', 'join-token', 'rotate-credential', 'revoke-credential'], 'list', 'clusters');
    if (action === 'list') {
      noMoreArguments(args, args.positionals.length === 0 ? 0 : 1);
      const list = await hub.listClusters({ selector: stringOption(args, 'selector'), limit: 1000 });
      if (context.output !== 'table') return printData(context, list);
      if (list.items.length === 0) return context.stdout.write('no clusters registered; add one with: flotilla clusters create NAME\n');
      context.stdout.write(`${formatTable(clusterColumns(context.style), list.items)}\n`);
      return;
    }
    const name = requiredArgument(args, 1, 'the cluster name', `flotilla clusters ${action} NAME`);
    if (action === 'get') {
      noMoreArguments(args, 2);
      const cluster = await hub.getCluster(name);
      if (context.output !== 'table') return printData(context, cluster);
      context.stdout.write(
        `${formatFields([
          ['Name', cluster.name],
          ['Labels', formatLabels(cluster.labels)],
          ['Connected', context.style.state(String(cluster.connected))],
          ['Last heartbeat', cluster.lastHeartbeatAt ? `${cluster.lastHeartbeatAt} (${formatAge(cluster.lastHeartbeatAt)} ago)` : 'never'],
          ['Agent', cluster.agentVersion || '-'],
          ['Kubernetes', cluster.kubernetesVersion || '-'],
          ['Registered', cluster.createdAt],
        ])}\n`,
      );
      return;
    }
    if (action === 'create') {
      noMoreArguments(args, 2);
      const created = await hub.createCluster({ name, labels: keyValues(listOption(args, 'label'), '--label') });
      if (context.output !== 'table') return printData(context, created);
      context.stdout.write(
        [
          `cluster ${created.name} registered${Object.keys(created.labels).length > 0 ? ` with labels ${formatLabels(created.labels)}` : ''}`,
          `join token (shown only now): ${created.joinToken}`,
          '',
          'start its agent where it can reach the cluster, e.g.:',
          `  FLOTILLA_HUB_ADDRESS=${context.grpcAddress} FLOTILLA_CLUSTER=${created.name} FLOTILLA_TOKEN=${created.joinToken} flotilla agent --kubeconfig ~/.kube/config`,
          '  (with FLOTILLA_HUB_CA_FILE=<CA of the hub> for a TLS hub, or FLOTILLA_INSECURE=true for one without TLS)',
          '',
        ].join('\n'),
      );
      return;
    }
    if (action === 'label') {
      const labels = keyValues(args.positionals.slice(2), 'a label');
      const cluster = await hub.updateCluster(name, { labels });
      if (context.output !== 'table') return printData(context, cluster);
      context.stdout.write(`cluster ${cluster.name} labels: ${formatLabels(cluster.labels)}\n`);
      return;
    }
    noMoreArguments(args, 2);
    if (action === 'join-token') {
      const issued = await hub.issueJoinToken(name);
      if (context.output !== 'table') return printData(context, issued);
      context.stdout.write(`new join token of cluster ${name} (shown only now; an unused earlier one no longer works): ${issued.joinToken}\nit can be exchanged until ${issued.expiresAt}\n`);
      return;
    }
    if (action === 'rotate-credential') {
      const rotated = await hub.rotateClusterCredential(name);
      if (context.output !== 'table') return printData(context, rotated);
      context.stdout.write(`cluster ${name}: its agent was sent a new credential; the previous one works until ${rotated.previousExpiresAt}\n`);
      return;
    }
    if (action === 'revoke-credential') {
      await hub.revokeClusterCredential(name);
      if (context.output !== 'table') return printData(context, { cluster: name, revoked: true });
      context.stdout.write(`cluster ${name}: credential and join token revoked, its agent disconnected; re-join with: flotilla clusters join-token ${name}\n`);
      return;
    }
    await hub.deleteCluster(name);
    if (context.output !== 'table') return printData(context, { deleted: name });
    context.stdout.write(`cluster ${name} removed; its agent can no longer connect\n`);
  },
};
