// The fan-out benchmark's baseline: a bare @grpc/grpc-js server of AgentService (no NestJS, no database) that holds
// every Connect stream and broadcasts one Assignment to all of them. Same wire protocol as the hub, so the same load
// workers drive it. Driven over IPC: { type: 'broadcast' } writes a new revision to every stream; it reports
// { type: 'listening', port } first. Join answers every join token with the credential "bench".
import * as grpc from '@grpc/grpc-js';
import { AgentServiceService, HubMessage } from '@flotilla/proto';

const streams = new Set();
const assignment = (revision) => HubMessage.fromPartial({
  assignment: { app: 'bench', generation: revision === 'main@sha1:1' ? 1 : 2, source: { url: 'http://127.0.0.1/fleet.git', ref: 'main', commit: '0'.repeat(40) }, revision, path: 'app', variables: {}, defaultNamespace: 'bench' },
});
let revision = 'main@sha1:1';

const server = new grpc.Server();
server.addService(AgentServiceService, {
  join(call, callback) {
    callback(null, { credential: 'bench' });
  },
  connect(call) {
    call.on('data', (message) => {
      if (message.hello) {
        streams.add(call);
        call.write(HubMessage.fromPartial({ hello: { cluster: message.hello.cluster, hubVersion: 'bench', heartbeatIntervalMs: 600_000, heartbeatTimeoutMs: 1_800_000, capabilities: [] } }));
        call.write(assignment(revision));
        call.write(HubMessage.fromPartial({ assignmentsComplete: { apps: ['bench'] } }));
      } else if (message.heartbeat) {
        call.write(HubMessage.fromPartial({ heartbeatAck: { sequence: message.heartbeat.sequence } }));
      }
    });
    const drop = () => streams.delete(call);
    call.on('end', () => {
      drop();
      call.end();
    });
    call.on('error', drop);
    call.on('cancelled', drop);
  },
});
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) throw error;
  process.send({ type: 'listening', port });
});
process.on('message', (message) => {
  if (message.type === 'broadcast') {
    revision = 'main@sha1:2';
    const payload = assignment(revision);
    for (const call of streams) call.write(payload);
    process.send({ type: 'broadcast', streams: streams.size });
  } else if (message.type === 'stop') {
    server.forceShutdown();
    process.exit(0);
  }
});
