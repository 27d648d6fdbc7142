import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RenderingModule } from '../rendering/rendering.module.js';
import { SourcesModule } from '../sources/sources.module.js';
import { AppEvents } from './app-events.js';
import { App } from './app.entity.js';
import { AppsController } from './apps.controller.js';
import { AppsService } from './apps.service.js';

/** Apps. */
@Module({ imports: [TypeOrmModule.forFeature([App]), SourcesModule, RenderingModule], controllers: [AppsController], providers: [AppsService, AppEvents], exports: [AppsService, AppEvents] })
export class AppsModule {}
