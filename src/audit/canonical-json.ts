/**
 * Canonical JSON and SHA-256 for the audit hash chain. Hashing uses node:crypto, which Node has
 * and Workers provide under the `nodejs_compat` flag (wrangler.toml): it hashes synchronously,
 * where WebCrypto's digest() is a thread-pool round trip per call — ≈75 µs of an ingested
 * participant's ≈1 ms when every write is audited one link at a time.
 */
import { createHash } from 'node:crypto';

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
      return quote(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new Error('canonicalJson: non-finite number');
      return JSON.stringify(value);
    case 'object': {
      // Plain loops and += rather than map/filter/join: every audited write is canonicalised.
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          out += (i ? ',' : '') + (item === undefined ? 'null' : write(item, depth + 1));
        }
        return `${out}]`;
      }
      const record = value as Record<string, unknown>;
      let out = '{';
      for (const key of Object.keys(record).sort()) {
        const member = record[key];
        if (member === undefined) continue;
        out += `${out.length > 1 ? ',' : ''}${quote(key)}:${write(member, depth + 1)}`;
      }
      return `${out}}`;
    }
    default:
      throw new Error(`canonicalJson: unsupported ${typeof value}`);
  }
}

/**
 * JSON.stringify of a string, skipping its escaper for text that needs none (no quote,
 * backslash, control character or surrogate), which is nearly every key and value in an
 * AuditEvent: half of canonicalJson's time went to JSON.stringify on short plain strings.
 */
function quote(text: string): string {
  return NEEDS_NO_ESCAPE.test(text) ? `"${text}"` : JSON.stringify(text);
}

const NEEDS_NO_ESCAPE = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

/** Lowercase hex SHA-256 of the UTF-8 bytes of `text`. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The chain link: hash of the previous row's hash followed by the event's canonical JSON. */
export function chainHash(prevHash: string, event: unknown): string {
  return sha256Hex(prevHash + canonicalJson(event));
}

/** prev_hash of the first row. */
export const GENESIS_HASH = '0'.repeat(64);
