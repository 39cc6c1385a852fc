import { Hono, type Context } from 'hono';
import type { Parameters, Subscription } from '@medplum/fhirtypes';
import { assertValidId } from '../fhir/repository.js';
import { fhirJson } from '../http/fhir-response.js';
import type { SqlConnection } from '../storage/sql-connection.js';
import { countsFor } from './outbox.js';

/**
 * `GET /fhir/Subscription/{id}/$status` (also `%24status`): the delivery state of one
 * Subscription for its owning client — status, error, and how many notifications are pending,
 * delivered, dead or dropped, with the last delivery error. A Parameters resource (R4 has no
 * SubscriptionStatus). Mounted under /fhir after auth; other organizations get 404.
 */
export function createSubscriptionStatusRoutes(conn: SqlConnection): Hono {
  const app = new Hono();
  const handler = async (c: Context): Promise<Response> => {
    const id = c.req.param('id') ?? '';
    assertValidId(id);
    // Through the request's repository: a Subscription is private to its owning organization
    // (src/enforcement/owner-private.ts), so anyone else gets the same 404 as for a missing one.
    const subscription = (await c.get('repo').read('Subscription', id)).resource as Subscription;
    const counts = await countsFor(conn, id);
    const parameters: Parameters = {
      resourceType: 'Parameters',
      parameter: [
        { name: 'subscription', valueReference: { reference: `Subscription/${id}` } },
        { name: 'status', valueCode: subscription.status },
        ...(subscription.error ? [{ name: 'error', valueString: subscription.error }] : []),
        { name: 'pending', valueInteger: counts.pending },
        { name: 'delivered', valueInteger: counts.delivered },
        { name: 'dead', valueInteger: counts.dead },
        { name: 'dropped', valueInteger: counts.dropped },
        ...(counts.lastError ? [{ name: 'lastError', valueString: counts.lastError }] : []),
      ],
    };
    return fhirJson(c, parameters);
  };
  for (const spelling of ['$status', '%24status']) app.get(`/Subscription/:id/${spelling}`, handler);
  return app;
}

