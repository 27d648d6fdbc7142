import { Inject, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import { loadUiFiles, UI_NOT_BUILT_PAGE, uiDistDir, type UiFile } from './ui-files.js';

/**
 * Serves the web UI (packages/ui, built to static files) at `/`: hashed assets cached for good, index.html revalidated.
 * The UI uses relative URLs only, so it works under a path prefix behind a proxy. If the UI was not built, `/` says how.
 */
@Module({})
export class UiModule implements OnModuleInit {
  private readonly logger = new Logger('ui');

  constructor(@Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const dir = uiDistDir();
    const files = loadUiFiles(dir);
    if (files.size === 0) this.logger.warn({ msg: 'web UI not built: / serves a page saying how to build it', dir });
    const app = this.adapterHost.httpAdapter.getInstance<{ use(handler: (req: Request, res: Response, next: NextFunction) => void): void }>();
    app.use((req, res, next) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return next();
      const file = files.get(req.path);
      if (file) return send(res, file);
      if (req.path === '/' || req.path === '/index.html') {
        res.status(404).set({ 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' }).send(UI_NOT_BUILT_PAGE);
        return;
      }
      next();
    });
  }
}

function send(res: Response, file: UiFile): void {
  res
    .status(200)
    .set({ 'content-type': file.contentType, 'cache-control': file.cacheControl, 'x-content-type-options': 'nosniff' })
    .send(file.body);
}
