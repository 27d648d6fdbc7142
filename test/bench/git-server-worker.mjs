// The test Git server in a process of its own, on the built @flotilla/testenv and with no TypeScript loader, so that
// the git-http-backend processes it starts for every request are not forked from the (large, busy) benchmark process.
// Driven over IPC by git-server-process.ts:
//   { type: 'start' } → { type: 'started', url, directory }
//   { type: 'create', name, files } → { type: 'created', repository }
//   { type: 'stop' } → stops the server and exits.
import { startGitServer } from '@flotilla/testenv';

let server;

process.on('message', async (message) => {
  try {
    if (message.type === 'start') {
      server = await startGitServer();
      process.send({ type: 'started', url: server.url, directory: server.directory });
    } else if (message.type === 'create') {
      process.send({ type: 'created', repository: await server.createRepository(message.name, message.files) });
    } else if (message.type === 'stop') {
      await server?.stop();
      process.exit(0);
    }
  } catch (error) {
    process.send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
});
// Gone with the benchmark's process, even when it did not say stop.
process.on('disconnect', () => void Promise.resolve(server?.stop()).finally(() => process.exit(0)));
