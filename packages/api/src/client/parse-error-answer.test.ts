import { describe, expect, it } from 'vitest';
import { parseErrorAnswer } from './parse-error-answer.js';

describe('parseErrorAnswer', () => {
  it('reads the one error shape', () => {
    const error = parseErrorAnswer('POST', '/api/v1/clusters', 400, JSON.stringify({ error: { code: 'INVALID_ARGUMENT', message: 'invalid request body: name: bad', details: { fields: [] } } }));
    expect(error).toMatchObject({ status: 400, code: 'INVALID_ARGUMENT', message: 'invalid request body: name: bad', details: { fields: [] }, method: 'POST', path: '/api/v1/clusters', isErrorBody: true });
  });

  it('keeps the message of an error shape with a code it does not know', () => {
    const error = parseErrorAnswer('GET', '/x', 418, JSON.stringify({ error: { code: 'TEAPOT', message: 'short and stout' } }));
    expect(error).toMatchObject({ status: 418, code: 'INTERNAL', message: 'short and stout', isErrorBody: true });
  });

  it('says what a proxy answered when the body is not the error shape', () => {
    const error = parseErrorAnswer('GET', '/x', 502, '<html>Bad Gateway</html>');
    expect(error).toMatchObject({ status: 502, code: 'INTERNAL', message: '<html>Bad Gateway</html>', isErrorBody: false });
  });
});
