import { agentConfigSchema, describeStartFailure, parseAgentConfig, startAgent } from '@flotilla/agent';
import { CliError } from '../errors/cli-error.js';
import { type Command } from './command.js';
import { describeSettings, formatSettingsHelp } from './describe-settings.js';
import { untilAborted } from './until-aborted.js';

/** `flotilla agent`: runs an agent in this process until Ctrl-C or SIGTERM. */
export const agentCommand: Command = {
  name: 'agent',
  summary: 'run an agent for one cluster: dials the hub, applies what it is assigned',
  usage: `flotilla agent [settings]

Runs the agent of one cluster until Ctrl-C or SIGTERM. Each setting is a flag or an environment variable (flags win):
${formatSettingsHelp(describeSettings(agentConfigSchema))}

Example:
  FLOTILLA_HUB_ADDRESS=hub.example:9090 FLOTILLA_CLUSTER=eu-1 FLOTILLA_TOKEN=<join token> flotilla agent --kubeconfig ~/.kube/config`,
  isPassThrough: true,
  async run(context, args) {
    const config = parseAgentConfig({ env: context.env, argv: args.raw });
    // A start-up failure is one line (a refused permission names its verb, resource and namespace), not a stack.
    const agent = await startAgent(config).catch((error: unknown) => {
      throw new CliError('FAILED', describeStartFailure(error), {}, { cause: error });
    });
    await untilAborted(context.signal);
    await agent.stop();
  },
};
