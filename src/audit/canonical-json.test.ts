import { describe, expect, it } from 'vitest';
import { canonicalJson, sha256Hex } from './canonical-json.js';

/** The definition canonicalJson implements: keys sorted, undefined members dropped, JSON escaping. */
function reference(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : reference(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${reference(record[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

describe('canonicalJson', () => {
  it('escapes exactly as JSON.stringify for every kind of string, in keys and values', () => {
    const texts = ['plain', '', 'quo"te', 'back\\slash', 'tab\there', 'nul\u0000', 'del\u007f', 'line\u2028sep', 'pair 😀', 'lone \ud800', 'lone \udfff end', 'é accent', '\u001f'];
    for (const text of texts) {
      const value = { [text]: text, list: [text, undefined, 1.5, true, null] };
      expect(canonicalJson(value)).toBe(reference(value));
      expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(reference(value)));
    }
  });

  it('sorts keys by code unit, whatever order they were built in', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 0, y: undefined, x: 'x' }], c: false } })).toBe('{"a":{"c":false,"d":[2,{"x":"x","z":0}]},"b":1}');
  });

  it('refuses values JSON cannot state unambiguously', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/non-finite/);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/unsupported/);
    let deep: unknown = 'leaf';
    for (let i = 0; i < 70; i++) deep = [deep];
    expect(() => canonicalJson(deep)).toThrow(/too deep/);
  });

  it('hashes UTF-8 with SHA-256, as WebCrypto did for the chains already written', async () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'); // FIPS 180-2 vector
    for (const text of ['é 😀 \u2028', '{"a":1}', '']) {
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
      expect(sha256Hex(text)).toBe(Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join(''));
    }
  });
});
