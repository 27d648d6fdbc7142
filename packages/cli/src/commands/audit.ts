import { formatTable } from '../output/format-table.js';
import { formatAge, formatCell } from '../output/format-values.js';
import { noMoreArguments, numberOption, stringOption } from './arguments.js';
import { type Command, printData } from './command.js';

const USAGE = `flotilla audit [--actor NAME] [--action ACTION] [--target TARGET] [--limit N]

The audit log: who did what to which target, and how it ended, newest first (GET /api/v1/audit).
  --actor   only this actor, e.g. "token:admin"
  --action  only this action, e.g. app.rollback, token.create
  --target  only this target, e.g. app/web
  --limit   how many; default 50

Examples:
  flotilla audit --target app/web
  flotilla audit --action app.rollback -o json`;

/** `flotilla audit`: the audit log. */
export const auditCommand: Command = {
  name: 'audit',
  summary: 'who did what to the fleet, newest first',
  usage: USAGE,
  options: { actor: { type: 'string' }, action: { type: 'string' }, target: { type: 'string' }, limit: { type: 'string' } },
  async run(context, args) {
    noMoreArguments(args, 0);
    const list = await context.hub().listAuditEvents({
      actor: stringOption(args, 'actor'),
      action: stringOption(args, 'action'),
      target: stringOption(args, 'target'),
      limit: numberOption(args, 'limit', { min: 1, max: 1000 }) ?? 50,
    });
    if (context.output !== 'table') return printData(context, list);
    if (list.items.length === 0) return context.stdout.write('no audit events\n');
    context.stdout.write(
      `${formatTable(
        [
          { header: 'when', value: (e) => formatAge(e.createdAt) },
          { header: 'actor', value: (e) => formatCell(e.actor) },
          { header: 'action', value: (e) => formatCell(e.action) },
          { header: 'target', value: (e) => formatCell(e.target) },
          { header: 'result', value: (e) => (e.result === 'failure' ? context.style.red('failure') : formatCell(e.result)) },
          { header: 'details', value: (e) => formatCell(e.details && Object.keys(e.details).length > 0 ? e.details : undefined) },
        ],
        list.items,
      )}\n`,
    );
  },
};
