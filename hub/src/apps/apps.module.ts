import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Source } from '../sources/source.entity.js';
import { App } from './app.entity.js';
import { AppsController } from './apps.controller.js';
import { AppsService } from './apps.service.js';

/** Apps. */
@Module({ imports: [TypeOrmModule.forFeature([App, Source])], controllers: [AppsController], providers: [AppsService], exports: [AppsService] })
export class AppsModule {}
