import 'reflect-metadata';
import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import type { HubConfig } from './config/hub-config.js';
import { createLogger, NestPinoLogger } from './logging/create-logger.js';

/** A running hub and how to reach and stop it. */
export interface Hub {
  app: INestApplication;
  /** Base URL of the REST API, e.g. `http://127.0.0.1:8080`. */
  httpUrl: string;
  logger: Logger;
  close(): Promise<void>;
}

/** Builds the hub from a validated configuration and starts listening (port 0 picks a free port). */
export async function startHub(config: HubConfig, logger: Logger = createLogger(config.logLevel)): Promise<Hub> {
  const app = await NestFactory.create(AppModule.register(config), { logger: new NestPinoLogger(logger), abortOnError: false });
  app.enableShutdownHooks();
  await app.listen(config.httpPort, config.httpHost);
  const address = app.getHttpServer().address() as { port: number };
  const host = config.httpHost === '0.0.0.0' ? '127.0.0.1' : config.httpHost;
  const httpUrl = `http://${host}:${address.port}`;
  logger.info({ httpUrl }, 'hub listening');
  return { app, httpUrl, logger, close: () => app.close() };
}
