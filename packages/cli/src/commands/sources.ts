import { CliError } from '../errors/cli-error.js';
import type { SourceView } from '@flotilla/api';
import { formatFields, formatTable, type Column } from '../output/format-table.js';
import { formatAge, shortRevision } from '../output/format-values.js';
import { noMoreArguments, numberOption, requiredArgument, stringOption, subcommandOf } from './arguments.js';
import { type Command, printData } from './command.js';

const USAGE = `flotilla sources [list]
flotilla sources get NAME
flotilla sources create NAME --url URL [--ref main] [--poll-interval SECONDS]
flotilla sources update NAME [--url URL] [--ref REF] [--poll-interval SECONDS]
flotilla sources refresh NAME
flotilla sources revisions NAME
flotilla sources delete NAME

Git repositories (and the branch or tag) the hub tracks. "refresh" resolves the ref now instead of at the next poll;
"revisions" lists the commits the hub has seen on it, newest first; "update" changes what is given.
  --url            clone URL over http(s)
  --ref            branch or tag to follow; default main
  --poll-interval  seconds between polls (5 to 86400); default 60

Examples:
  flotilla sources create fleet --url https://git.example/fleet.git --ref main
  flotilla sources update fleet --poll-interval 300
  flotilla sources revisions fleet -o json`;

const columns: Array<Column<SourceView>> = [
  { header: 'name', value: (s) => s.name },
  { header: 'url', value: (s) => s.url },
  { header: 'ref', value: (s) => s.ref },
  { header: 'revision', value: (s) => shortRevision(s.revision) },
  { header: 'checked', value: (s) => formatAge(s.checkedAt) },
  { header: 'error', value: (s) => s.lastError ?? '-' },
];

/** `flotilla sources`: list, get, create, update, refresh, revisions, delete. */
export const sourcesCommand: Command = {
  name: 'sources',
  summary: 'list, add, change, refresh and remove Git sources; the revisions seen',
  usage: USAGE,
  options: { url: { type: 'string' }, ref: { type: 'string' }, 'poll-interval': { type: 'string' } },
  async run(context, args) {
    const hub = context.hub();
    const action = subcommandOf(args, ['list', 'get', 'create', 'update', 'refresh', 'revisions', 'delete'], 'list', 'sources');
    if (action === 'list') {
      noMoreArguments(args, args.positionals.length === 0 ? 0 : 1);
      const list = await hub.listSources({ limit: 1000 });
      if (context.output !== 'table') return printData(context, list);
      if (list.items.length === 0) return context.stdout.write('no sources; add one with: flotilla sources create NAME --url URL\n');
      context.stdout.write(`${formatTable(columns, list.items)}\n`);
      return;
    }
    const name = requiredArgument(args, 1, 'the source name', `flotilla sources ${action} NAME`);
    noMoreArguments(args, 2);
    if (action === 'get') {
      const source = await hub.getSource(name);
      if (context.output !== 'table') return printData(context, source);
      context.stdout.write(
        `${formatFields([
          ['Name', source.name],
          ['URL', source.url],
          ['Ref', source.ref],
          ['Revision', source.revision ?? '-'],
          ['Checked', source.checkedAt ? `${source.checkedAt} (${formatAge(source.checkedAt)} ago)` : 'never'],
          ['Poll interval', `${source.pollIntervalSeconds}s`],
          ['Credentials', source.hasCredentials ? 'yes' : 'no'],
          ['Webhook secret', source.hasWebhookSecret ? 'yes' : 'no'],
          ['Last error', source.lastError ?? '-'],
        ])}\n`,
      );
      return;
    }
    if (action === 'create') {
      const url = stringOption(args, 'url');
      if (!url) requiredArgument({ ...args, positionals: [] }, 0, '--url', USAGE.split('\n')[2] as string);
      const pollIntervalSeconds = numberOption(args, 'poll-interval', { min: 5, max: 86_400 });
      const source = await hub.createSource({ name, url: url as string, ref: stringOption(args, 'ref'), pollIntervalSeconds });
      if (context.output !== 'table') return printData(context, source);
      context.stdout.write(`source ${source.name} tracks ${source.url} ${source.ref}: ${source.revision ?? source.lastError ?? 'not resolved yet'}\n`);
      return;
    }
    if (action === 'update') {
      const pollIntervalSeconds = numberOption(args, 'poll-interval', { min: 5, max: 86_400 });
      const body = { url: stringOption(args, 'url'), ref: stringOption(args, 'ref'), pollIntervalSeconds };
      if (Object.values(body).every((value) => value === undefined)) throw new CliError('USAGE', 'nothing to change: give --url, --ref or --poll-interval');
      const source = await hub.updateSource(name, body);
      if (context.output !== 'table') return printData(context, source);
      context.stdout.write(`source ${source.name} tracks ${source.url} ${source.ref}, polled every ${source.pollIntervalSeconds}s\n`);
      return;
    }
    if (action === 'revisions') {
      const list = await hub.listSourceRevisions(name);
      if (context.output !== 'table') return printData(context, list);
      if (list.items.length === 0) return context.stdout.write(`no revisions of source ${name} yet\n`);
      context.stdout.write(
        `${formatTable(
          [
            { header: 'revision', value: (r) => shortRevision(r.revision) },
            { header: 'trigger', value: (r) => r.trigger },
            { header: 'seen', value: (r) => formatAge(r.createdAt) },
          ],
          list.items,
        )}\n`,
      );
      return;
    }
    if (action === 'refresh') {
      const source = await hub.refreshSource(name);
      if (context.output !== 'table') return printData(context, source);
      const what = source.lastError ? `failed: ${source.lastError}` : source.changed ? `moved to ${source.revision}` : `unchanged at ${source.revision ?? '-'}`;
      context.stdout.write(`source ${source.name} ${what}\n`);
      return;
    }
    await hub.deleteSource(name);
    if (context.output !== 'table') return printData(context, { deleted: name });
    context.stdout.write(`source ${name} removed\n`);
  },
};
