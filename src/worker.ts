/**
 * Cloudflare Workers entry point (wrangler.toml): the same gateway over a D1 binding.
 * Imports only runtime-neutral modules — d1-connection.js directly, never storage/index.ts
 * (@libsql/client) or anything that touches node:fs. Clients come from the GATEWAY_CLIENTS var.
 */
import type { ExecutionContext } from 'hono';
import { registerConfiguredClients } from './bootstrap/configured-clients.js';
import { buildGateway, type Gateway } from './gateway.js';
import { FHIR_JSON } from './http/fhir-response.js';
import { serviceUnavailable, toOperationOutcome } from './outcomes/index.js';
import { createD1Connection, type D1DatabaseLike } from './storage/d1-connection.js';

/** The bindings declared in wrangler.toml. */
export interface WorkerEnv {
  readonly DB: D1DatabaseLike;
  /** Public base URL (issuer/audience of tokens); unset → the request's origin is used. */
  readonly PUBLIC_URL?: string;
  /** JSON array of client registrations with PUBLIC keys (src/bootstrap/configured-clients.ts). */
  readonly GATEWAY_CLIENTS?: string;
}

let gateway: Promise<Gateway> | undefined;

/** Builds the gateway once per isolate; a failed build is forgotten so the next request retries. */
function gatewayFor(env: WorkerEnv): Promise<Gateway> {
  gateway ??= (async () => {
    const publicUrl = env.PUBLIC_URL?.trim().replace(/\/+$/, '');
    const built = await buildGateway({ conn: createD1Connection(env.DB), ...(publicUrl ? { issuer: publicUrl } : {}) });
    await registerConfiguredClients(built, env.GATEWAY_CLIENTS ?? '[]');
    return built;
  })().catch((error: unknown) => {
    gateway = undefined;
    throw error;
  });
  return gateway;
}

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
    let built: Gateway;
    try {
      built = await gatewayFor(env);
    } catch (error) {
      // Startup failed (bad GATEWAY_CLIENTS, missing migrations, D1 down): log the cause, answer 503.
      console.error('[gateway] startup failed', error);
      const outcome = toOperationOutcome(serviceUnavailable('The gateway is starting or misconfigured; try again later.'));
      return new Response(JSON.stringify(outcome), { status: 503, headers: { 'Content-Type': FHIR_JSON, 'Retry-After': '5' } });
    }
    return built.app.fetch(request, env, ctx);
  },

  /**
   * Cron Trigger (wrangler.toml `[triggers] crons`): one notification tick — activate requested
   * Subscriptions, dispatch the change feed into the outbox, deliver what is due. Bounded work
   * per run (10 batches of 500 each way); retries wait for the next run, so on Workers the
   * backoff is rounded up to the cron interval (one minute).
   */
  async scheduled(_controller: unknown, env: WorkerEnv, ctx: ExecutionContext): Promise<void> {
    const built = await gatewayFor(env);
    ctx.waitUntil(built.notifier.tick().then(() => undefined, (error: unknown) => console.error('[notify] cron tick failed', error)));
    // One batch of care-coordination reactions per minute; the feed cursor makes it resumable.
    ctx.waitUntil(built.careCoordinator.tick().then(() => undefined, (error: unknown) => console.error('[care] cron tick failed', error)));
  },
};
