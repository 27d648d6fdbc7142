import { Injectable, Logger } from '@nestjs/common';
import { RateLimiter } from '../limits/rate-limiter.js';

/**
 * Failed calls without a valid token are audited too, but at most 60 a minute per client address, so that an
 * anonymous flood cannot fill the audit log; the excess is counted in the hub log instead.
 */
@Injectable()
export class AnonymousAuditLimit {
  private readonly logger = new Logger('audit');
  private readonly limiter = new RateLimiter({ perMinute: 60 });
  private suppressed = 0;

  /** Whether a failed anonymous call from this client address is recorded. */
  allows(client: string | undefined): boolean {
    if (this.limiter.take(client ?? 'unknown').allowed) return true;
    if (this.suppressed++ % 1000 === 0) this.logger.warn({ msg: 'not auditing failed anonymous calls past 60 a minute', client: client ?? 'unknown', suppressed: this.suppressed });
    return false;
  }
}
