import { z } from 'zod';

/** The largest id a row can have: ids are PostgreSQL `integer`s (int4), the contract's int32. */
export const MAX_ID = 2_147_483_647;

/** The message of an id out of its range or not a number, the same for path parameters and continue tokens. */
export const ID_RANGE_MESSAGE = `must be an integer from 1 to ${MAX_ID}`;

/** A row id as a path parameter or key gives it (decimal digits), checked against the range a database can hold. */
export const idSchema = z
  .string()
  .regex(/^[0-9]{1,10}$/, ID_RANGE_MESSAGE)
  .transform(Number)
  .refine((id) => id >= 1 && id <= MAX_ID, ID_RANGE_MESSAGE);
