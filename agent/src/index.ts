// The agent as a library: for the CLI (`flotilla agent`), the demo and end-to-end tests.
export { agentConfigSchema, parseAgentConfig, type AgentConfig } from './config/agent-config.js';
export { startAgent, loadKubeConfig, type Agent, type AgentOverrides } from './start-agent.js';
export { AGENT_VERSION } from './version.js';
export { describeStartFailure } from './describe-start-failure.js';
