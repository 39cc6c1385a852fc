import type { Resource, Subscription } from '@medplum/fhirtypes';

/** Header carrying the detached compact JWS (RFC 7515 appendix F) over the exact body bytes. */
export const SIGNATURE_HEADER = 'X-Signature';
/** JOSE `typ` of a notification signature, so no other gateway JWS can pass for one. */
export const NOTIFICATION_JWS_TYP = 'notification+jws';

/** Headers the gateway sets itself; a Subscription may not override them. */
const RESERVED = new Set(['content-type', 'content-length', 'host', 'transfer-encoding', 'connection', SIGNATURE_HEADER.toLowerCase()]);
const HEADER_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*([^\r\n]*)$/;
const MAX_HEADERS = 20;

/** Why `Subscription.channel.header` is unusable, or undefined when every line is `Name: value`. */
export function checkChannelHeaders(lines: readonly string[]): string | undefined {
  if (lines.length > MAX_HEADERS) return `At most ${MAX_HEADERS} channel headers are allowed.`;
  for (const line of lines) {
    const m = HEADER_LINE.exec(line);
    if (!m) return 'Each channel header must be one `Name: value` line.';
    if (RESERVED.has(m[1]!.toLowerCase())) return `The channel header \`${m[1]}\` is set by the gateway.`;
  }
  return undefined;
}

/** One notification POST, ready to send. */
export interface DeliveryRequest {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * The R4 rest-hook POST: the released resource as `application/fhir+json` when the Subscription
 * asks for a payload, else an empty body, with the channel's own headers. Unsigned: see
 * {@link withSignature}.
 */
export function prepareDeliveryRequest(subscription: Subscription, resource: Resource | undefined): DeliveryRequest {
  const body = subscription.channel?.payload && resource ? JSON.stringify(resource) : '';
  const headers: Record<string, string> = {};
  for (const line of subscription.channel?.header ?? []) {
    const m = HEADER_LINE.exec(line);
    if (m) headers[m[1]!] = m[2]!;
  }
  if (body) headers['Content-Type'] = 'application/fhir+json';
  return { url: subscription.channel!.endpoint!, headers, body };
}

/**
 * Adds the gateway's signature of the body (a compact JWS of exactly `request.body`, typ
 * {@link NOTIFICATION_JWS_TYP}) in {@link SIGNATURE_HEADER} as `<header>..<signature>`: payload
 * detached, so the receiver puts base64url(body) between the dots and verifies it with the
 * gateway's JWKS (`/.well-known/jwks.json`).
 */
export function withSignature(request: DeliveryRequest, jws: string): DeliveryRequest {
  const [protectedHeader, , signature] = jws.split('.');
  return { ...request, headers: { ...request.headers, [SIGNATURE_HEADER]: `${protectedHeader}..${signature}` } };
}

/** The compact JWS a receiver verifies: the detached signature with base64url(body) put back. */
export function attachPayload(detached: string, body: string): string {
  const [protectedHeader, , signature] = detached.split('.');
  return `${protectedHeader}.${Buffer.from(body, 'utf8').toString('base64url')}.${signature}`;
}
