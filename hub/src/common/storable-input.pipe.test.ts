import { describe, expect, it } from 'vitest';
import { StorableInputPipe } from './storable-input.pipe.js';

describe('StorableInputPipe', () => {
  const pipe = new StorableInputPipe();

  it('refuses a NUL in request input, naming the field', () => {
    expect(() => pipe.transform({ name: 'eu-1', labels: { env: 'a\u0000b' } }, { type: 'body' })).toThrow('invalid request body: labels.env: must not contain the NUL character');
    expect(() => pipe.transform(['ok', 'no\u0000'], { type: 'body' })).toThrow('invalid request body: 1:');
    expect(() => pipe.transform('x\u0000', { type: 'param', data: 'name' })).toThrow('invalid path parameter: name:');
    expect(pipe.transform({ name: 'eu-1' }, { type: 'body' })).toEqual({ name: 'eu-1' });
  });

  it("leaves alone objects a handler is given rather than input (a gRPC stream handler's call)", () => {
    class Call {
      readonly metadata = { note: 'a\u0000b' };
    }
    const call = new Call();
    expect(pipe.transform(call, { type: 'body' })).toBe(call);
  });
});
