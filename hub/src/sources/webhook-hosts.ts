import { isSameSecret, isValidHexHmac, isValidWebhookSignature } from './webhook-signature.js';

/** The Git hosts whose webhooks the hub reads. */
export type GitHost = 'github' | 'gitlab' | 'gitea' | 'bitbucket';

/** Request headers, lower-case names as Node gives them. */
export type WebhookHeaders = Record<string, string | string[] | undefined>;

/** What a delivery asks for: a push (refresh when it names the followed ref), a ping, or something else (ignored). */
export type WebhookEventKind = 'push' | 'ping' | 'other';

/** How one Git host signs, names and identifies its webhook deliveries, and where its push payload names the ref. */
export interface WebhookHost {
  host: GitHost;
  /** The header that proves the sender holds the secret, as messages name it. */
  proofHeader: string;
  /** The header naming a delivery uniquely (the replay guard remembers it), as messages name it. */
  deliveryHeader: string;
  /** Whether the delivery came from this host (by the headers only it sends). */
  sentBy(headers: WebhookHeaders): boolean;
  /** Whether the delivery proves the secret: a signature of the exact body, or the shared token. */
  verify(secret: string, body: Buffer, headers: WebhookHeaders): boolean;
  event(headers: WebhookHeaders): { name: string | undefined; kind: WebhookEventKind };
  deliveryId(headers: WebhookHeaders): string | undefined;
  /** The refs a push payload moved (`refs/heads/main`); empty when it names none. */
  pushedRefs(payload: unknown): string[];
}

const header = (headers: WebhookHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** GitHub, Gitea and GitLab put the moved ref at the top of a push payload (`ref: "refs/heads/main"`). */
const topLevelRef = (payload: unknown): string[] => {
  const ref = (payload as { ref?: unknown } | null)?.ref;
  return typeof ref === 'string' ? [ref] : [];
};

/** GitLab: `X-Gitlab-Token` is the secret itself; `X-Gitlab-Event: Push Hook` (or `Tag Push Hook`). */
const GITLAB: WebhookHost = {
  host: 'gitlab',
  proofHeader: 'X-Gitlab-Token',
  deliveryHeader: 'X-Gitlab-Event-UUID',
  sentBy: (headers) => header(headers, 'x-gitlab-event') !== undefined || header(headers, 'x-gitlab-token') !== undefined,
  verify: (secret, _body, headers) => isSameSecret(secret, header(headers, 'x-gitlab-token')),
  event: (headers) => {
    const name = header(headers, 'x-gitlab-event');
    return { name, kind: name === 'Push Hook' || name === 'Tag Push Hook' ? 'push' : 'other' };
  },
  deliveryId: (headers) => header(headers, 'x-gitlab-event-uuid'),
  pushedRefs: topLevelRef,
};

/** Gitea and Forgejo: `X-Gitea-Signature` / `X-Forgejo-Signature`, the bare hex HMAC-SHA256 of the body. */
const GITEA: WebhookHost = {
  host: 'gitea',
  proofHeader: 'X-Gitea-Signature or X-Forgejo-Signature',
  deliveryHeader: 'X-Gitea-Delivery or X-Forgejo-Delivery',
  sentBy: (headers) => ['x-gitea-signature', 'x-forgejo-signature', 'x-gitea-event', 'x-forgejo-event'].some((name) => header(headers, name) !== undefined),
  verify: (secret, body, headers) => isValidHexHmac(secret, body, header(headers, 'x-forgejo-signature') ?? header(headers, 'x-gitea-signature')),
  event: (headers) => {
    const name = header(headers, 'x-forgejo-event') ?? header(headers, 'x-gitea-event');
    return { name, kind: name === 'push' ? 'push' : 'other' };
  },
  deliveryId: (headers) => header(headers, 'x-forgejo-delivery') ?? header(headers, 'x-gitea-delivery'),
  pushedRefs: topLevelRef,
};

/**
 * Bitbucket Cloud: `X-Hub-Signature: sha256=<hex>` of the body, `X-Event-Key: repo:push`; each pushed change names
 * its new branch or tag (`push.changes[].new: { type: "branch", name: "main" }`).
 */
const BITBUCKET: WebhookHost = {
  host: 'bitbucket',
  proofHeader: 'X-Hub-Signature',
  deliveryHeader: 'X-Request-UUID',
  sentBy: (headers) => header(headers, 'x-event-key') !== undefined,
  verify: (secret, body, headers) => isValidWebhookSignature(secret, body, header(headers, 'x-hub-signature')),
  event: (headers) => {
    const name = header(headers, 'x-event-key');
    return { name, kind: name === 'repo:push' ? 'push' : 'other' };
  },
  deliveryId: (headers) => header(headers, 'x-request-uuid'),
  pushedRefs: (payload) => {
    const changes = (payload as { push?: { changes?: unknown } } | null)?.push?.changes;
    if (!Array.isArray(changes)) return [];
    return changes.flatMap((change: { new?: { type?: unknown; name?: unknown } | null }) => {
      const moved = change?.new;
      if (typeof moved?.name !== 'string') return [];
      if (moved.type === 'branch') return [`refs/heads/${moved.name}`];
      return moved.type === 'tag' ? [`refs/tags/${moved.name}`] : [];
    });
  },
};

/** GitHub (and any sender of its format): `X-Hub-Signature-256`, `X-GitHub-Event` (absent: a push), `X-GitHub-Delivery`. */
const GITHUB: WebhookHost = {
  host: 'github',
  proofHeader: 'X-Hub-Signature-256',
  deliveryHeader: 'X-GitHub-Delivery',
  sentBy: () => true,
  verify: (secret, body, headers) => isValidWebhookSignature(secret, body, header(headers, 'x-hub-signature-256')),
  event: (headers) => {
    const name = header(headers, 'x-github-event');
    return { name, kind: name === undefined || name === 'push' ? 'push' : name === 'ping' ? 'ping' : 'other' };
  },
  deliveryId: (headers) => header(headers, 'x-github-delivery'),
  pushedRefs: topLevelRef,
};

/** The hosts in the order they are recognised: Gitea sends GitHub's headers too, so GitHub, the fallback, comes last. */
const HOSTS: WebhookHost[] = [GITLAB, GITEA, BITBUCKET, GITHUB];

/** The Git host a delivery came from, by its headers; GitHub's format when none other matches. */
export function webhookHostOf(headers: WebhookHeaders): WebhookHost {
  return HOSTS.find((host) => host.sentBy(headers)) as WebhookHost;
}
