import { FlotillaError } from '@flotilla/core';

/** Longest message kept from a renderer: tools can write pages. */
const MAX_MESSAGE = 2000;

/** Why one App revision (or one cluster's variables) did not render: the tool's own message, trimmed, and the file. */
export interface RenderFailure {
  code: string;
  renderer: string;
  message: string;
  file?: string;
}

/** The render failure an error stands for: the tool's message (trimmed) and the file it names, when it names one. */
export function toRenderFailure(error: unknown, renderer: string): RenderFailure {
  const message = (error instanceof Error ? error.message : String(error)).trim();
  const trimmed = message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message;
  if (!FlotillaError.is(error)) return { code: 'RENDER_FAILED', renderer, message: trimmed };
  const data = error.data;
  const errors = Array.isArray(data.errors) ? (data.errors as Array<{ file?: unknown }>) : [];
  const file = typeof data.file === 'string' ? data.file : typeof errors[0]?.file === 'string' ? errors[0].file : undefined;
  return {
    code: error.code,
    renderer: typeof data.renderer === 'string' ? data.renderer : renderer,
    message: trimmed,
    ...(file ? { file } : {}),
  };
}
