import { z } from 'zod';

/** Label maps in bodies and views. */
export const labelsSchema = z.record(z.string(), z.string());
