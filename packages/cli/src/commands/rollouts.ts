import { CliError } from '../cli-error.js';
import { formatFields } from '../output/format-table.js';
import { formatLooseTable } from '../output/format-loose-table.js';
import { formatCell } from '../output/format-values.js';
import { noMoreArguments, requiredArgument, stringOption, subcommandOf } from './arguments.js';
import { type Command, printJson } from './command.js';

const USAGE = `flotilla rollouts [list] [--app APP]
flotilla rollouts get ID

Rollouts: an app moving from one revision to another across its clusters, wave by wave, and where each stands
(progressing, paused, halted, rolling back, completed). Needs a hub with rollouts (GET /api/v1/rollouts).`;

/** The columns rollouts show first, when the hub sends them. */
export const ROLLOUT_COLUMNS = ['id', 'app', 'revision', 'toRevision', 'fromRevision', 'state', 'wave', 'updatedClusters', 'totalClusters', 'failedClusters', 'message', 'startedAt', 'createdAt'];

/** Rethrows a missing route as "this hub has no rollouts". */
export function unsupportedRollouts(error: unknown): never {
  if (CliError.is(error, 'UNSUPPORTED')) throw new CliError('UNSUPPORTED', `${error.message}: this hub has no rollouts`, error.data);
  throw error;
}

/** `flotilla rollouts`: list and get, from GET /api/v1/rollouts. */
export const rolloutsCommand: Command = {
  name: 'rollouts',
  summary: 'rollouts of apps across their clusters, wave by wave',
  usage: USAGE,
  options: { app: { type: 'string' } },
  async run(context, args) {
    const hub = context.hub();
    const action = subcommandOf(args, ['list', 'get'], 'list', 'rollouts');
    if (action === 'list') {
      noMoreArguments(args, args.positionals.length === 0 ? 0 : 1);
      const app = stringOption(args, 'app');
      const list = await hub.listRollouts({ app }).catch(unsupportedRollouts);
      if (context.output === 'json') return printJson(context, list);
      if (list.items.length === 0) return context.stdout.write(`no rollouts${app ? ` of app ${app}` : ''}\n`);
      context.stdout.write(`${formatLooseTable(list.items, ROLLOUT_COLUMNS, context.style)}\n`);
      return;
    }
    const id = requiredArgument(args, 1, 'the rollout id', 'flotilla rollouts get ID');
    noMoreArguments(args, 2);
    const rollout = await hub.getRollout(Number(id)).catch(unsupportedRollouts);
    if (context.output === 'json') return printJson(context, rollout);
    context.stdout.write(`${formatFields(Object.entries(rollout).map(([key, value]) => [key, formatCell(value)]))}\n`);
  },
};
