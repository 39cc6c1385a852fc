import { Hono, type Context } from 'hono';
import type { AuditLog } from '../audit/index.js';
import { assertScope, canPerform, type AuthService } from '../auth/index.js';
import { fhirBase, fhirJson } from '../http/fhir-response.js';
import { queryParams } from '../http/fhir-request.js';
import { disclosuresOperation } from './disclosures-operation.js';
import { revokeConsent } from './revoke-operation.js';
import { buildSummary } from './summary-document.js';
import { buildProgressReport } from '../coordination/index.js';
import { parametersToQuery, parseReportingPeriod } from '../indicators/index.js';
import { readJsonBody } from '../http/json-body.js';
import { signSummary } from './summary-signature.js';

export interface OperationDeps {
  readonly auth: AuthService;
  readonly auditLog: AuditLog;
  readonly now: () => Date;
}

/** Header saying when a deferred (§2.35 irrevocable) revocation starts to count. */
export const REVOCATION_EFFECTIVE_HEADER = 'X-Revocation-Effective';

/** Registers a route under `$name` and its percent-encoded spelling (`%24name`), which some clients send. */
function operation(app: Hono, method: 'get' | 'post', path: (op: string) => string, name: string, handler: (c: Context) => Promise<Response>): void {
  for (const spelling of [`$${name}`, `%24${name}`]) app[method](path(spelling), handler);
}

/**
 * The gateway's FHIR operations: `Patient/{id}/$summary` (consented, signed document),
 * `Patient/{id}/$disclosures` (accounting of disclosures) and `Consent/{id}/$revoke`. Mounted
 * under /fhir before the generic REST routes; every read goes through the request's policy.
 */
export function createOperationRoutes(deps: OperationDeps): Hono {
  const app = new Hono();

  operation(app, 'get', (op) => `/Patient/:id/${op}`, 'summary', async (c) => {
    const requester = c.get('requester');
    assertScope(requester, 'Patient', 'r');
    const now = deps.now();
    const mayRead = (type: string) => canPerform(requester.scopes, type, 's');
    const document = await buildSummary(c.get('repo'), c.req.param('id')!, fhirBase(c), now, requester.purposeOfUse, mayRead);
    return fhirJson(c, await signSummary(deps.auth, document, now));
  });

  operation(app, 'get', (op) => `/Patient/:id/${op}`, 'disclosures', async (c) => {
    const requester = c.get('requester');
    assertScope(requester, 'AuditEvent', 's');
    const bundle = await disclosuresOperation(c.get('repo'), deps.auditLog, requester, c.req.param('id')!, queryParams(c), fhirBase(c), deps.now());
    return fhirJson(c, bundle);
  });

  // Care coordination (issue 6): accountability reporting to the referring body, through the caller's policy.
  const progressReport = async (c: Context, params: URLSearchParams): Promise<Response> => {
    const requester = c.get('requester');
    assertScope(requester, 'CarePlan', 'r');
    const now = deps.now();
    const period = parseReportingPeriod(params, { start: '1900-01-01', end: now.toISOString().slice(0, 10) });
    const mayRead = (type: string) => canPerform(requester.scopes, type, 's');
    const report = await buildProgressReport(c.get('repo'), c.req.param('id')!, period, fhirBase(c), now, requester.purposeOfUse, mayRead);
    return fhirJson(c, await signSummary(deps.auth, report, now));
  };
  operation(app, 'get', (op) => `/CarePlan/:id/${op}`, 'progress-report', (c) => progressReport(c, queryParams(c)));
  operation(app, 'post', (op) => `/CarePlan/:id/${op}`, 'progress-report', async (c) => progressReport(c, parametersToQuery(await readJsonBody(c))));

  operation(app, 'post', (op) => `/Consent/:id/${op}`, 'revoke', async (c) => {
    const requester = c.get('requester');
    assertScope(requester, 'Consent', 'u');
    const result = await revokeConsent(c.get('repo'), requester, c.req.param('id')!, deps.now());
    return fhirJson(c, result.stored.resource, 200, result.effectiveFrom ? { [REVOCATION_EFFECTIVE_HEADER]: result.effectiveFrom } : {});
  });

  return app;
}
