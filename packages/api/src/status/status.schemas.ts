import { z } from 'zod';
import { pageQuerySchema } from '../common/page-query-schema.js';

/** Query of GET /api/v1/apps/{name}/history. */
export const historyQuerySchema = pageQuerySchema.extend({ cluster: z.string().max(63).optional().describe('only this cluster') });
export type HistoryQuery = z.output<typeof historyQuerySchema>;
