import { ERROR_CODES } from '@flotilla/core/flotilla-error';
import { z } from 'zod';

/** Every `error.code` the hub answers with: the domain codes of @flotilla/core (HTTP-only failures map onto them). */
export const API_ERROR_CODES = ERROR_CODES;

/** A code of the error body. */
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** The JSON body of every REST error: a stable code, a message for people, and details (per field for bad input). */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.enum(API_ERROR_CODES),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional().describe('facts about the failure; `fields: [{ field, message }]` for bad input'),
  }),
});

/** The JSON body of every REST error. */
export type ErrorBody = z.output<typeof errorBodySchema>;
