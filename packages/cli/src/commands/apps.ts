import { parseLabelSelector } from '@flotilla/core';
import { CliError } from '../errors/cli-error.js';
import type { AppView, CreateAppRequest } from '@flotilla/api';
import { describeProgress, waitForApp } from '../client/wait-for-app.js';
import { formatFields, formatTable, type Column } from '../output/format-table.js';
import { formatAge, formatCell, formatChanges, formatLabels, shortRevision } from '../output/format-values.js';
import { Progress } from '../output/progress.js';
import { keyValues, listOption, noMoreArguments, numberOption, requiredArgument, stringOption, subcommandOf } from './arguments.js';
import { type Command, type CommandArgs, printData } from './command.js';
import { runAppsSync } from './apps-sync.js';
import { unsupportedRollouts } from './rollouts.js';
import { formatStatusTable } from './status-table.js';

const USAGE = `flotilla apps [list]
flotilla apps get NAME
flotilla apps create NAME --source SOURCE [--path PATH] (--selector SELECTOR | --cluster NAME...)
                     [--namespace NS] [--var key=value]... [--drift report|correct|off] [--no-prune]
                     [--health-timeout SECONDS] [--create-namespace] [--allow-remote-bases] [--wait [--timeout SECONDS]]
flotilla apps update NAME [--source SOURCE] [--path PATH] [--selector SELECTOR] [--cluster NAME]... [--namespace NS]
                     [--var key=value]... [--drift report|correct|off] [--prune | --no-prune] [--health-timeout SECONDS]
                     [--create-namespace | --no-create-namespace] [--allow-remote-bases | --no-allow-remote-bases]
flotilla apps sync NAME [--cluster NAME]... [--wait [--timeout SECONDS]]
flotilla apps history NAME [--cluster NAME]
flotilla apps manifests NAME --cluster NAME
flotilla apps pins NAME
flotilla apps unpin NAME [--cluster NAME]...
flotilla apps delete NAME

Apps: a path in a source, deployed to the clusters a label selector (or a list of names) picks.
  --selector        clusters whose labels match, e.g. "env=prod" or "env in (dev,prod)"; "" for every cluster
  --cluster         a cluster by name; repeat for more
  --namespace       namespace of objects that name none; default "default"
  --var             a variable for \${name} in the manifests; repeat for more
  --drift           report drift (default), correct it, or neither
  --no-prune        keep objects that leave the app instead of deleting them
  --create-namespace  create the namespaces the app's objects are in when missing (labelled as Flotilla's, never deleted)
  --allow-remote-bases  let a Kustomize path use remote bases (fetched by kustomize from outside the source)
  --wait            wait until every target cluster has applied the app, showing progress
  --timeout         how long --wait waits; default 300
"update" changes only what is given: --selector and --cluster replace the targets, --var replaces the variables,
policy flags merge into the policy. "manifests" shows the objects the app applies on one cluster, as the hub rendered
them (Secret values redacted). "sync" has the agents reconcile the app now (all its clusters, or the --cluster
ones): they apply its current revision again, undoing drift whatever the drift policy; --wait waits until each
agent has answered that it did. "pins" lists clusters a rollback pinned at a revision; "unpin" lets them (or the
--cluster ones) follow the branch again, through a rollout.

Examples:
  flotilla apps create web --source fleet --path apps/web --selector env=prod --var replicas=3 --wait
  flotilla apps update web --drift correct --var replicas=5
  flotilla apps sync web --cluster eu-1 --wait
  flotilla apps history web --cluster eu-1 -o yaml
  flotilla apps manifests web --cluster eu-1 -o yaml
  flotilla apps unpin web --cluster eu-1`;

function describeTargets(app: AppView): string {
  const parts: string[] = [];
  if (app.targets.selector) {
    const { matchLabels = {}, matchExpressions = [] } = app.targets.selector;
    const text = [
      ...Object.entries(matchLabels).map(([k, v]) => `${k}=${v}`),
      ...matchExpressions.map((e) => `${e.key} ${e.operator}${e.values ? ` (${e.values.join(',')})` : ''}`),
    ].join(',');
    parts.push(text === '' ? 'all clusters' : text);
  }
  if (app.targets.clusters.length > 0) parts.push(app.targets.clusters.join(','));
  return parts.join(' + ') || 'none';
}

const columns: Array<Column<AppView & { synced: string }>> = [
  { header: 'name', value: (a) => a.name },
  { header: 'source', value: (a) => a.source },
  { header: 'path', value: (a) => a.path || '.' },
  { header: 'targets', value: describeTargets },
  { header: 'in sync', value: (a) => a.synced },
  { header: 'drift', value: (a) => a.policy.drift?.mode ?? '-' },
  { header: 'render', value: (a) => a.renderStatus?.state ?? '-' },
  { header: 'age', value: (a) => formatAge(a.createdAt) },
];

/** `flotilla apps`: list, get, create, update, sync, history, manifests, pins, unpin, delete. */
export const appsCommand: Command = {
  name: 'apps',
  summary: 'list, create, change, sync now and delete apps; their history, manifests, pins and unpinning',
  usage: USAGE,
  options: {
    source: { type: 'string' },
    path: { type: 'string' },
    selector: { type: 'string', short: 'l' },
    cluster: { type: 'string', multiple: true },
    namespace: { type: 'string', short: 'n' },
    var: { type: 'string', multiple: true },
    drift: { type: 'string' },
    prune: { type: 'boolean' },
    'no-prune': { type: 'boolean' },
    'create-namespace': { type: 'boolean' },
    'no-create-namespace': { type: 'boolean' },
    'allow-remote-bases': { type: 'boolean' },
    'no-allow-remote-bases': { type: 'boolean' },
    'health-timeout': { type: 'string' },
    wait: { type: 'boolean' },
    timeout: { type: 'string' },
  },
  async run(context, args) {
    const hub = context.hub();
    const action = subcommandOf(args, ['list', 'get', 'create', 'update', 'sync', 'history', 'manifests', 'pins', 'unpin', 'delete'], 'list', 'apps');
    if (action === 'list') {
      noMoreArguments(args, args.positionals.length === 0 ? 0 : 1);
      const list = await hub.listApps({ limit: 1000 });
      if (context.output !== 'table') return printData(context, list);
      if (list.items.length === 0) return context.stdout.write('no apps; create one with: flotilla apps create NAME --source SOURCE --selector SELECTOR\n');
      const rows = await Promise.all(
        list.items.map(async (app) => {
          const status = await hub.getAppStatus(app.name);
          return { ...app, synced: `${status.inSync}/${status.clusters}` };
        }),
      );
      context.stdout.write(`${formatTable(columns, rows)}\n`);
      return;
    }
    const name = requiredArgument(args, 1, 'the app name', `flotilla apps ${action} NAME`);
    noMoreArguments(args, 2);
    if (action === 'update') {
      const changes = appFields(args);
      if (Object.keys(changes).length === 0) throw new CliError('USAGE', 'nothing to change; see flotilla apps --help');
      const app = await hub.updateApp(name, changes);
      if (context.output !== 'table') return printData(context, app);
      context.stdout.write(`app ${app.name} updated: ${describeTargets(app)}, drift ${app.policy.drift?.mode ?? '-'}, prune ${app.policy.prune ? 'on' : 'off'}; follow it with: flotilla status ${app.name} --watch\n`);
      return;
    }
    if (action === 'sync') return runAppsSync(context, args, name);
    if (action === 'pins') {
      const pins = await hub.listAppPins(name).catch(unsupportedRollouts);
      if (context.output !== 'table') return printData(context, pins);
      if (pins.items.length === 0) return context.stdout.write(`no cluster of app ${name} is pinned\n`);
      context.stdout.write(
        `${formatTable(
          [
            { header: 'cluster', value: (p) => p.cluster },
            { header: 'revision', value: (p) => shortRevision(p.revision) },
            { header: 'rollout', value: (p) => formatCell(p.rollout) },
            { header: 'by', value: (p) => p.createdBy },
            { header: 'age', value: (p) => formatAge(p.createdAt) },
          ],
          pins.items,
        )}\n`,
      );
      return;
    }
    if (action === 'unpin') {
      const clusters = listOption(args, 'cluster');
      const answer = await hub.unpinApp(name, clusters.length > 0 ? { clusters } : {}).catch(unsupportedRollouts);
      if (context.output !== 'table') return printData(context, answer);
      context.stdout.write(answer.unpinned.length === 0 ? `no pinned cluster of app ${name} to unpin\n` : `unpinned ${answer.unpinned.join(', ')}: they follow app ${name}'s branch again\n`);
      return;
    }
    if (action === 'get') {
      const [app, status] = await Promise.all([hub.getApp(name), hub.getAppStatus(name)]);
      if (context.output !== 'table') return printData(context, { ...app, status });
      context.stdout.write(
        `${formatFields([
          ['Name', app.name],
          ['Source', `${app.source}${app.path ? ` path ${app.path}` : ''}`],
          ['Targets', describeTargets(app)],
          ['Namespace', app.namespace],
          ['Variables', formatLabels(app.variables)],
          ['Policy', `prune ${app.policy.prune ? 'on' : 'off'}, drift ${app.policy.drift?.mode ?? '-'}, health timeout ${app.policy.health?.timeoutSeconds ?? '-'}s${app.policy.createNamespace ? ', creates its namespaces' : ''}`],
          ['In sync', `${status.inSync} of ${status.clusters} clusters`],
          ['Render', describeRender(app)],
        ])}\n\n${status.items.length > 0 ? formatStatusTable(status.items, context.style) : 'no target clusters'}\n`,
      );
      return;
    }
    if (action === 'history') {
      const history = await hub.listAppHistory(name, { cluster: stringOption(args, 'cluster') });
      if (context.output !== 'table') return printData(context, history);
      context.stdout.write(
        `${formatTable(
          [
            { header: 'when', value: (h) => formatAge(h.createdAt) },
            { header: 'cluster', value: (h) => h.cluster },
            { header: 'revision', value: (h) => shortRevision(h.revision) },
            { header: 'generation', value: (h) => String(h.generation) },
            { header: 'outcome', value: (h) => context.style.state(h.outcome) },
            { header: 'changes', value: (h) => formatChanges(h.changes) },
            { header: 'message', value: (h) => h.message ?? '-' },
          ],
          history.items,
        )}\n`,
      );
      return;
    }
    if (action === 'manifests') {
      const clusters = listOption(args, 'cluster');
      if (clusters.length !== 1) throw new CliError('USAGE', `say which cluster, once: flotilla apps manifests ${name} --cluster NAME`);
      const manifests = await hub.getAppManifests(name, { cluster: clusters[0] as string });
      if (context.output !== 'table') return printData(context, manifests);
      context.stdout.write(
        `${formatTable(
          [
            { header: 'kind', value: (o) => String(o.object.kind ?? '-') },
            { header: 'namespace', value: (o) => formatCell((o.object.metadata as { namespace?: string } | undefined)?.namespace) },
            { header: 'name', value: (o) => String((o.object.metadata as { name?: string } | undefined)?.name ?? '-') },
            { header: 'from', value: (o) => `${o.source.file}${o.source.line > 0 ? `:${o.source.line}` : ''}` },
          ],
          manifests.objects,
        )}\n${manifests.objects.length} objects, artifact ${manifests.artifact.digest.slice(0, 19)} (${manifests.artifact.size} bytes) of ${manifests.revision ? shortRevision(manifests.revision) : '-'}; see them whole with -o yaml\n`,
      );
      return;
    }
    if (action === 'delete') {
      await hub.deleteApp(name);
      if (context.output !== 'table') return printData(context, { deleted: name });
      context.stdout.write(`app ${name} deleted; its clusters remove it (pruning when its policy says so)\n`);
      return;
    }

    const source = stringOption(args, 'source');
    if (!source) throw new CliError('USAGE', `missing --source\nusage: ${USAGE.split('\n')[2]}`);
    const fields = appFields(args);
    if (!fields.targets) throw new CliError('USAGE', 'say which clusters: --selector SELECTOR (or "" for all) and/or --cluster NAME');
    const body: CreateAppRequest = { ...fields, name, source };
    const app = await hub.createApp(body);
    if (!args.values.wait) {
      if (context.output !== 'table') return printData(context, app);
      context.stdout.write(`app ${app.name} created for ${describeTargets(app)}; follow it with: flotilla status ${app.name} --watch\n`);
      return;
    }
    const timeoutSeconds = numberOption(args, 'timeout', { min: 1, max: 86_400 }) ?? 300;
    const progress = new Progress(context.stderr, context.style);
    progress.update(`app ${app.name} created; waiting for its clusters`);
    let status;
    try {
      status = await waitForApp(hub, app.name, { timeoutMs: timeoutSeconds * 1000, signal: context.signal, onProgress: (s) => progress.update(describeProgress(s)) });
    } catch (error) {
      progress.fail(error instanceof Error ? error.message : String(error));
      throw error;
    }
    const failed = status.items.filter((item) => item.applied?.phase === 'Failed' || item.applied?.health === 'Degraded');
    if (failed.length > 0) progress.fail(`app ${app.name}: ${failed.length} of ${status.items.length} clusters failed`);
    else progress.done(`app ${app.name} applied on ${status.items.length} clusters`);
    if (context.output !== 'table') printData(context, { ...app, status });
    else context.stdout.write(`${formatStatusTable(status.items, context.style)}\n`);
    return failed.length > 0 ? 1 : 0;
  },
};

/** The app fields the flags give (create and update): only those given. */
function appFields(args: CommandArgs): Omit<CreateAppRequest, 'name' | 'source'> & { source?: string } {
  const selector = stringOption(args, 'selector');
  const clusters = listOption(args, 'cluster');
  const drift = stringOption(args, 'drift');
  if (drift !== undefined && !['report', 'correct', 'off'].includes(drift)) throw new CliError('USAGE', `--drift must be report, correct or off, got "${drift}"`);
  if (args.values.prune && args.values['no-prune']) throw new CliError('USAGE', 'give --prune or --no-prune, not both');
  const healthTimeout = numberOption(args, 'health-timeout', { min: 1, max: 86_400 });
  const variables = listOption(args, 'var');
  const prune = args.values.prune ? true : args.values['no-prune'] ? false : undefined;
  if (args.values['create-namespace'] && args.values['no-create-namespace']) throw new CliError('USAGE', 'give --create-namespace or --no-create-namespace, not both');
  const createNamespace = args.values['create-namespace'] ? true : args.values['no-create-namespace'] ? false : undefined;
  if (args.values['allow-remote-bases'] && args.values['no-allow-remote-bases']) throw new CliError('USAGE', 'give --allow-remote-bases or --no-allow-remote-bases, not both');
  const allowRemoteBases = args.values['allow-remote-bases'] ? true : args.values['no-allow-remote-bases'] ? false : undefined;
  const policy = {
    ...(prune !== undefined ? { prune } : {}),
    ...(drift ? { drift: { mode: drift as 'report' | 'correct' | 'off' } } : {}),
    ...(healthTimeout ? { health: { timeoutSeconds: healthTimeout } } : {}),
    ...(createNamespace !== undefined ? { createNamespace } : {}),
  };
  const given = <T>(value: T | undefined): value is T => value !== undefined;
  return {
    ...(given(stringOption(args, 'source')) ? { source: stringOption(args, 'source') } : {}),
    ...(given(stringOption(args, 'path')) ? { path: stringOption(args, 'path') } : {}),
    ...(given(stringOption(args, 'namespace')) ? { namespace: stringOption(args, 'namespace') } : {}),
    ...(variables.length > 0 ? { variables: keyValues(variables, '--var') } : {}),
    ...(selector !== undefined || clusters.length > 0
      ? {
          targets: {
            ...(selector !== undefined ? { selector: selector.trim() === '' ? {} : parseSelector(selector) } : {}),
            ...(clusters.length > 0 ? { clusters } : {}),
          },
        }
      : {}),
    ...(Object.keys(policy).length > 0 ? { policy } : {}),
    ...(allowRemoteBases !== undefined ? { render: { allowRemoteBases } } : {}),
  };
}

/** How the app's latest revision rendered: `Rendered main@abc1234`, or the failure with its file and message. */
function describeRender(app: AppView): string {
  const render = app.renderStatus;
  if (!render) return 'not rendered yet';
  const revision = shortRevision(render.revision);
  if (render.state === 'Rendered') return `Rendered ${revision}`;
  return `RenderFailed ${revision}${render.file ? ` in ${render.file}` : ''}: ${render.message ?? ''} (clusters keep their previous revision)`;
}

function parseSelector(text: string) {
  try {
    return parseLabelSelector(text);
  } catch (error) {
    throw new CliError('USAGE', `--selector: ${(error as Error).message}`);
  }
}
