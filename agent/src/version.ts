/** The agent's version, sent in AgentHello. */
export const AGENT_VERSION = '0.1.0';
