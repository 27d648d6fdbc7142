// Simulated agents for the fan-out benchmark, in their own process, on the built @flotilla/proto client and with no
// TypeScript loader. Driven over IPC by fanout.bench.ts:
//   { type: 'join', address, agents: [{ cluster, joinToken }] } → { type: 'joined', times: [wall clock ms each join ended] }
//     (credentials kept)
//   { type: 'connect' } → { type: 'connected' } once every agent has had AssignmentsComplete
//   { type: 'collect' } → { type: 'times', times: [wall clock ms of the first Assignment of a new revision, per agent], missing }
//   { type: 'rearm' } → { type: 'rearmed' }: the revision each agent has now is the one to leave; collect times the next
//   { type: 'stop' } → closes everything and exits.
// One grpc-js channel (and TCP connection) per agent: 'grpc.use_local_subchannel_pool' keeps channels from sharing.
import * as grpc from '@grpc/grpc-js';
import { AgentServiceClient } from '@flotilla/proto';

const channelOptions = { 'grpc.use_local_subchannel_pool': 1, 'grpc.max_reconnect_backoff_ms': 2000 };
const insecure = grpc.credentials.createInsecure();
let address = '';
let agents = [];
let sequence = 0;

async function pool(items, limit, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

function join(agent) {
  return new Promise((resolve, reject) => {
    const client = new AgentServiceClient(address, insecure);
    client.join({ joinToken: agent.joinToken, cluster: agent.cluster, agentVersion: 'bench' }, (error, response) => {
      client.close();
      if (error) reject(new Error(`join of ${agent.cluster}: ${error.message}`));
      else resolve(response.credential);
    });
  });
}

function connect(agent) {
  return new Promise((resolve, reject) => {
    agent.client = new AgentServiceClient(address, insecure, channelOptions);
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${agent.credential}`);
    const call = agent.client.connect(metadata);
    agent.call = call;
    agent.revision = undefined;
    agent.newAt = undefined;
    let complete = false;
    call.on('data', (message) => {
      if (message.assignment) {
        const revision = message.assignment.revision;
        agent.latest = revision;
        if (!complete || agent.revision === undefined) agent.revision = revision;
        else if (revision !== agent.revision && agent.newAt === undefined) agent.newAt = Date.now();
      } else if (message.assignmentsComplete && !complete) {
        complete = true;
        resolve();
      }
    });
    call.on('error', (error) => {
      if (!complete) reject(new Error(`stream of ${agent.cluster}: ${error.message}`));
    });
    call.write({ hello: { cluster: agent.cluster, agentVersion: 'bench', kubernetesVersion: 'v1.36.3', assignments: [], bufferedReports: 0, droppedReports: 0, capabilities: [] } });
  });
}

const heartbeats = setInterval(() => {
  sequence++;
  const now = Date.now();
  for (const agent of agents) agent.call?.write({ heartbeat: { sequence, sentAt: { seconds: Math.floor(now / 1000), nanos: (now % 1000) * 1e6 } } });
}, 20_000);

process.on('message', async (message) => {
  try {
    if (message.type === 'join') {
      address = message.address;
      agents = message.agents.map((a) => ({ ...a }));
      const times = [];
      await pool(agents, 32, async (agent) => {
        agent.credential = await join(agent);
        times.push(Date.now());
      });
      process.send({ type: 'joined', times });
    } else if (message.type === 'connect') {
      await pool(agents, 64, connect);
      process.send({ type: 'connected' });
    } else if (message.type === 'rearm') {
      for (const agent of agents) {
        agent.revision = agent.latest;
        agent.newAt = undefined;
      }
      process.send({ type: 'rearmed' });
    } else if (message.type === 'collect') {
      const times = agents.filter((a) => a.newAt !== undefined).map((a) => a.newAt);
      process.send({ type: 'times', times, missing: agents.length - times.length });
    } else if (message.type === 'stop') {
      clearInterval(heartbeats);
      for (const agent of agents) {
        agent.call?.cancel();
        agent.client?.close();
      }
      process.exit(0);
    }
  } catch (error) {
    process.send({ type: 'error', message: error.message });
  }
});
