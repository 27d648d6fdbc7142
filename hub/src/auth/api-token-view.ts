import type { ApiToken } from './api-token.entity.js';
import type { Role } from './role.js';

/** A token as the REST API shows it: never the token or its hash. */
export interface ApiTokenView {
  name: string;
  role: Role;
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

/** Maps a stored token to its REST view. */
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
