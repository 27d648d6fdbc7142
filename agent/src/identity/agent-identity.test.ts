import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Backoff } from '../wire/backoff.js';
import { AgentIdentity } from './agent-identity.js';
import { type StoredCredential, tokenDigest } from './credential-store.js';

/** The Secret as a value: what AgentIdentity reads and writes through CredentialStore. */
function memoryStore(initial?: StoredCredential) {
  let stored = initial;
  return {
    saves: 0,
    get stored() {
      return stored;
    },
    async load() {
      return stored;
    },
    async save(value: StoredCredential) {
      this.saves++;
      stored = value;
    },
  };
}

const logger = pino({ level: 'silent' });

describe('AgentIdentity', () => {
  it('joins on first start with a join token and stores the credential with the digest of that token', async () => {
    const store = memoryStore();
    const joined: string[] = [];
    const identity = new AgentIdentity({ store, configuredToken: 'flj_first', join: async (t) => (joined.push(t), 'flc_new'), logger });
    expect(await identity.credential()).toBe('flc_new');
    expect(joined).toEqual(['flj_first']);
    expect(store.stored).toEqual({ credential: 'flc_new', originSha256: tokenDigest('flj_first') });
  });

  it('uses the stored credential when it came from the configured token, without joining', async () => {
    const store = memoryStore({ credential: 'flc_stored', originSha256: tokenDigest('flj_first') });
    const identity = new AgentIdentity({ store, configuredToken: 'flj_first', join: () => Promise.reject(new Error('must not join')), logger });
    expect(await identity.credential()).toBe('flc_stored');
  });

  it('joins again with a new join token (after a revocation), replacing the stored credential', async () => {
    const store = memoryStore({ credential: 'flc_revoked', originSha256: tokenDigest('flj_first') });
    const identity = new AgentIdentity({ store, configuredToken: 'flj_second', join: async () => 'flc_again', logger });
    expect(await identity.credential()).toBe('flc_again');
    expect(store.stored?.originSha256).toBe(tokenDigest('flj_second'));
  });

  it('takes a configured credential as it is', async () => {
    const store = memoryStore();
    const identity = new AgentIdentity({ store, configuredToken: 'flc_given', join: () => Promise.reject(new Error('must not join')), logger });
    expect(await identity.credential()).toBe('flc_given');
    expect(store.saves).toBe(0);
  });

  it('retries a failed join with backoff, and gives up when stopped', async () => {
    let attempts = 0;
    const flaky = new AgentIdentity({
      store: memoryStore(),
      configuredToken: 'flj_x',
      join: async () => {
        if (++attempts < 3) throw Object.assign(new Error('hub down'), { code: 14 });
        return 'flc_finally';
      },
      logger,
      backoff: new Backoff(1, 2),
    });
    expect(await flaky.credential()).toBe('flc_finally');
    expect(attempts).toBe(3);
    const hopeless = new AgentIdentity({ store: memoryStore(), configuredToken: 'flj_x', join: () => Promise.reject(new Error('no')), logger, backoff: new Backoff(50, 50) });
    const pending = hopeless.credential();
    hopeless.stop();
    expect(await pending).toBeUndefined();
  });

  it('stores a rotated credential under the same origin', async () => {
    const store = memoryStore({ credential: 'flc_old', originSha256: tokenDigest('flj_first') });
    const identity = new AgentIdentity({ store, configuredToken: 'flj_first', join: () => Promise.reject(new Error('no')), logger });
    await identity.rotate('flc_rotated', new Date());
    expect(await identity.credential()).toBe('flc_rotated');
  });
});
