import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { webhookHostOf, type WebhookHeaders } from './webhook-hosts.js';
import { signWebhookBody } from './webhook-signature.js';

const secret = 'a-long-enough-secret';
const body = Buffer.from('{"ref":"refs/heads/main"}');
const hex = (text: Buffer | string, key = secret): string => createHmac('sha256', key).update(text).digest('hex');

describe('webhookHostOf', () => {
  it('tells the hosts apart by the headers only each sends, GitHub when none other matches', () => {
    const hostOf = (headers: WebhookHeaders) => webhookHostOf(headers).host;
    expect(hostOf({ 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': secret })).toBe('gitlab');
    // Gitea and Forgejo send GitHub's headers as well as their own.
    expect(hostOf({ 'x-gitea-event': 'push', 'x-github-event': 'push', 'x-gitea-signature': hex(body) })).toBe('gitea');
    expect(hostOf({ 'x-forgejo-event': 'push', 'x-forgejo-signature': hex(body) })).toBe('gitea');
    expect(hostOf({ 'x-event-key': 'repo:push', 'x-hub-signature': signWebhookBody(secret, body) })).toBe('bitbucket');
    expect(hostOf({ 'x-github-event': 'push' })).toBe('github');
    expect(hostOf({})).toBe('github');
  });

  it('accepts each host proof of the secret, and refuses a wrong or missing one', () => {
    const cases: Array<[WebhookHeaders, WebhookHeaders]> = [
      [{ 'x-gitlab-token': secret }, { 'x-gitlab-token': `${secret}x` }],
      [{ 'x-gitea-signature': hex(body) }, { 'x-gitea-signature': hex(body, 'another-secret') }],
      [{ 'x-forgejo-signature': hex(body) }, { 'x-forgejo-signature': `sha256=${hex(body)}` }],
      [{ 'x-event-key': 'repo:push', 'x-hub-signature': signWebhookBody(secret, body) }, { 'x-event-key': 'repo:push', 'x-hub-signature': hex(body) }],
      [{ 'x-hub-signature-256': signWebhookBody(secret, body) }, { 'x-hub-signature-256': signWebhookBody(secret, `${body} `) }],
    ];
    for (const [right, wrong] of cases) {
      expect(webhookHostOf(right).verify(secret, body, right), JSON.stringify(right)).toBe(true);
      expect(webhookHostOf(wrong).verify(secret, body, wrong), JSON.stringify(wrong)).toBe(false);
    }
    expect(webhookHostOf({ 'x-gitlab-event': 'Push Hook' }).verify(secret, body, { 'x-gitlab-event': 'Push Hook' })).toBe(false);
    expect(webhookHostOf({ 'x-gitea-event': 'push' }).verify(secret, body, { 'x-gitea-event': 'push' })).toBe(false);
  });

  it('reads which events are pushes, per host', () => {
    const kindOf = (headers: WebhookHeaders) => webhookHostOf(headers).event(headers).kind;
    expect(kindOf({ 'x-gitlab-event': 'Push Hook' })).toBe('push');
    expect(kindOf({ 'x-gitlab-event': 'Tag Push Hook' })).toBe('push');
    expect(kindOf({ 'x-gitlab-event': 'Merge Request Hook' })).toBe('other');
    expect(kindOf({ 'x-gitea-event': 'push' })).toBe('push');
    expect(kindOf({ 'x-forgejo-event': 'issues' })).toBe('other');
    expect(kindOf({ 'x-event-key': 'repo:push' })).toBe('push');
    expect(kindOf({ 'x-event-key': 'pullrequest:created' })).toBe('other');
    expect(kindOf({ 'x-github-event': 'ping' })).toBe('ping');
    expect(kindOf({ 'x-github-event': 'issues' })).toBe('other');
    expect(kindOf({})).toBe('push');
  });

  it('reads the pushed refs where each host puts them', () => {
    expect(webhookHostOf({ 'x-gitlab-event': 'Push Hook' }).pushedRefs({ object_kind: 'push', ref: 'refs/heads/main' })).toEqual(['refs/heads/main']);
    const bitbucket = webhookHostOf({ 'x-event-key': 'repo:push' });
    const changes = [
      { new: { type: 'branch', name: 'main', target: { hash: 'a'.repeat(40) } } },
      { new: { type: 'tag', name: 'v1' } },
      { new: null, old: { type: 'branch', name: 'gone' } },
      { new: { type: 'annotated', name: 'x' } },
    ];
    expect(bitbucket.pushedRefs({ push: { changes } })).toEqual(['refs/heads/main', 'refs/tags/v1']);
    expect(bitbucket.pushedRefs({ push: 'garbage' })).toEqual([]);
    expect(webhookHostOf({}).pushedRefs(null)).toEqual([]);
  });

  it('reads the delivery id from each host header', () => {
    expect(webhookHostOf({ 'x-gitlab-event': 'Push Hook', 'x-gitlab-event-uuid': 'u-1' }).deliveryId({ 'x-gitlab-event-uuid': 'u-1' })).toBe('u-1');
    expect(webhookHostOf({ 'x-forgejo-event': 'push' }).deliveryId({ 'x-forgejo-delivery': 'f-1', 'x-gitea-delivery': 'f-1' })).toBe('f-1');
    expect(webhookHostOf({ 'x-event-key': 'repo:push' }).deliveryId({ 'x-request-uuid': 'b-1' })).toBe('b-1');
    expect(webhookHostOf({}).deliveryId({ 'x-github-delivery': 'g-1' })).toBe('g-1');
  });
});
