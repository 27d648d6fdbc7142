import { z } from 'zod';

/** A point in time in a view, ISO 8601 in UTC (`2026-01-31T12:00:00.000Z`). */
export const timestampSchema = z.string().meta({ format: 'date-time' });
