import { CliError } from '../errors/cli-error.js';
import { formatFields, formatTable } from '../output/format-table.js';
import { formatAge, formatCell, shortRevision } from '../output/format-values.js';
import type { Style } from '../output/style.js';
import { noMoreArguments, requiredArgument, stringOption, subcommandOf } from './arguments.js';
import { type Command, type CommandContext, printData } from './command.js';
import { formatRolloutTable, type RolloutRow } from './rollout-table.js';

const USAGE = `flotilla rollouts [list] [--app APP] [--state STATE]
flotilla rollouts get ID
flotilla rollouts pause ID [--reason TEXT]
flotilla rollouts resume ID [--reason TEXT]
flotilla rollouts abort ID [--reason TEXT]

Rollouts: an app moving from one revision to another across its clusters, wave by wave, and where each stands
(progressing, paused, halted, rolling-back, completed, aborted, superseded). "pause" starts no more clusters (those
under way finish); "resume" goes on (a halted rollout judges its failed clusters again); "abort" stops it for good,
every cluster keeping what it has. Needs a hub with rollouts (GET /api/v1/rollouts).
  --app     only this app's rollouts
  --state   only rollouts in this state
  --reason  why, recorded in the audit log

Examples:
  flotilla rollouts --app web
  flotilla rollouts get 7 -o yaml
  flotilla rollouts pause 7 --reason "waiting for the database migration"`;

/** Rethrows a missing route as "this hub has no rollouts". */
export function unsupportedRollouts(error: unknown): never {
  if (CliError.is(error, 'UNSUPPORTED')) throw new CliError('UNSUPPORTED', `${error.message}: this hub has no rollouts`, error.data);
  throw error;
}

/** One cluster of a rollout's wave, as GET /api/v1/rollouts/{id} shows it. */
interface RolloutClusterRow {
  cluster: string;
  state: string;
  fromRevision: string | null;
  startedAt: string | null;
  message: string | null;
}

/** A rollout with its waves. */
type RolloutDetail = RolloutRow & { strategy?: unknown; createdBy?: string; finishedAt?: string | null; waves?: Array<{ index: number; canary: boolean; clusters: RolloutClusterRow[] }> };

/** `flotilla rollouts`: list, get, pause, resume, abort. */
export const rolloutsCommand: Command = {
  name: 'rollouts',
  summary: 'rollouts of apps across their clusters, wave by wave; pause, resume or abort one',
  usage: USAGE,
  options: { app: { type: 'string' }, state: { type: 'string' }, reason: { type: 'string' } },
  async run(context, args) {
    const hub = context.hub();
    const action = subcommandOf(args, ['list', 'get', 'pause', 'resume', 'abort'], 'list', 'rollouts');
    if (action === 'list') {
      noMoreArguments(args, args.positionals.length === 0 ? 0 : 1);
      const app = stringOption(args, 'app');
      const list = await hub.listRollouts({ app, ...(stringOption(args, 'state') ? { state: stringOption(args, 'state') } : {}) }).catch(unsupportedRollouts);
      if (context.output !== 'table') return printData(context, list);
      if (list.items.length === 0) return context.stdout.write(`no rollouts${app ? ` of app ${app}` : ''}\n`);
      context.stdout.write(`${formatRolloutTable(list.items as unknown as RolloutRow[], context.style)}\n`);
      return;
    }
    const id = requiredArgument(args, 1, 'the rollout id', `flotilla rollouts ${action} ID`);
    noMoreArguments(args, 2);
    if (action === 'get') {
      const rollout = (await hub.getRollout(id).catch(unsupportedRollouts)) as unknown as RolloutDetail;
      if (context.output !== 'table') return printData(context, rollout);
      return printRollout(context, rollout);
    }
    const rollout = (await hub.actOnRollout(id, action as 'pause' | 'resume' | 'abort', stringOption(args, 'reason')).catch(unsupportedRollouts)) as unknown as RolloutDetail;
    if (context.output !== 'table') return printData(context, rollout);
    const done = { pause: 'paused', resume: 'resumed', abort: 'aborted' }[action];
    context.stdout.write(`rollout ${rollout.id} of app ${rollout.app} ${done}: now ${context.style.state(rollout.state)}\n`);
  },
};

function printRollout(context: CommandContext, rollout: RolloutDetail): void {
  const fields: Array<[string, string]> = [
    ['ID', String(rollout.id)],
    ['App', rollout.app],
    ['Kind', rollout.kind ?? '-'],
    ['Revision', rollout.revision],
    ['State', context.style.state(rollout.state)],
    ['Wave', rollout.waveCount > 0 ? `${rollout.currentWave + 1} of ${rollout.waveCount}` : '-'],
    ['Updated', `${rollout.progress.updated} of ${rollout.progress.total} clusters (${rollout.progress.failed ?? 0} failed)`],
    ['Message', formatCell(rollout.message)],
    ['Started', `${rollout.createdAt ?? '-'} (${formatAge(rollout.createdAt)} ago) by ${rollout.createdBy ?? '-'}`],
    ['Finished', rollout.finishedAt ?? '-'],
  ];
  const clusters = (rollout.waves ?? []).flatMap((wave) => wave.clusters.map((cluster) => ({ ...cluster, wave: `${wave.index}${wave.canary ? ' (canary)' : ''}` })));
  context.stdout.write(`${formatFields(fields)}\n${clusters.length > 0 ? `\n${formatWaves(clusters, context.style)}\n` : ''}`);
}

function formatWaves(clusters: ReadonlyArray<RolloutClusterRow & { wave: string }>, style: Style): string {
  return formatTable(
    [
      { header: 'wave', value: (c: RolloutClusterRow & { wave: string }) => c.wave },
      { header: 'cluster', value: (c) => c.cluster },
      { header: 'state', value: (c) => style.state(c.state) },
      { header: 'from', value: (c) => shortRevision(c.fromRevision) },
      { header: 'started', value: (c) => formatAge(c.startedAt) },
      { header: 'message', value: (c) => formatCell(c.message) },
    ],
    clusters,
  );
}
