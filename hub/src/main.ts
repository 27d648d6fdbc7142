#!/usr/bin/env node
import { ConfigError, FlotillaError } from '@flotilla/core';
import { parseHubConfig } from './config/hub-config.js';
import { startHub } from './start-hub.js';

// Entry point: the only place that reads the environment and argv.
try {
  const config = parseHubConfig({ env: process.env, argv: process.argv.slice(2) });
  await startHub(config);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  // Refusals at start (another hub on this SQLite file) say what to do: the message is enough.
  if (error instanceof FlotillaError && error.code === 'FAILED_PRECONDITION') {
    console.error(error.message);
    process.exit(1);
  }
  console.error(error);
  process.exit(1);
}
