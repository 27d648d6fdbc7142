import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, type FindOptionsWhere, Repository } from 'typeorm';
import { decodeIdContinue, type Page, toPage } from '../common/page.js';
import { AuditEvent } from './audit-event.entity.js';
import { auditScope } from './audit-scope.js';

/** What to record: who did what to which target, and how it ended. */
export interface AuditRecord {
  actor: string;
  action: string;
  target: string;
  result: 'success' | 'failure';
  details?: Record<string, unknown>;
}

/** Filters of the audit log. */
export interface AuditQuery {
  actor?: string;
  action?: string;
  target?: string;
  limit: number;
  continue?: string;
}

/** The audit log: every operation on the fleet, newest first. */
@Injectable()
export class AuditService {
  constructor(@InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>) {}

  /** Appends one event. */
  async record(record: AuditRecord): Promise<void> {
    const scope = auditScope.getStore();
    if (scope) scope.recorded = true;
    const { actor, action, target } = record;
    await this.events.save(
      this.events.create({ ...record, actor: printable(actor), action: printable(action), target: printable(target), details: record.details ?? {}, createdAt: new Date() }),
    );
  }

  /** Lists events newest first, filtered by exact actor, action and target. */
  async list(query: AuditQuery): Promise<Page<AuditEvent>> {
    const where: FindOptionsWhere<AuditEvent> = {};
    if (query.actor) where.actor = query.actor;
    if (query.action) where.action = query.action;
    if (query.target) where.target = query.target;
    const after = decodeIdContinue(query.continue);
    if (after !== undefined) where.id = LessThan(after);
    const rows = await this.events.find({ where, order: { id: 'DESC' }, take: query.limit + 1 });
    return toPage(rows, query.limit, (row) => String(row.id));
  }
}

/** Refused requests are recorded with what they named, which may hold a NUL no text column stores: written out. */
function printable(text: string): string {
  return text.replaceAll('\u0000', '\\u0000');
}
