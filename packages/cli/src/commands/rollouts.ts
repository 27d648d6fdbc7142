import type { RolloutClusterView, RolloutDetailView } from '@flotilla/api';
import { CliError } from '../errors/cli-error.js';
import { formatFields, formatTable } from '../output/format-table.js';
import { formatAge, formatCell, formatWave, shortRevision } from '../output/format-values.js';
import type { Style } from '../output/style.js';
import { noMoreArguments, requiredArgument, stringOption, subcommandOf } from './arguments.js';
import { type Command, type CommandContext, printData } from './command.js';
import { formatRolloutTable } from './rollout-table.js';

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

type WaveRow = RolloutClusterView & { wave: string };

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
      const state = stringOption(args, 'state') as RolloutDetailView['state'] | undefined;
      const list = await hub.listRollouts({ app, state }).catch(unsupportedRollouts);
      if (context.output !== 'table') return printData(context, list);
      if (list.items.length === 0) return context.stdout.write(`no rollouts${app ? ` of app ${app}` : ''}\n`);
      context.stdout.write(`${formatRolloutTable(list.items, context.style)}\n`);
      return;
    }
    const given = requiredArgument(args, 1, 'the rollout id', `flotilla rollouts ${action} ID`);
    noMoreArguments(args, 2);
    const id = Number(given);
    if (!Number.isInteger(id) || id < 1) throw new CliError('USAGE', `a rollout id is a whole number, as "flotilla rollouts" lists them; got "${given}"`);
    if (action === 'get') {
      const rollout = await hub.getRollout(id).catch(unsupportedRollouts);
      if (context.output !== 'table') return printData(context, rollout);
      return printRollout(context, rollout);
    }
    const reason = stringOption(args, 'reason');
    const body = reason ? { reason } : {};
    const act = { pause: () => hub.pauseRollout(id, body), resume: () => hub.resumeRollout(id, body), abort: () => hub.abortRollout(id, body) }[action as 'pause' | 'resume' | 'abort'];
    const rollout = await act().catch(unsupportedRollouts);
    if (context.output !== 'table') return printData(context, rollout);
    const done = { pause: 'paused', resume: 'resumed', abort: 'aborted' }[action as 'pause' | 'resume' | 'abort'];
    context.stdout.write(`rollout ${rollout.id} of app ${rollout.app} ${done}: now ${context.style.state(rollout.state)}\n`);
  },
};

function printRollout(context: CommandContext, rollout: RolloutDetailView): void {
  const fields: Array<[string, string]> = [
    ['ID', String(rollout.id)],
    ['App', rollout.app],
    ['Kind', rollout.kind],
    ['Revision', rollout.revision],
    ['State', context.style.state(rollout.state)],
    ['Wave', formatWave(rollout, ' of ')],
    ['Updated', `${rollout.progress.updated} of ${rollout.progress.total} clusters (${rollout.progress.failed} failed)`],
    ['Message', formatCell(rollout.message)],
    ['Started', `${rollout.createdAt} (${formatAge(rollout.createdAt)} ago) by ${rollout.createdBy}`],
    ['Finished', rollout.finishedAt ?? '-'],
  ];
  const clusters = rollout.waves.flatMap((wave) => wave.clusters.map((cluster) => ({ ...cluster, wave: `${wave.index}${wave.canary ? ' (canary)' : ''}` })));
  context.stdout.write(`${formatFields(fields)}\n${clusters.length > 0 ? `\n${formatWaves(clusters, context.style)}\n` : ''}`);
}

function formatWaves(clusters: readonly WaveRow[], style: Style): string {
  return formatTable(
    [
      { header: 'wave', value: (c: WaveRow) => c.wave },
      { header: 'cluster', value: (c) => c.cluster },
      { header: 'state', value: (c) => style.state(c.state) },
      { header: 'from', value: (c) => shortRevision(c.fromRevision) },
      { header: 'started', value: (c) => formatAge(c.startedAt) },
      { header: 'message', value: (c) => formatCell(c.message) },
    ],
    clusters,
  );
}
