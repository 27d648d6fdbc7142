import { compareBytewise, FlotillaError, type RenderErrorDetail } from '@flotilla/core';
import { type RendererName } from './built-app.js';

/** Most errors listed in `data.errors`. */
const MAX_ERRORS = 100;

/** What went wrong in one render, where: the data of every RENDER_FAILED this package throws. */
export interface RenderFailure {
  renderer: RendererName;
  appPath: string;
  /** The repository-relative file the problem is in (or the App's path when there is no one file). */
  file: string;
  /** The tool's own message (trimmed), or Flotilla's. */
  message: string;
}

/** A RENDER_FAILED naming the renderer, the App's path and the file, with the message as the tool gave it. */
export function renderFailed(failure: RenderFailure, cause?: unknown): FlotillaError {
  const { renderer, appPath, file, message } = failure;
  const errors: RenderErrorDetail[] = [{ code: 'RENDER_FAILED', file, line: 0, message }];
  return new FlotillaError('RENDER_FAILED', `${renderer} render of "${appPath || '.'}" failed: ${file}: ${message}`, {
    data: { ...failure, errors, omittedErrors: 0 },
    cause,
  });
}

/** A RENDER_FAILED listing every problem found in manifests (sorted by file and line), naming the first ones. */
export function manifestsFailed(renderer: RendererName, appPath: string, errors: RenderErrorDetail[]): FlotillaError {
  errors.sort((a, b) => compareBytewise(a.file, b.file) || a.line - b.line);
  const shown = errors.slice(0, 3).map((e) => `${e.file}${e.line > 0 ? `:${e.line}` : ''}: ${e.message}`);
  const more = errors.length > 3 ? `; and ${errors.length - 3} more` : '';
  const count = errors.length === 1 ? '1 error' : `${errors.length} errors`;
  const first = errors[0];
  return new FlotillaError('RENDER_FAILED', `manifests under "${appPath || '.'}" failed to render with ${count}: ${shown.join('; ')}${more}`, {
    data: {
      renderer,
      appPath,
      file: first?.file ?? appPath,
      message: first?.message ?? '',
      errors: errors.slice(0, MAX_ERRORS),
      omittedErrors: Math.max(0, errors.length - MAX_ERRORS),
    },
  });
}
