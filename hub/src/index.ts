// The hub as a library: for the CLI (`flotilla hub`), the demo and end-to-end tests.
export { parseHubConfig, hubConfigSchema, type HubConfig } from './config/hub-config.js';
export { ConfigError } from '@flotilla/core';
export { startHub, type Hub, type StartHubOptions } from './start-hub.js';
