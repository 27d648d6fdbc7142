import { describe, expect, it } from 'vitest';
import { GitError } from './git-error.js';
import { normalizeGitUrl } from './normalize-git-url.js';
import { validateGitUrl } from './validate-git-url.js';

function invalid(url: string): GitError {
  try {
    validateGitUrl(url);
  } catch (error) {
    expect(error).toBeInstanceOf(GitError);
    expect((error as GitError).code).toBe('INVALID_URL');
    return error as GitError;
  }
  throw new Error(`${url} was accepted`);
}

describe('validateGitUrl', () => {
  it.each([
    ['https://github.com/flotilla/fleet.git', 'https://github.com/flotilla/fleet.git'],
    ['http://127.0.0.1:8080/app.git', 'http://127.0.0.1:8080/app.git'],
    ['https://GitHub.com:443/flotilla/fleet/', 'https://github.com/flotilla/fleet'],
    ['https://git.example.com/a/b%20c.git', 'https://git.example.com/a/b%20c.git'],
  ])('accepts %s as %s', (url, expected) => {
    expect(validateGitUrl(url)).toBe(expected);
  });

  it.each([
    ['ssh://git@github.com/a/b.git', /only http and https/],
    ['git@github.com:a/b.git', /not a valid URL|only http and https/],
    ['file:///srv/git/app.git', /only http and https/],
    ['/srv/git/app.git', /not a valid URL/],
    ['https://host/a b.git', /whitespace/],
    [' https://host/a.git', /whitespace/],
    ['https://host/a.git\n', /whitespace/],
    ['https://host/a.git?ref=main', /query or fragment/],
    ['https://host/a.git#main', /query or fragment/],
    ['', /empty/],
  ])('refuses %j', (url, message) => {
    expect(invalid(url).message).toMatch(message);
  });

  it('refuses credentials in the URL without repeating the password', () => {
    const error = invalid('https://deploy:t0ps3cret@github.com/a/b.git');
    expect(error.message).toMatch(/credentials/);
    expect(error.message).toContain('https://deploy:***@github.com/a/b.git');
    expect(`${error.message} ${JSON.stringify(error.data)}`).not.toContain('t0ps3cret');
    expect(invalid('https://token@github.com/a/b.git').message).toMatch(/credentials/);
  });

  it('hides a password even in a URL that does not parse', () => {
    const error = invalid('https://deploy:t0ps3cret@host with space/a.git');
    expect(`${error.message} ${JSON.stringify(error.data)}`).not.toContain('t0ps3cret');
  });
});

describe('normalizeGitUrl', () => {
  it('gives one identity to the spellings of one repository', () => {
    const identity = normalizeGitUrl('https://github.com/flotilla/fleet');
    expect(normalizeGitUrl('https://GITHUB.com/flotilla/fleet.git')).toBe(identity);
    expect(normalizeGitUrl('https://github.com:443/flotilla/fleet/')).toBe(identity);
    expect(normalizeGitUrl('https://github.com/flotilla/fleet.git/')).toBe(identity);
  });

  it('keeps what tells repositories apart: scheme, port and path case', () => {
    const identity = normalizeGitUrl('https://git.example.com/Team/App');
    expect(normalizeGitUrl('http://git.example.com/Team/App')).not.toBe(identity);
    expect(normalizeGitUrl('https://git.example.com:8443/Team/App')).not.toBe(identity);
    expect(normalizeGitUrl('https://git.example.com/team/app')).not.toBe(identity);
  });
});
