/**
 * Canonical JSON and SHA-256 for the audit hash chain. Runtime-neutral: WebCrypto
 * (`crypto.subtle`) exists on Node 20 and on Workers.
 */

/** Deepest nesting canonicalJson accepts; AuditEvents the gateway builds are a handful deep. */
const MAX_DEPTH = 64;

/**
 * JSON with object keys sorted (code-unit order), no whitespace, `undefined` members dropped —
 * the same value always yields the same text, whatever order its keys were built in. Throws on
 * non-finite numbers, non-JSON values and nesting past MAX_DEPTH (the chain must never hash an
 * ambiguous text).
 */
export function canonicalJson(value: unknown): string {
  return write(value, 0);
}

function write(value: unknown, depth: number): string {
  if (depth > MAX_DEPTH) throw new Error('canonicalJson: value nested too deep');
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new Error('canonicalJson: non-finite number');
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : write(item, depth + 1))).join(',')}]`;
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort();
      return `{${keys.map((key) => `${JSON.stringify(key)}:${write(record[key], depth + 1)}`).join(',')}}`;
    }
    default:
      throw new Error(`canonicalJson: unsupported ${typeof value}`);
  }
}

/** Lowercase hex SHA-256 of the UTF-8 bytes of `text`. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The chain link: hash of the previous row's hash followed by the event's canonical JSON. */
export function chainHash(prevHash: string, event: unknown): Promise<string> {
  return sha256Hex(prevHash + canonicalJson(event));
}

/** prev_hash of the first row. */
export const GENESIS_HASH = '0'.repeat(64);
