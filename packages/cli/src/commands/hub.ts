import { FlotillaError } from '@flotilla/core';
import { hubConfigSchema, parseHubConfig, startHub } from '@flotilla/hub';
import { CliError } from '../errors/cli-error.js';
import { type Command } from './command.js';
import { describeSettings, formatSettingsHelp } from './describe-settings.js';
import { untilAborted } from './until-aborted.js';

/** `flotilla hub`: runs the hub in this process until Ctrl-C or SIGTERM. */
export const hubCommand: Command = {
  name: 'hub',
  summary: 'run the hub: REST API, gRPC services, SQLite (default) or PostgreSQL',
  usage: `flotilla hub [settings]

Runs the hub until Ctrl-C or SIGTERM. Each setting is a flag or an environment variable (flags win):
${formatSettingsHelp(describeSettings(hubConfigSchema))}

Examples:
  flotilla hub --data-dir /var/lib/flotilla --admin-token "$ADMIN_TOKEN"
  FLOTILLA_DATABASE_URL=postgres://flotilla@db/flotilla flotilla hub`,
  isPassThrough: true,
  async run(context, args) {
    // A bad setting is a ConfigError listing every bad key; runCli prints it and exits 2.
    const config = parseHubConfig({ env: context.env, argv: args.raw });
    // The CLI handles Ctrl-C and SIGTERM (see bin/flotilla.ts) and closes the hub below.
    const hub = await startHub(config, undefined, { handleSignals: false }).catch((error: unknown) => {
      // A refusal to start (another hub runs on this SQLite file) says what to do: print it as it is.
      if (error instanceof FlotillaError && error.code === 'FAILED_PRECONDITION') throw new CliError('FAILED', error.message, error.data, { cause: error });
      throw error;
    });
    context.stderr.write(`hub listening: REST ${hub.httpUrl} (OpenAPI at ${hub.httpUrl}/api/docs, metrics at ${hub.httpUrl}/metrics), gRPC ${hub.grpcAddress}\n`);
    await untilAborted(context.signal);
    await hub.close();
  },
};
