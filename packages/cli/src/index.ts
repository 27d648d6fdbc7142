// The flotilla command as a library: the CLI itself (runCli), the REST and status-stream clients it is built on, and
// the demo with the local-fleet wiring it shares with end-to-end tests.
export { CliError, EXIT_CODES, type CliErrorCode } from './cli-error.js';
export { COMMANDS, DEFAULT_HUB_URL, runCli, type CliEnvironment } from './run-cli.js';
export { HubClient, type HubClientOptions } from './client/hub-client.js';
export { FleetView, enumWord, healthOf, isSyncedAndHealthy, phaseOf } from './client/fleet-view.js';
export { watchStatus, type WatchStatusOptions } from './client/watch-status.js';
export { waitForApp, type WaitForAppOptions } from './client/wait-for-app.js';
export { describeSettings, formatSettingsHelp, type SettingHelp } from './commands/describe-settings.js';
export { DEMO_CLUSTERS, runDemo, type DemoOptions, type DemoResult } from './demo/run-demo.js';
export { portOrFree, startLocalFleet, type LocalCluster, type LocalFleet, type LocalFleetOptions } from './demo/start-local-fleet.js';
export { Style } from './output/style.js';
export { CLI_VERSION } from './version.js';
