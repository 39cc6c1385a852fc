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
    case 'boolean':
      return JSON.stringify(value);
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
      const keys = Object.keys(record).sort();
      let out = '{';
      for (const key of keys) {
        const member = record[key];
        if (member === undefined) continue;
        out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${write(member, depth + 1)}`;
      }
      return `${out}}`;
    }
    default:
      throw new Error(`canonicalJson: unsupported ${typeof value}`);
  }
}

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
