import type { Context } from 'hono';
import { badRequest, bodyTooLarge, malformedJson, unsupportedMediaType } from '../outcomes/index.js';

/** Largest body accepted (bytes). Transactions of a few thousand entries fit comfortably. */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;
/** Deeper JSON than this is refused before parsing: no valid FHIR resource nests this far. */
export const MAX_JSON_DEPTH = 64;

const JSON_TYPES = new Set(['application/fhir+json', 'application/json', 'application/json+fhir']);

/** True when the request's Content-Type is a JSON flavour FHIR accepts. */
export function isJsonContentType(header: string | undefined): boolean {
  const type = header?.split(';')[0]?.trim().toLowerCase();
  return type !== undefined && JSON_TYPES.has(type);
}

/**
 * Reads a FHIR JSON body with every hostile-input guard applied before the parsed value is
 * used: content type (415), size (413), nesting depth and non-finite numbers like `1e400` (400),
 * and malformed JSON (400).
 */
export async function readJsonBody(c: Context): Promise<unknown> {
  const contentType = c.req.header('content-type');
  if (!isJsonContentType(contentType)) throw unsupportedMediaType(contentType);
  const declared = Number(c.req.header('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) throw bodyTooLarge(MAX_BODY_BYTES);
  const text = await c.req.text();
  if (text.length > MAX_BODY_BYTES) throw bodyTooLarge(MAX_BODY_BYTES);
  return parseBoundedJson(text);
}

/** Parses JSON text refusing excessive depth and numbers that overflow to Infinity. */
export function parseBoundedJson(text: string): unknown {
  if (text.trim() === '') throw malformedJson('The request body is empty.');
  if (jsonDepth(text) > MAX_JSON_DEPTH) throw badRequest(`JSON nesting is deeper than ${MAX_JSON_DEPTH} levels.`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw malformedJson();
  }
  assertFiniteNumbers(value);
  return value;
}

/** Maximum bracket depth, counted outside string literals, in one linear pass. */
function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92 /* \ */) i++;
      else if (ch === 34 /* " */) inString = false;
    } else if (ch === 34) inString = true;
    else if (ch === 123 || ch === 91) max = Math.max(max, ++depth);
    else if (ch === 125 || ch === 93) depth--;
  }
  return max;
}

function assertFiniteNumbers(root: unknown): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw badRequest('A number in the body is out of range.');
    } else if (Array.isArray(value)) {
      for (const item of value) stack.push(item);
    } else if (value !== null && typeof value === 'object') {
      for (const item of Object.values(value)) stack.push(item);
    }
  }
}
