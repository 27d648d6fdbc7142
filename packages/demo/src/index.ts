// The flotilla demo as a library: the `demo` verb, the walk-through itself, and the local-fleet wiring it shares with
// end-to-end tests (a Git server, real control planes and a hub on this machine, with agents in this process).
export { demoCommand } from './demo-command.js';
export { DEMO_CLUSTERS, runDemo, type DemoOptions, type DemoResult } from './run-demo.js';
export { portOrFree, startLocalFleet, type LocalCluster, type LocalFleet, type LocalFleetOptions } from './start-local-fleet.js';
