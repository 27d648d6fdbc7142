import type { ApiTokenView } from '@flotilla/api';
import type { ApiToken } from './api-token.entity.js';

/** Maps a stored token to its REST view: never the token or its hash. */
export function toApiTokenView(token: ApiToken): ApiTokenView {
  return {
    name: token.name,
    role: token.role,
    createdBy: token.createdBy,
    createdAt: token.createdAt.toISOString(),
    expiresAt: token.expiresAt?.toISOString() ?? null,
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
  };
}
