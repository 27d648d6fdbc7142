import type { DriftView } from '@flotilla/api';
import { CliError } from '../errors/cli-error.js';
import { formatTable } from '../output/format-table.js';
import { formatDriftDiffs } from '../output/format-drift-diffs.js';
import { formatAge, formatCell } from '../output/format-values.js';
import { noMoreArguments, stringOption } from './arguments.js';
import { type Command, printData } from './command.js';

const USAGE = `flotilla drift [APP] [--cluster NAME]

Objects whose live state differs from what their agent applied: which object, which fields, who changed them, and
what the agent did (reported or corrected); then each changed field as "path: desired -> live" (what Git says, then
what the cluster has; long values cut, -o json shows them whole). Needs a hub with drift detection (GET /api/v1/drift).

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
    context.stdout.write(
      `${formatTable(
        [
          { header: 'app', value: (d: DriftView) => d.app },
          { header: 'cluster', value: (d) => d.cluster },
          { header: 'object', value: (d) => formatCell(d.object) },
          { header: 'fields', value: (d) => (d.deleted ? 'deleted' : formatCell(d.diffs.map((diff) => diff.path))) },
          { header: 'manager', value: (d) => formatCell(d.manager) },
          { header: 'action', value: (d) => context.style.state(formatCell(d.action)) },
          { header: 'detected', value: (d) => formatAge(d.detectedAt) },
        ],
        list.items,
      )}\n\n${formatDriftDiffs(list.items, context.style)}\n`,
    );
  },
};
