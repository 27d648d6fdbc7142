import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError } from '@flotilla/core';
import { CliError } from './errors/cli-error.js';
import { HubClient } from './client/hub-client.js';
import { agentCommand } from './commands/agent.js';
import { auditCommand } from './commands/audit.js';
import { appsCommand } from './commands/apps.js';
import { clustersCommand } from './commands/clusters.js';
import { type Command, type CommandContext, OUTPUT_FORMATS, type OutputFormat, type OutputStream } from './commands/command.js';
import { demoCommand } from './commands/demo.js';
import { driftCommand } from './commands/drift.js';
import { hubCommand } from './commands/hub.js';
import { rollbackCommand } from './commands/rollback.js';
import { rolloutsCommand } from './commands/rollouts.js';
import { sourcesCommand } from './commands/sources.js';
import { statusCommand } from './commands/status.js';
import { tokensCommand } from './commands/tokens.js';
import { Style } from './output/style.js';
import { CLI_VERSION } from './version.js';

/** Every verb, in the order help lists them. */
export const COMMANDS: readonly Command[] = [
  demoCommand,
  hubCommand,
  agentCommand,
  clustersCommand,
  sourcesCommand,
  appsCommand,
  statusCommand,
  driftCommand,
  rolloutsCommand,
  rollbackCommand,
  tokensCommand,
  auditCommand,
];

/** Where the CLI reads and writes; the entry point passes the process's own. */
export interface CliEnvironment {
  env: Record<string, string | undefined>;
  stdout: OutputStream;
  stderr: OutputStream;
  /** Aborted on Ctrl-C / SIGTERM: watches end, hub, agent and demo stop. */
  signal?: AbortSignal;
  /** Verbs another package brings (the demo's `demo`), found before the built-in ones of the same name. */
  commands?: readonly Command[];
}

export const DEFAULT_HUB_URL = 'http://127.0.0.1:8080';

const GLOBAL_OPTIONS = {
  hub: { type: 'string' },
  'grpc-address': { type: 'string' },
  token: { type: 'string' },
  output: { type: 'string', short: 'o' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

const GLOBAL_HELP = `Global options (before or after the verb):
  --hub URL               the hub's REST API; env FLOTILLA_HUB_URL (default ${DEFAULT_HUB_URL})
  --grpc-address H:P      the hub's gRPC services, for --watch; env FLOTILLA_HUB_GRPC_ADDRESS (default: the hub's host, port 9090)
  --token TOKEN           API token sent as "Authorization: Bearer" (REST and status stream); env FLOTILLA_API_TOKEN
  -o, --output FORMAT     table (default), json or yaml
  --no-color              no colours (also when NO_COLOR is set or output is not a terminal)
  -h, --help              help for flotilla or a verb`;

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `flotilla ${CLI_VERSION}: multi-cluster GitOps. A hub tracks Git and streams assignments to an agent in every cluster.

Usage: flotilla VERB [options]

Verbs:
${COMMANDS.map((c) => `  ${c.name.padEnd(width + 2)}${c.summary}`).join('\n')}

${GLOBAL_HELP}

Start with "flotilla demo". "flotilla help VERB" or "flotilla VERB --help" shows a verb's options.
Exit status: 0 ok, 1 failed, 2 usage, 3 hub unreachable, 4 token refused, 5 unknown name or unsupported by this hub.`;
}

/** Runs one command line and resolves to its exit status; prints errors as one plain line. */
export async function runCli(argv: readonly string[], environment: CliEnvironment): Promise<number> {
  const { stdout, stderr } = environment;
  try {
    return await dispatch(argv, environment);
  } catch (error) {
    if (error instanceof CliError) {
      stderr.write(`flotilla: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof ConfigError) {
      stderr.write(`flotilla: ${error.message}\n`);
      return 2;
    }
    const code = (error as { code?: string }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      stderr.write(`flotilla: ${(error as Error).message}\n(see flotilla --help)\n`);
      return 2;
    }
    stderr.write(`flotilla: unexpected error: ${environment.env.FLOTILLA_DEBUG ? ((error as Error).stack ?? String(error)) : (error as Error).message}\n`);
    void stdout;
    return 1;
  }
}

async function dispatch(argv: readonly string[], environment: CliEnvironment): Promise<number> {
  const verbIndex = findVerb(argv);
  const verbName = verbIndex === -1 ? undefined : argv[verbIndex];
  if (verbName === 'help') {
    const topic = argv[verbIndex + 1];
    const listed = [...(environment.commands ?? []), ...COMMANDS].find((c) => c.name === topic);
    const command = listed?.load ? await listed.load().catch(() => listed) : listed;
    environment.stdout.write(`${command ? `${command.usage}\n\n${GLOBAL_HELP}` : overview()}\n`);
    return topic && !command ? 2 : 0;
  }
  const found = verbName === undefined ? undefined : [...(environment.commands ?? []), ...COMMANDS].find((c) => c.name === verbName);
  if (verbName !== undefined && !found) throw new CliError('USAGE', `unknown verb "${verbName}"; see flotilla --help`);
  const command = found?.load ? await found.load() : found;

  const before = verbIndex === -1 ? [...argv] : argv.slice(0, verbIndex);
  const after = verbIndex === -1 ? [] : argv.slice(verbIndex + 1);
  const parsed = parseArgs({
    args: command?.isPassThrough ? before : [...before, ...after],
    options: { ...GLOBAL_OPTIONS, ...(command?.isPassThrough ? {} : command?.options) },
    strict: true,
    allowPositionals: true,
  });
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  if (values.version) {
    environment.stdout.write(`flotilla ${CLI_VERSION}\n`);
    return 0;
  }
  const wantsHelp = values.help === true || (command?.isPassThrough === true && (after.includes('--help') || after.includes('-h')));
  if (!command || wantsHelp) {
    environment.stdout.write(`${command ? `${command.usage}\n\n${GLOBAL_HELP}` : overview()}\n`);
    return command || wantsHelp ? 0 : 2;
  }

  const output = (values.output as string | undefined) ?? 'table';
  if (!isOutputFormat(output)) throw new CliError('USAGE', `--output must be table, json or yaml, got "${output}"`);
  const env = environment.env;
  const hubUrl = (values.hub as string | undefined) ?? env.FLOTILLA_HUB_URL ?? DEFAULT_HUB_URL;
  const token = (values.token as string | undefined) ?? (command.isPassThrough ? undefined : env.FLOTILLA_API_TOKEN);
  const grpcAddress = (values['grpc-address'] as string | undefined) ?? env.FLOTILLA_HUB_GRPC_ADDRESS ?? defaultGrpcAddress(hubUrl);
  const isColor = !values['no-color'] && !env.NO_COLOR && environment.stdout.isTTY;
  let client: HubClient | undefined;
  const context: CommandContext = {
    stdout: environment.stdout,
    stderr: environment.stderr,
    style: new Style(isColor),
    output,
    hub: () => (client ??= new HubClient({ url: validateUrl(hubUrl), token })),
    grpcAddress,
    token,
    env,
    signal: environment.signal ?? new AbortController().signal,
  };
  const positionals = command.isPassThrough ? [] : parsed.positionals;
  const status = await command.run(context, { positionals, values, raw: after });
  return typeof status === 'number' ? status : 0;
}

function isOutputFormat(value: string): value is OutputFormat {
  return (OUTPUT_FORMATS as readonly string[]).includes(value);
}

/** Index of the first argument that is neither a global option nor its value. */
function findVerb(argv: readonly string[]): number {
  const takesValue = new Set(['--hub', '--grpc-address', '--token', '--output', '-o']);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (takesValue.has(arg)) {
      i++;
      continue;
    }
    if (!arg.startsWith('-')) return i;
  }
  return -1;
}

/** The hub's host with the default gRPC port. */
function defaultGrpcAddress(hubUrl: string): string {
  try {
    return `${new URL(hubUrl).hostname}:9090`;
  } catch {
    return '127.0.0.1:9090';
  }
}

function validateUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http(s)');
    return url;
  } catch {
    throw new CliError('USAGE', `--hub must be an http(s) URL such as ${DEFAULT_HUB_URL}, got "${url}"`);
  }
}
