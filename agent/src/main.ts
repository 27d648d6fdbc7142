#!/usr/bin/env node
import { ConfigError } from '@flotilla/core';
import { parseAgentConfig } from './config/agent-config.js';
import { describeStartFailure } from './describe-start-failure.js';
import { startAgent } from './start-agent.js';

// Entry point: the only place that reads the environment and argv.
try {
  const agent = await startAgent(parseAgentConfig({ env: process.env, argv: process.argv.slice(2) }));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      agent.logger.info({ signal }, 'stopping');
      void agent.stop().then(() => process.exit(0));
    });
  }
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  // One line naming what failed (a refused permission: its verb, resource and namespace); no stack, no HTTP headers.
  console.error(`flotilla agent: ${describeStartFailure(error)}`);
  process.exit(1);
}
