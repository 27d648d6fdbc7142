import { describe, expect, it } from 'vitest';
import { ID_RANGE_MESSAGE, idSchema, MAX_ID } from './id-schema.js';

describe('idSchema', () => {
  it('reads ids from 1 to the largest int4', () => {
    expect(idSchema.parse('1')).toBe(1);
    expect(idSchema.parse(String(MAX_ID))).toBe(2_147_483_647);
  });

  it('refuses what is not an id a database can hold, with one message', () => {
    for (const text of ['0', '2147483648', '9999999999', '99999999999999999999', '-1', '1.5', '1e3', ' 1', '0x10', '', 'abc']) {
      const result = idSchema.safeParse(text);
      expect(result.success, text).toBe(false);
      expect(result.error?.issues.map((issue) => issue.message), text).toEqual([ID_RANGE_MESSAGE]);
    }
  });
});
