import { GitError } from '@flotilla/git';
import { describe, expect, it } from 'vitest';
import { sourceErrorMessage } from './source-error-message.js';

const url = 'http://10.0.0.7:5432/x.git';

describe('sourceErrorMessage', () => {
  it('says a refused, reset or timed-out connection one way, so it does not tell open ports from closed ones', () => {
    const messages = ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH'].map((errno) =>
      sourceErrorMessage(new GitError('UNREACHABLE', `cannot reach ${url} (${errno}) while listing refs: check the host`, { data: { url, errno } })),
    );
    expect(new Set(messages).size).toBe(1);
    expect(messages[0]).toBe(
      'cannot reach http://10.0.0.7:5432/x.git or it dropped the connection: check the host and port, that the Git server is running, and that no firewall is in the way (the hub log says how the connection failed)',
    );
    const broke = new GitError('FETCH_FAILED', `the connection to ${url} broke (ECONNRESET) while listing refs: retry`, { data: { url, errno: 'ECONNRESET' } });
    expect(sourceErrorMessage(broke)).toBe(messages[0]);
  });

  it('keeps the message of everything else: HTTP statuses, DNS, refused hosts, other errors', () => {
    const http = new GitError('NOT_FOUND', `no Git repository at ${url} (HTTP 404)`, { data: { url, statusCode: 404 } });
    const dns = new GitError('UNREACHABLE', `cannot reach ${url} (ENOTFOUND) while listing refs: check the host name and DNS`, { data: { url, errno: 'ENOTFOUND' } });
    const refused = new GitError('HOST_REFUSED', 'Git host "127.0.0.1" is a loopback address, …', { data: { host: '127.0.0.1' } });
    for (const error of [http, dns, refused]) expect(sourceErrorMessage(error)).toBe(error.message);
    expect(sourceErrorMessage(new Error('plain'))).toBe('plain');
  });
});
