import { ROLES, type Role } from '@flotilla/api';
import { CliError } from '../errors/cli-error.js';
import { formatFields, formatTable } from '../output/format-table.js';
import { formatAge, formatCell } from '../output/format-values.js';
import { noMoreArguments, requiredArgument, stringOption, subcommandOf } from './arguments.js';
import { type Command, printData } from './command.js';

const USAGE = `flotilla tokens [list]
flotilla tokens get NAME
flotilla tokens create NAME --role viewer|operator|admin [--expires-at TIME]
flotilla tokens revoke NAME

API tokens of the REST API and the status stream, each with a role: viewer reads, operator also changes apps, rollouts
and sources, admin also clusters and tokens (admin only). "create" prints the token once; "revoke" stops it at once
(not the last admin token).
  --role        what the token may do
  --expires-at  when it stops working, e.g. 2027-01-31T00:00:00Z; default never

Examples:
  flotilla tokens create ci --role operator --expires-at 2027-01-31T00:00:00Z
  flotilla tokens -o yaml
  flotilla tokens revoke ci`;

/** `flotilla tokens`: list, get, create, revoke (GET/POST /api/v1/tokens, DELETE /api/v1/tokens/{name}). */
export const tokensCommand: Command = {
  name: 'tokens',
  summary: 'list, create and revoke API tokens (admin)',
  usage: USAGE,
  options: { role: { type: 'string' }, 'expires-at': { type: 'string' } },
  async run(context, args) {
    const hub = context.hub();
    const action = subcommandOf(args, ['list', 'get', 'create', 'revoke'], 'list', 'tokens');
    if (action === 'list') {
      noMoreArguments(args, args.positionals.length === 0 ? 0 : 1);
      const list = await hub.listApiTokens({ limit: 1000 });
      if (context.output !== 'table') return printData(context, list);
      context.stdout.write(
        `${formatTable(
          [
            { header: 'name', value: (t) => t.name },
            { header: 'role', value: (t) => t.role },
            { header: 'created by', value: (t) => t.createdBy },
            { header: 'age', value: (t) => formatAge(t.createdAt) },
            { header: 'expires', value: (t) => formatCell(t.expiresAt ?? 'never') },
            { header: 'last used', value: (t) => (t.lastUsedAt ? `${formatAge(t.lastUsedAt)} ago` : 'never') },
          ],
          list.items,
        )}\n`,
      );
      return;
    }
    const name = requiredArgument(args, 1, 'the token name', `flotilla tokens ${action} NAME`);
    noMoreArguments(args, 2);
    if (action === 'get') {
      const token = await hub.getApiToken(name);
      if (context.output !== 'table') return printData(context, token);
      context.stdout.write(`${formatFields(Object.entries(token).map(([key, value]) => [key, formatCell(value)]))}\n`);
      return;
    }
    if (action === 'create') {
      const role = stringOption(args, 'role');
      if (!role || !(ROLES as readonly string[]).includes(role)) throw new CliError('USAGE', `--role must be one of ${ROLES.join(', ')}${role ? `, got "${role}"` : ''}`);
      const expiresAt = stringOption(args, 'expires-at');
      const created = await hub.createApiToken({ name, role: role as Role, ...(expiresAt ? { expiresAt } : {}) });
      if (context.output !== 'table') return printData(context, created);
      context.stdout.write(
        `token ${created.name} created with role ${created.role}${created.expiresAt ? `, until ${created.expiresAt}` : ''}\ntoken (shown only now): ${created.token}\nuse it with: FLOTILLA_API_TOKEN=${created.token} flotilla apps\n`,
      );
      return;
    }
    await hub.deleteApiToken(name);
    if (context.output !== 'table') return printData(context, { revoked: name });
    context.stdout.write(`token ${name} revoked; it no longer works\n`);
  },
};
