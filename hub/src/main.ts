#!/usr/bin/env node
import { ConfigError } from '@flotilla/core';
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
  console.error(error);
  process.exit(1);
}
