import { Module } from '@nestjs/common';
import { ArtifactsModule } from '../artifacts/artifacts.module.js';
import { AppRenderer } from './app-renderer.service.js';
import { RenderEvents, RenderStatus } from './render-status.js';
import { SourceCheckouts } from './source-checkouts.js';

/** Rendering on the hub: Git checkouts of Source commits, builds shared between clusters, the render state of Apps. */
@Module({
  imports: [ArtifactsModule],
  providers: [AppRenderer, SourceCheckouts, RenderStatus, RenderEvents],
  exports: [AppRenderer, SourceCheckouts, RenderStatus, RenderEvents, ArtifactsModule],
})
export class RenderingModule {}
