import type { MiddlewareHandler } from 'hono';
import type { AuditLog } from '../audit/index.js';
import { createRequestPolicy } from '../enforcement/access-policy.js';
import { createTrustedGatewayPolicy, isTrustedGateway } from '../auth/trusted-gateway.js';
import type { FhirRepository } from '../fhir/repository.js';
import { serviceUnavailable } from '../outcomes/index.js';
import { normalizeError, outcomeResponse } from './on-error.js';
import { recordingStore } from '../storage/recording-store.js';
import { prefersWithholdPart2, withWriteNotes } from './write-notes.js';

declare module 'hono' {
  interface ContextVariableMap {
    /** The repository bound to this request's consent enforcement policy. */
    repo: FhirRepository;
  }
}

/** Response header carrying the §2.32 notice when Part 2 records were released (P2-11). */
export const NOTICE_HEADER = 'X-Part2-Notice';

/**
 * Binds each request to its own consent enforcement policy (fresh: no decision outlives the
 * request, P2-15) and, after the handler, appends what the request disclosed or was refused to
 * the audit chain BEFORE the response leaves (ARCHITECTURE §1). If the append fails, the prepared
 * response is dropped and a 503 goes out instead: nothing is released unaudited (P2-13, P2-20).
 * Emergency disclosures also leave a Task in the holding program's inbox (§2.51).
 */
export function requestAccess(base: FhirRepository, auditLog: AuditLog, now: () => Date = () => new Date()): MiddlewareHandler {
  return async function requestAccessMiddleware(c, next) {
    // A trusted gateway (upstream mode, sector `gateway`) enforces consent itself: storage access here.
    const policy = isTrustedGateway(c.get('requester'))
      ? createTrustedGatewayPolicy(base.store, c.get('requester'), now(), c.get('requestId'))
      : createRequestPolicy(base.store, c.get('requester'), now(), c.get('requestId'), { withholdPart2: prefersWithholdPart2(c) });
    // The request's store reports what it committed, so exactly the versions written are audited.
    const writes = policy.writes;
    c.set('repo', base.withPolicy(policy, writes ? recordingStore(base.store, (batch) => writes.committed(batch)) : base.store));
    await next();
    if (policy.notes?.length) c.res = await withWriteNotes(c.res, policy.notes);
    const disclosures = policy.disclosures;
    if (!disclosures?.hasRecords && !writes?.hasRecords) return;
    try {
      // Writes (issue 6: every referral transition) join the chain like disclosures; the data is
      // already stored, so a failed append answers 503 but cannot undo the write.
      if (writes?.hasRecords) await auditLog.append(writes.auditEvents());
      if (!disclosures?.hasRecords) return;
      await disclosures.flush(auditLog);
      // The notices are the gateway's own writes (system policy), held by the notified program.
      for (const task of disclosures.emergencyNotices()) await base.create('Task', task);
    } catch (err) {
      const normalized = normalizeError(err);
      const error = normalized.status >= 500 ? serviceUnavailable('The disclosure could not be audited; nothing was released.', err) : normalized;
      console.error('[gateway] audit append failed', c.get('requestId'), err);
      c.res = undefined;
      c.res = outcomeResponse(c, error);
      return;
    }
    if (disclosures?.notice && c.res.status < 300) c.res.headers.set(NOTICE_HEADER, disclosures.notice);
  };
}
