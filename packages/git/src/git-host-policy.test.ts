import { describe, expect, it } from 'vitest';
import { GitError } from './git-error.js';
import { GitHostPolicy } from './git-host-policy.js';

const refusal = (check: () => void): string => {
  try {
    check();
  } catch (error) {
    expect(GitError.is(error, 'HOST_REFUSED')).toBe(true);
    return (error as GitError).message;
  }
  throw new Error('expected a refusal');
};

describe('GitHostPolicy', () => {
  it('refuses loopback, link-local and unspecified addresses by default, naming the kind', () => {
    const policy = new GitHostPolicy();
    expect(refusal(() => policy.checkUrl('http://127.0.0.1:5432/x.git'))).toBe(
      'Git host "127.0.0.1" is a loopback address, which Git hosts may not use unless the allowed addresses include it',
    );
    expect(refusal(() => policy.checkUrl('http://[::1]:8080/x.git'))).toMatch(/^Git host "::1" is a loopback address/);
    expect(refusal(() => policy.checkUrl('http://169.254.169.254/latest/meta-data'))).toMatch(/is a link-local address/);
    expect(refusal(() => policy.checkUrl('http://0.0.0.0:9090/x.git'))).toMatch(/is an unspecified address/);
    expect(refusal(() => policy.checkUrl('http://[::ffff:127.0.0.1]/x.git'))).toMatch(/is a loopback address/);
    expect(refusal(() => policy.checkAddress('git.example.com', '127.0.0.53'))).toBe(
      'Git host "git.example.com" resolves to 127.0.0.53, a loopback address, which Git hosts may not use unless the allowed addresses include it',
    );
  });

  it('lets other hosts and addresses through when no host list is set', () => {
    const policy = new GitHostPolicy();
    expect(() => policy.checkUrl('https://github.com/org/fleet.git')).not.toThrow();
    expect(() => policy.checkUrl('http://10.1.2.3/fleet.git')).not.toThrow();
    expect(() => policy.checkAddress('git.internal', '192.168.1.10')).not.toThrow();
    expect(() => policy.checkAddress('git.internal', '2001:db8::1')).not.toThrow();
  });

  it('allows a denied address that the allowed addresses hold, and only that', () => {
    const policy = new GitHostPolicy({ allowedAddresses: ['127.0.0.1'] });
    expect(() => policy.checkUrl('http://127.0.0.1:4000/fleet.git')).not.toThrow();
    expect(() => policy.checkAddress('localhost', '127.0.0.1')).not.toThrow();
    expect(refusal(() => policy.checkAddress('localhost', '127.0.0.2'))).toMatch(/resolves to 127.0.0.2, a loopback address/);
    expect(refusal(() => policy.checkAddress('localhost', '::1'))).toMatch(/resolves to ::1, a loopback address/);
  });

  it('takes only the listed hosts when a list is set: exact names, IP literals and *.domain patterns', () => {
    const policy = new GitHostPolicy({ allowedHosts: ['git.example.com', '*.corp.example', '10.0.0.5'], hint: ' (see the settings)' });
    expect(() => policy.checkUrl('https://GIT.example.com/fleet.git')).not.toThrow();
    expect(() => policy.checkUrl('https://a.b.corp.example/fleet.git')).not.toThrow();
    expect(() => policy.checkUrl('http://10.0.0.5/fleet.git')).not.toThrow();
    expect(refusal(() => policy.checkUrl('https://corp.example/fleet.git'))).toBe(
      'Git host "corp.example" is not one of the allowed Git hosts (git.example.com, *.corp.example, 10.0.0.5) (see the settings)',
    );
    expect(refusal(() => policy.checkUrl('https://evilcorp.example/fleet.git'))).toMatch(/is not one of the allowed Git hosts/);
    // An allowed name still may not resolve to a denied address.
    expect(refusal(() => policy.checkAddress('git.example.com', '169.254.169.254'))).toMatch(/a link-local address/);
  });

  it('takes its own denied ranges, and refuses malformed ones', () => {
    const policy = new GitHostPolicy({ deniedAddresses: ['10.0.0.0/8'] });
    expect(refusal(() => policy.checkUrl('http://10.9.8.7/x.git'))).toMatch(/is an address the denied addresses hold/);
    expect(() => policy.checkUrl('http://127.0.0.1/x.git')).not.toThrow();
    for (const entry of ['10.0.0.0/33', 'localhost', '10.0.0.0/x', '::1/129']) {
      expect(() => new GitHostPolicy({ deniedAddresses: [entry] }), entry).toThrow(/is not an IP address or CIDR range/);
    }
    expect(() => GitHostPolicy.allowingEverything().checkUrl('http://127.0.0.1/x.git')).not.toThrow();
  });
});
