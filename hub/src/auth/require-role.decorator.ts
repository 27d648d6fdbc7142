import { SetMetadata } from '@nestjs/common';
import type { Role } from './role.js';

/** Metadata key of the role a route requires. */
export const REQUIRED_ROLE = 'flotilla:required-role';
/** Metadata key of routes open without a token. */
export const IS_PUBLIC = 'flotilla:public';

/**
 * The role a controller or route requires (a route's own wins). Without it, reads (GET, HEAD) need `viewer` and
 * everything else `admin`, so a new mutating route is closed until it says otherwise.
 */
export const RequireRole = (role: Role): ClassDecorator & MethodDecorator => SetMetadata(REQUIRED_ROLE, role);

/** A route open without a token: probes, metrics, and webhooks (which carry their own signature). */
export const Public = (): ClassDecorator & MethodDecorator => SetMetadata(IS_PUBLIC, true);
