import { Errors } from 'isomorphic-git';
import { describe, expect, it } from 'vitest';
import { GitError } from './git-error.js';
import { type GitErrorContext, toGitError } from './to-git-error.js';

const url = 'https://git.example.com/fleet.git';
const context: GitErrorContext = { url, operation: 'listing refs' };
const credentials = { username: 'deploy', password: 'hunter2-secret' };

function systemError(code: string, message = `connect ${code} 10.0.0.1:443`): Error {
  return Object.assign(new Error(message), { code, errno: -1, syscall: 'connect' });
}

describe('toGitError', () => {
  it('maps 401 to UNAUTHORIZED, telling whether credentials were refused or are missing', () => {
    const refused = toGitError(new Errors.HttpError(401, 'Unauthorized', ''), { ...context, credentials });
    expect(refused).toMatchObject({ code: 'UNAUTHORIZED', data: { url, statusCode: 401 } });
    expect(refused.message).toMatch(/refused the credentials.*check the Source's user name and password/);
    expect(refused.message).not.toContain(credentials.password);

    const missing = toGitError(new Errors.HttpError(401, 'Unauthorized', ''), context);
    expect(missing.code).toBe('UNAUTHORIZED');
    expect(missing.message).toMatch(/requires credentials.*set the Source's credentials/);
  });

  it('maps 403 to UNAUTHORIZED and 404 to NOT_FOUND, naming the URL', () => {
    expect(toGitError(new Errors.HttpError(403, 'Forbidden', ''), context)).toMatchObject({ code: 'UNAUTHORIZED', data: { statusCode: 403 } });
    const notFound = toGitError(new Errors.HttpError(404, 'Not Found', ''), context);
    expect(notFound.code).toBe('NOT_FOUND');
    expect(notFound.message).toContain(`no Git repository at ${url}`);
    expect(notFound.message).toMatch(/private repository/);
  });

  it('maps 5xx and 429 to UNREACHABLE and other statuses to FETCH_FAILED', () => {
    expect(toGitError(new Errors.HttpError(503, 'Service Unavailable', ''), context).code).toBe('UNREACHABLE');
    expect(toGitError(new Errors.HttpError(429, 'Too Many Requests', ''), context).code).toBe('UNREACHABLE');
    expect(toGitError(new Errors.HttpError(400, 'Bad Request', ''), context).code).toBe('FETCH_FAILED');
  });

  it.each(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET'])('maps %s to UNREACHABLE', (code) => {
    const error = toGitError(systemError(code), context);
    expect(error).toMatchObject({ code: 'UNREACHABLE', data: { url, errno: code } });
    expect(error.message).toContain(`cannot reach ${url} (${code})`);
  });

  it('advises on DNS for a host that does not resolve', () => {
    expect(toGitError(systemError('ENOTFOUND'), context).message).toMatch(/host name and DNS/);
  });

  it('calls a connection broken after the server answered FETCH_FAILED, not UNREACHABLE', () => {
    expect(toGitError(systemError('ECONNRESET', 'aborted'), { ...context, hasResponse: true }).code).toBe('FETCH_FAILED');
  });

  it('finds the errno on a cause', () => {
    const wrapped = new Error('request failed', { cause: systemError('ECONNREFUSED') });
    expect(toGitError(wrapped, context).code).toBe('UNREACHABLE');
  });

  it('maps TLS failures to UNREACHABLE with a certificate hint', () => {
    const error = toGitError(systemError('CERT_HAS_EXPIRED', 'certificate has expired'), context);
    expect(error.code).toBe('UNREACHABLE');
    expect(error.message).toMatch(/TLS verification.*certificate/);
  });

  it('maps a server that is not a Git server to NOT_FOUND', () => {
    expect(toGitError(new Errors.SmartHttpError('<html>', '<html>login</html>'), context).code).toBe('NOT_FOUND');
  });

  it('maps URL errors to INVALID_URL and an aborted request to TIMEOUT', () => {
    expect(toGitError(new Errors.UrlParseError('nope'), context).code).toBe('INVALID_URL');
    expect(toGitError(new DOMException('This operation was aborted', 'AbortError'), context).code).toBe('TIMEOUT');
  });

  it('maps a missing ref to REF_NOT_FOUND when a ref was asked for', () => {
    const error = toGitError(new Errors.NotFoundError('refs/heads/nope'), { ...context, ref: 'nope' });
    expect(error).toMatchObject({ code: 'REF_NOT_FOUND', data: { ref: 'nope' } });
  });

  it('keeps the cause and falls back to FETCH_FAILED with the original message, scrubbed of the password', () => {
    const token = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
    const cause = new Error(`weird failure near ${credentials.password} and Basic ${token}`);
    const error = toGitError(cause, { ...context, credentials });
    expect(error.code).toBe('FETCH_FAILED');
    expect(error.cause).toBe(cause);
    expect(error.message).toContain('weird failure');
    expect(error.message).not.toContain(credentials.password);
    expect(error.message).not.toContain(token);
  });

  it('never puts a password from the URL into the message or data', () => {
    const error = toGitError(systemError('ECONNREFUSED'), { ...context, url: 'https://deploy:hunter2-secret@git.example.com/fleet.git' });
    expect(`${error.message} ${JSON.stringify(error.data)}`).not.toContain('hunter2-secret');
  });

  it('passes a GitError through unchanged', () => {
    const original = new GitError('COMMIT_NOT_FOUND', 'gone');
    expect(toGitError(original, context)).toBe(original);
  });
});

describe('GitError', () => {
  it('converts to the FlotillaError the edges map to statuses', () => {
    const flotilla = new GitError('UNREACHABLE', 'down', { data: { url } }).toFlotillaError();
    expect(flotilla).toMatchObject({ code: 'UNAVAILABLE', message: 'down', data: { url, gitCode: 'UNREACHABLE' } });
    expect(new GitError('REF_NOT_FOUND', 'x').toFlotillaError().code).toBe('NOT_FOUND');
    expect(new GitError('TOO_LARGE', 'x').toFlotillaError().code).toBe('RESOURCE_EXHAUSTED');
  });

  it('tells its own kind and code apart', () => {
    const error = new GitError('TIMEOUT', 'slow');
    expect(GitError.is(error)).toBe(true);
    expect(GitError.is(error, 'TIMEOUT')).toBe(true);
    expect(GitError.is(error, 'UNREACHABLE')).toBe(false);
    expect(GitError.is(new Error('slow'))).toBe(false);
  });
});
