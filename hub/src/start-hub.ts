import 'reflect-metadata';
import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import { FlotillaExceptionFilter } from './common/flotilla-exception.filter.js';
import { StorableInputPipe } from './common/storable-input.pipe.js';
import type { HubConfig } from './config/hub-config.js';
import { createLogger, NestPinoLogger } from './logging/create-logger.js';
import { connectGrpc } from './grpc/connect-grpc.js';
import { setUpOpenApi } from './openapi/set-up-openapi.js';
import { SqliteSingleReplica } from './replicas/sqlite-single-replica.js';

/** A running hub and how to reach and stop it. */
export interface Hub {
  app: INestApplication;
  /** Base URL of the REST API, e.g. `http://127.0.0.1:8080`. */
  httpUrl: string;
  /** host:port of the gRPC services. */
  grpcAddress: string;
  logger: Logger;
  close(): Promise<void>;
}

/**
 * JSON.parse keeps a `__proto__` key as an own property, but copying it into another object (as validation does)
 * sets that object's prototype or drops the key without a word: such bodies are refused as malformed.
 */
function refuseProtoKeys(key: string, value: unknown): unknown {
  if (key === '__proto__') throw new SyntaxError('"__proto__" is not allowed as a key');
  return value;
}

/** How the hub is embedded. */
export interface StartHubOptions {
  /** Close on SIGINT/SIGTERM by itself (then re-raise the signal); default true. Embedders that close it off. */
  handleSignals?: boolean;
}

/** Builds the hub from a validated configuration and starts listening (port 0 picks a free port). */
export async function startHub(config: HubConfig, logger: Logger = createLogger(config.logLevel), options: StartHubOptions = {}): Promise<Hub> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config), {
    logger: new NestPinoLogger(logger),
    abortOnError: false,
    // Webhook signatures are computed over the exact bytes received.
    rawBody: true,
    bodyParser: false,
  });
  try {
    // Before listening: a second hub on one SQLite file stops here, naming the first.
    await app.get(SqliteSingleReplica).claim();
    app.useBodyParser('json', { limit: config.maxBodyBytes, reviver: refuseProtoKeys });
    app.useGlobalFilters(new FlotillaExceptionFilter());
    app.useGlobalPipes(new StorableInputPipe());
    if (options.handleSignals !== false) app.enableShutdownHooks();
    setUpOpenApi(app);
    const grpcAddress = await connectGrpc(app, config);
    await app.listen(config.httpPort, config.httpHost);
    const address = app.getHttpServer().address() as { port: number };
    const host = config.httpHost === '0.0.0.0' ? '127.0.0.1' : config.httpHost;
    const httpUrl = `http://${host}:${address.port}`;
    logger.info({ httpUrl, grpcAddress }, 'hub listening');
    return { app, httpUrl, grpcAddress, logger, close: () => app.close() };
  } catch (error) {
    // A hub that does not start leaves nothing behind: its database connection, ports and leases (sqlite-hub) go.
    await app.close().catch(() => undefined);
    throw error;
  }
}
