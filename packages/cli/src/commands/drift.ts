import { CliError } from '../errors/cli-error.js';
import { formatLooseTable } from '../output/format-loose-table.js';
import { noMoreArguments, stringOption } from './arguments.js';
import { type Command, printData } from './command.js';

const USAGE = `flotilla drift [APP] [--cluster NAME]

Objects whose live state differs from what their agent applied: which object, which fields, who changed them, and
what the agent did (reported or corrected). Needs a hub with drift detection (GET /api/v1/drift).

Examples:
  flotilla drift web
  flotilla drift --cluster eu-1 -o json`;

/** `flotilla drift`: drifted objects, from GET /api/v1/drift. */
export const driftCommand: Command = {
  name: 'drift',
  summary: 'objects changed in a cluster behind Git’s back',
  usage: USAGE,
  options: { cluster: { type: 'string', short: 'c' } },
  async run(context, args) {
    noMoreArguments(args, 1);
    const app = args.positionals[0];
    const cluster = stringOption(args, 'cluster');
    const list = await context.hub().listDrift({ app, cluster }).catch((error: unknown) => {
      if (CliError.is(error, 'UNSUPPORTED')) throw new CliError('UNSUPPORTED', `${error.message}: this hub has no drift detection`, error.data);
      throw error;
    });
    if (context.output !== 'table') return printData(context, list);
    if (list.items.length === 0) return context.stdout.write(`no drift${app ? ` in app ${app}` : ''}${cluster ? ` on ${cluster}` : ''}\n`);
    const preferred = ['app', 'cluster', 'object', 'kind', 'namespace', 'name', 'fields', 'diffs', 'manager', 'action', 'corrections', 'detectedAt'];
    context.stdout.write(`${formatLooseTable(list.items, preferred, context.style)}\n`);
  },
};
