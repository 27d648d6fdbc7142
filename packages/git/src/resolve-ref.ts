import git, { type HttpClient, type ServerRef } from 'isomorphic-git';
import nodeHttp from 'isomorphic-git/http/node';
import { type GitCredentials } from './git-credentials.js';
import { GitError } from './git-error.js';
import type { GitHostPolicy } from './git-host-policy.js';
import { HttpSession } from './http-session.js';
import { redactUrl } from './redact-url.js';
import { toGitError } from './to-git-error.js';
import { validateGitUrl } from './validate-git-url.js';
import { withTimeout } from './with-timeout.js';

/** What to resolve, and how. */
export interface ResolveRefOptions {
  /** Repository URL, http(s), without credentials. */
  url: string;
  /** `main`, `refs/heads/main`, `v1.2.0`, `refs/tags/v1.2.0`, `HEAD`, or a 40-hex commit id. */
  ref: string;
  credentials?: GitCredentials | undefined;
  /** Gives up with TIMEOUT after this long; default 30 s. */
  timeoutMs?: number;
  /** HTTP client; default isomorphic-git's node client. */
  http?: HttpClient;
  /** The Git hosts and addresses that may be connected to (checked before and as each connection is made); absent: any. */
  hostPolicy?: GitHostPolicy | undefined;
}

/** A ref and the commit it points at. */
export interface ResolvedRef {
  /** Full ref name (`refs/heads/main`, `refs/tags/v1.2.0`); a commit id given as the ref is returned as is. */
  ref: string;
  /** The commit id, 40 lowercase hex digits; annotated tags are peeled to their commit. */
  commit: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const COMMIT_ID = /^[0-9a-fA-F]{40}$/;

/**
 * Resolves a Source's ref to a commit from the server's refs listing, without cloning. A short name is looked up
 * as a branch, then as a tag (like `git clone --branch`); a missing ref is REF_NOT_FOUND.
 */
export async function resolveRef(options: ResolveRefOptions): Promise<ResolvedRef> {
  const { ref, credentials, timeoutMs = DEFAULT_TIMEOUT_MS, http = nodeHttp, hostPolicy } = options;
  const url = validateGitUrl(options.url);
  hostPolicy?.checkUrl(url);
  checkRefName(ref, url);
  if (COMMIT_ID.test(ref)) return { ref, commit: ref.toLowerCase() };

  const onTimeout = (): GitError =>
    new GitError('TIMEOUT', `listing refs of ${redactUrl(url)} took longer than ${timeoutMs} ms: check that the server is reachable, or raise the timeout`, {
      data: { url: redactUrl(url), ref, timeoutMs },
    });
  return withTimeout(timeoutMs, onTimeout, async (signal) => {
    const session = new HttpSession(http, { credentials, signal, hostPolicy });
    try {
      if (ref === 'HEAD') return await resolveHead(session.http, url);
      for (const candidate of candidateNames(ref)) {
        const refs = await git.listServerRefs({ http: session.http, url, protocolVersion: 2, prefix: candidate, peelTags: true });
        const found = refs.find((entry) => entry.ref === candidate);
        if (found !== undefined) return { ref: candidate, commit: commitOf(found) };
      }
    } catch (error) {
      throw toGitError(error, { url, operation: `listing refs (looking for "${ref}")`, ref, credentials, hasResponse: session.responseCount > 0 });
    }
    const looked = candidateNames(ref).join(' or ');
    throw new GitError('REF_NOT_FOUND', `ref "${ref}" does not exist in ${redactUrl(url)} (no ${looked}): check the Source's branch or tag`, {
      data: { url: redactUrl(url), ref },
    });
  });
}

/** The server's default branch: the target of its HEAD symref. */
async function resolveHead(http: HttpClient, url: string): Promise<ResolvedRef> {
  const [head] = await git.listServerRefs({ http, url, protocolVersion: 2, prefix: 'HEAD', symrefs: true });
  if (head === undefined || head.ref !== 'HEAD') {
    throw new GitError('REF_NOT_FOUND', `${redactUrl(url)} has no HEAD (an empty repository?): push a commit or name a branch`, {
      data: { url: redactUrl(url), ref: 'HEAD' },
    });
  }
  return { ref: head.target ?? 'HEAD', commit: commitOf(head) };
}

/** Full ref names a Source's ref may stand for, in order of preference. */
function candidateNames(ref: string): string[] {
  return ref.startsWith('refs/') ? [ref] : [`refs/heads/${ref}`, `refs/tags/${ref}`];
}

function commitOf(entry: ServerRef): string {
  return entry.peeled ?? entry.oid;
}

/** Refuses names git would refuse (`git check-ref-format`), so a typo fails clearly rather than as "not found". */
function checkRefName(ref: string, url: string): void {
  const problem =
    typeof ref !== 'string' || ref === ''
      ? 'is empty'
      : // eslint-disable-next-line no-control-regex
        /[\u0000-\u0020\u007f~^:?*[\\]/.test(ref)
        ? 'contains a space, control character or one of ~ ^ : ? * [ \\'
        : /(^|\/)\.|\.\.|@\{|\/\/|\/$|\.lock(\/|$)|\.$/.test(ref) || ref === '@' || ref.startsWith('-')
          ? 'is not a valid Git ref name'
          : undefined;
  if (problem !== undefined) {
    throw new GitError('INVALID_ARGUMENT', `ref ${JSON.stringify(ref)} for ${redactUrl(url)} ${problem}: use a branch or tag name such as "main" or "v1.2.0"`, {
      data: { url: redactUrl(url), ref },
    });
  }
}
