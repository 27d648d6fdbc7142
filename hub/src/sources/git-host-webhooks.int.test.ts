import { createHmac, randomUUID } from 'node:crypto';
import { type GitServer, startGitServer } from '@flotilla/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHubState } from '../testing/hub-state.js';
import { startTestHub, TEST_DATABASES, type TestHub } from '../testing/start-test-hub.js';
import { signWebhookBody } from './webhook-signature.js';

const SECRET = 'webhook-secret-of-the-fleet';

/** A push as each host's documentation shows it: the moved ref, the new commit, and the repository's URL. */
interface Push {
  ref: string;
  before: string;
  after: string;
  repoUrl: string;
}

/** How each Git host sends a delivery: its payload of a push, and the headers that name the event and prove the secret. */
interface HostFormat {
  host: string;
  pushPayload(push: Push): unknown;
  headers(body: string, secret: string | undefined, event: 'push' | 'unrelated', deliveryId: string): Record<string, string>;
}

const hex = (body: string, secret: string): string => createHmac('sha256', secret).update(body).digest('hex');
const branchOf = (ref: string): string => ref.replace(/^refs\/heads\//, '');

const HOSTS: HostFormat[] = [
  {
    host: 'gitlab',
    // https://docs.gitlab.com/user/project/integrations/webhook_events/#push-events
    pushPayload: ({ ref, before, after, repoUrl }) => ({
      object_kind: 'push',
      event_name: 'push',
      before,
      after,
      ref,
      ref_protected: true,
      checkout_sha: after,
      user_id: 4,
      user_name: 'John Smith',
      user_username: 'jsmith',
      project_id: 15,
      project: { id: 15, name: 'fleet', web_url: repoUrl.replace(/\.git$/, ''), git_http_url: repoUrl, namespace: 'ops', path_with_namespace: 'ops/fleet', default_branch: 'main' },
      commits: [{ id: after, message: 'change\n', timestamp: '2026-12-07T12:00:00+00:00', url: `${repoUrl}/-/commit/${after}`, author: { name: 'John Smith', email: 'john@example.com' }, added: ['web/x.yaml'], modified: [], removed: [] }],
      total_commits_count: 1,
      repository: { name: 'fleet', url: repoUrl, description: '', homepage: repoUrl.replace(/\.git$/, ''), git_http_url: repoUrl, visibility_level: 0 },
    }),
    headers: (_body, secret, event, deliveryId) => ({
      'x-gitlab-event': event === 'push' ? 'Push Hook' : 'Merge Request Hook',
      'x-gitlab-event-uuid': deliveryId,
      'x-gitlab-instance': 'https://gitlab.example.com',
      ...(secret === undefined ? {} : { 'x-gitlab-token': secret }),
    }),
  },
  {
    host: 'gitea',
    // https://docs.gitea.com/usage/webhooks (Forgejo sends the same body, with X-Forgejo-* headers beside X-Gitea-*)
    pushPayload: ({ ref, before, after, repoUrl }) => ({
      ref,
      before,
      after,
      compare_url: `${repoUrl.replace(/\.git$/, '')}/compare/${before}...${after}`,
      commits: [{ id: after, message: 'change\n', url: `${repoUrl.replace(/\.git$/, '')}/commit/${after}`, author: { name: 'ops', email: 'ops@example.com', username: 'ops' }, committer: { name: 'ops', email: 'ops@example.com', username: 'ops' }, timestamp: '2026-12-07T12:00:00Z' }],
      repository: { id: 1, owner: { id: 1, login: 'ops', username: 'ops' }, name: 'fleet', full_name: 'ops/fleet', html_url: repoUrl.replace(/\.git$/, ''), clone_url: repoUrl, default_branch: 'main' },
      pusher: { id: 1, login: 'ops', username: 'ops' },
      sender: { id: 1, login: 'ops', username: 'ops' },
    }),
    headers: (body, secret, event, deliveryId) => ({
      'x-gitea-event': event === 'push' ? 'push' : 'issues',
      'x-forgejo-event': event === 'push' ? 'push' : 'issues',
      'x-github-event': event === 'push' ? 'push' : 'issues',
      'x-gitea-delivery': deliveryId,
      'x-forgejo-delivery': deliveryId,
      ...(secret === undefined ? {} : { 'x-gitea-signature': hex(body, secret), 'x-forgejo-signature': hex(body, secret) }),
    }),
  },
  {
    host: 'bitbucket',
    // https://support.atlassian.com/bitbucket-cloud/docs/event-payloads/#Push
    pushPayload: ({ ref, before, after, repoUrl }) => ({
      push: {
        changes: [
          {
            new: { type: 'branch', name: branchOf(ref), target: { type: 'commit', hash: after, message: 'change\n', date: '2026-12-07T12:00:00+00:00' } },
            old: { type: 'branch', name: branchOf(ref), target: { type: 'commit', hash: before } },
            created: false,
            forced: false,
            closed: false,
            commits: [{ type: 'commit', hash: after }],
            truncated: false,
          },
        ],
      },
      actor: { type: 'user', display_name: 'Ops', uuid: '{7a7b1f0e-0000-0000-0000-000000000000}' },
      repository: { type: 'repository', name: 'fleet', full_name: 'ops/fleet', scm: 'git', links: { html: { href: repoUrl.replace(/\.git$/, '') } } },
    }),
    headers: (body, secret, event, deliveryId) => ({
      'x-event-key': event === 'push' ? 'repo:push' : 'pullrequest:created',
      'x-request-uuid': deliveryId,
      'x-hook-uuid': '{b1c2d3e4-0000-0000-0000-000000000000}',
      ...(secret === undefined ? {} : { 'x-hub-signature': signWebhookBody(secret, body) }),
    }),
  },
];

describe.each(TEST_DATABASES)('webhooks of GitLab, Gitea/Forgejo and Bitbucket on %s', (database) => {
  let git: GitServer;
  let hub: TestHub;
  let head: string;

  const deliver = (format: HostFormat, body: string, options: { secret?: string | null; event?: 'push' | 'unrelated'; deliveryId?: string } = {}) => {
    const secret = options.secret === null ? undefined : (options.secret ?? SECRET);
    const headers = format.headers(body, secret, options.event ?? 'push', options.deliveryId ?? randomUUID());
    let test = hub.api(null).post('/api/v1/webhooks/fleet').set('content-type', 'application/json');
    for (const [name, value] of Object.entries(headers)) test = test.set(name, value);
    return test.send(body);
  };
  const push = async (): Promise<Push> => {
    const checkout = await git.checkout('fleet');
    const name = randomUUID();
    await checkout.write(`web/${name}.yaml`, `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${name}\n`);
    const after = await checkout.commit('change');
    await checkout.push();
    const before = head;
    head = after;
    return { ref: 'refs/heads/main', before, after, repoUrl: git.repoUrl('fleet') };
  };

  beforeAll(async () => {
    git = await startGitServer();
    head = (await git.createRepository('fleet', { 'web/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n' })).commit;
    hub = await startTestHub(database, { FLOTILLA_POLL_TICK_MS: '60000' });
    await hub.api().post('/api/v1/sources').send({ name: 'fleet', url: git.repoUrl('fleet'), ref: 'main', webhookSecret: SECRET, pollIntervalSeconds: 86_400 }).expect(201);
  });
  afterAll(async () => {
    await hub?.stop();
    await git?.stop();
  });

  describe.each(HOSTS)('from $host', (format) => {
    it('refreshes the source at once on a push to its branch, proved with the secret', async () => {
      const pushed = await push();
      const deliveryId = randomUUID();
      const res = await deliver(format, JSON.stringify(format.pushPayload(pushed)), { deliveryId }).expect(200);
      expect(res.body).toEqual({ status: 'updated', revision: `main@sha1:${pushed.after}` });
      const revisions = await hub.api().get('/api/v1/sources/fleet/revisions').expect(200);
      expect(revisions.body.items[0]).toMatchObject({ commit: pushed.after, trigger: 'webhook' });
      const audit = await hub.api().get('/api/v1/audit').query({ action: 'source.webhook' }).expect(200);
      expect(audit.body.items[0]).toMatchObject({ actor: 'webhook:fleet', result: 'success', details: { host: format.host, ref: 'refs/heads/main', deliveryId } });
    });

    it('refuses a wrong or missing proof with 401, and refreshes nothing', async () => {
      const pushed = await push();
      const body = JSON.stringify(format.pushPayload(pushed));
      const before = await readHubState(hub);
      for (const secret of ['not-the-secret-of-the-fleet', null]) {
        const res = await deliver(format, body, { secret }).expect(401);
        expect(res.body.error).toMatchObject({ code: 'UNAUTHENTICATED', details: { source: 'fleet', host: format.host } });
        expect(res.body.error.message).toMatch(/^webhook for source "fleet": missing or wrong X-/);
      }
      expect(await readHubState(hub)).toEqual(before);
    });

    it('refuses a replay, by delivery id or by the same body', async () => {
      const pushed = await push();
      const deliveryId = randomUUID();
      const body = JSON.stringify(format.pushPayload(pushed));
      await deliver(format, body, { deliveryId }).expect(200);
      const before = await readHubState(hub);
      const byId = await deliver(format, JSON.stringify({ ...(format.pushPayload(pushed) as object), note: 'another body' }), { deliveryId }).expect(409);
      expect(byId.body.error.message).toBe(`webhook for source "fleet": delivery ${deliveryId} was already received; replays are refused`);
      const byBody = await deliver(format, body).expect(409);
      expect(byBody.body.error.message).toBe('webhook for source "fleet": a delivery with this exact body was already received; replays are refused');
      expect(await readHubState(hub)).toEqual(before);
    });

    it('ignores events that are not pushes, and pushes to other branches', async () => {
      const pushed = await push();
      const before = await readHubState(hub);
      const unrelated = await deliver(format, JSON.stringify({ ...(format.pushPayload(pushed) as object), action: 'opened' }), { event: 'unrelated' }).expect(200);
      expect(unrelated.body).toEqual({ status: 'ignored', reason: expect.stringMatching(new RegExp(`^${format.host} event .+ is not a push$`)) });
      const elsewhere = await deliver(format, JSON.stringify(format.pushPayload({ ...pushed, ref: 'refs/heads/feature' }))).expect(200);
      expect(elsewhere.body).toEqual({ status: 'ignored', reason: 'push to refs/heads/feature, source follows main' });
      expect(await readHubState(hub)).toEqual(before);
      await deliver(format, JSON.stringify(format.pushPayload(pushed))).expect(200, { status: 'updated', revision: `main@sha1:${pushed.after}` });
    });
  });
});
