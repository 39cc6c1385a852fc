import type { DeliveryRequest } from './delivery-request.js';

/**
 * POSTs one notification. Resolves to undefined on a 2xx, else to a short failure text for the
 * outbox and `Subscription.error`: a status code or a network error kind — never the endpoint
 * URL, the channel headers (they may hold the receiver's credentials) or the receiver's body.
 * Redirects are not followed: the endpoint is what the owner registered.
 */
export type NotificationPoster = (request: DeliveryRequest, timeoutMs: number) => Promise<string | undefined>;

/** The runtime-neutral poster (fetch): Workers, and the default of buildGateway. */
export const fetchPoster: NotificationPoster = async (request, timeoutMs) => {
  try {
    const res = await fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      ...(request.body ? { body: request.body } : {}),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    // Drain the body so the connection is reused (keep-alive) instead of leaking.
    await res.arrayBuffer().catch(() => undefined);
    return statusFailure(res.status);
  } catch (err) {
    return networkFailure(err, timeoutMs);
  }
};

export function statusFailure(status: number): string | undefined {
  return status >= 200 && status < 300 ? undefined : `The endpoint answered HTTP ${status}.`;
}

export function networkFailure(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return `The endpoint did not answer within ${timeoutMs} ms.`;
  const code = (err as { code?: unknown }).code ?? (err as { cause?: { code?: unknown } }).cause?.code;
  return `The endpoint could not be reached${typeof code === 'string' && /^[A-Z_]{2,32}$/.test(code) ? ` (${code})` : ''}.`;
}
