import { createServer } from 'node:net';
import { join } from 'node:path';
import { type INestApplication, Logger } from '@nestjs/common';
import { type MicroserviceOptions, Transport } from '@nestjs/microservices';
import { ReflectionService } from '@grpc/reflection';
import type { Server } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { loadFileDescriptorProtos, PROTO_DIR, PROTO_FILES, PROTO_LOADER_OPTIONS, PROTO_PACKAGE } from '@flotilla/proto';
import type { HubConfig } from '../config/hub-config.js';
import { serverCredentials } from './server-credentials.js';

/** Serves AgentService and StatusService (with server reflection, for grpcurl) on the configured address, over TLS when configured. */
export async function connectGrpc(app: INestApplication, config: HubConfig): Promise<string> {
  const { credentials, security } = serverCredentials(config);
  if (security === 'plaintext') {
    new Logger('grpc').warn('gRPC is plaintext: agent credentials travel in clear; set FLOTILLA_GRPC_TLS_CERT and FLOTILLA_GRPC_TLS_KEY');
  }
  // Nest does not report the port it bound, so port 0 is resolved to a free port here.
  const port = config.grpcPort === 0 ? await findFreePort(config.grpcHost) : config.grpcPort;
  app.connectMicroservice<MicroserviceOptions>(
    {
      transport: Transport.GRPC,
      options: {
        package: PROTO_PACKAGE,
        protoPath: PROTO_FILES.map((file) => join(PROTO_DIR, file)),
        loader: { ...PROTO_LOADER_OPTIONS, includeDirs: [PROTO_DIR] } as never,
        url: `${config.grpcHost}:${port}`,
        credentials,
        maxReceiveMessageLength: config.grpcMaxMessageBytes,
        maxSendMessageLength: config.grpcMaxMessageBytes,
        keepalive: {
          // Agents behind NATs and proxies: ping idle streams so dead peers are found and middleboxes keep state.
          keepaliveTimeMs: 30_000,
          keepaliveTimeoutMs: 10_000,
          keepalivePermitWithoutCalls: 1,
          http2MinPingIntervalWithoutDataMs: 10_000,
        },
        gracefulShutdown: false,
        onLoadPackageDefinition: (_definition: PackageDefinition, server: Server) => {
          new ReflectionService(reflectedFiles()).addToServer(server);
        },
      },
    },
    { inheritAppConfig: true },
  );
  await app.startAllMicroservices();
  const host = config.grpcHost === '0.0.0.0' ? '127.0.0.1' : config.grpcHost;
  return `${host}:${port}`;
}

/**
 * The compiled .proto files, each under its own name with its dependencies, in the shape @grpc/reflection reads (it
 * only looks at `fileDescriptorProtos`). proto-loader's definition would give it one synthesized file per package
 * naming no dependency, which strict clients (grpcurl) cannot resolve google.protobuf.Timestamp against
 * (grpc/grpc-node#2958).
 */
function reflectedFiles(): PackageDefinition {
  return { [PROTO_PACKAGE]: { fileDescriptorProtos: loadFileDescriptorProtos() } } as unknown as PackageDefinition;
}

async function findFreePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
