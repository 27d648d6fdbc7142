// Real agents of simulated clusters in a process of their own, on the built @flotilla/agent and with no TypeScript
// loader. Driven over IPC by commit-to-simulated-fleet.bench.ts:
//   { type: 'start', agents: [{ cluster, env }] } → { type: 'started' } (env: FLOTILLA_… settings of each agent)
//   { type: 'stop' } → stops every agent and exits.
import { parseAgentConfig, startAgent } from '@flotilla/agent';

const agents = [];

process.on('message', async (message) => {
  try {
    if (message.type === 'start') {
      const started = await Promise.all(message.agents.map(({ env }) => startAgent(parseAgentConfig({ env }), { retryDelayMs: 500 })));
      agents.push(...started);
      process.send({ type: 'started' });
    } else if (message.type === 'stop') {
      await Promise.all(agents.map((agent) => agent.stop().catch(() => undefined)));
      process.exit(0);
    }
  } catch (error) {
    process.send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
});
// Gone with the benchmark's process, even when it did not say stop.
process.on('disconnect', () => process.exit(0));
