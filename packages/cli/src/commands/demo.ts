import { CliError } from '../errors/cli-error.js';
import type { Command } from './command.js';

/** The package that brings the demo; the CLI loads it only when `flotilla demo` runs, so it never needs testenv. */
export const DEMO_PACKAGE = '@flotilla/demo';

/**
 * `flotilla demo`: the demo lives in its own package (it starts real control planes from testenv); this verb loads
 * that package's `demo` verb when it is installed beside the CLI, and says how to get it when it is not.
 */
export const demoCommand: Command = {
  name: 'demo',
  summary: 'start a hub, three clusters and a Git server here, and walk through the GitOps loop (package @flotilla/demo)',
  usage: `flotilla demo [--keep] [--pace MS] [--http-port PORT] [--grpc-port PORT]

Runs the demo of the ${DEMO_PACKAGE} package (in a checkout: pnpm demo). "flotilla demo --help" shows its options
when the package is installed.

Example:
  pnpm demo --keep`,
  load: loadDemoCommand,
  // runCli loads the real verb before parsing its options; this is for callers that run the command directly.
  async run(context, args) {
    return (await loadDemoCommand()).run(context, args);
  },
};

async function loadDemoCommand(): Promise<Command> {
  let module: { demoCommand?: Command };
  try {
    module = (await import(/* @vite-ignore */ DEMO_PACKAGE)) as { demoCommand?: Command };
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && !/Cannot find (module|package)|Failed to load url/.test(String((error as Error).message))) throw error;
    throw new CliError(
      'UNSUPPORTED',
      `the demo is a package of its own: install ${DEMO_PACKAGE} beside the CLI, or run "pnpm demo" in a checkout of flotilla`,
      { package: DEMO_PACKAGE },
      { cause: error },
    );
  }
  if (!module.demoCommand) throw new CliError('UNSUPPORTED', `${DEMO_PACKAGE} has no demo verb; update it`, { package: DEMO_PACKAGE });
  return module.demoCommand;
}
