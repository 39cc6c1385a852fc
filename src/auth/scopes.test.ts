import { describe, expect, it } from 'vitest';
import { GatewayError } from '../outcomes/index.js';
import type { Interaction, Requester } from './requester.js';
import { assertScope, canPerform, formatScopes, isCoveredBy, parseScope, parseScopes } from './scopes.js';

describe('parseScope', () => {
  it.each([
    ['system/Patient.rs', 'system/Patient.rs'],
    ['system/*.cruds', 'system/*.cruds'],
    ['system/Observation.c', 'system/Observation.c'],
    ['system/Consent.cud', 'system/Consent.cud'],
    // SMART v1 → v2: read = rs, write = cud, * = cruds
    ['system/*.read', 'system/*.rs'],
    ['system/Patient.write', 'system/Patient.cud'],
    ['system/*.*', 'system/*.cruds'],
  ])('%s → %s', (text, canonical) => {
    const parsed = parseScope(text);
    expect(typeof parsed).toBe('object');
    expect(formatScopes([parsed as Exclude<typeof parsed, string>])).toBe(canonical);
  });

  it.each([
    ['system/Patient.sr', /cruds/], // v2 letters must come in order
    ['system/Patient.rr', /cruds/],
    ['system/Patient.x', /cruds/],
    ['system/Patient.', /system scopes/],
    ['patient/*.rs', /system scopes/],
    ['user/Patient.read', /system scopes/],
    ['openid', /system scopes/],
    ['system/Unicorn.rs', /not served/],
    ['system/Observation.rs?category=laboratory', /queries/], // refused, never ignored
  ])('refuses %s', (text, reason) => {
    expect(parseScope(text)).toMatch(reason);
  });

  it('parseScopes splits on any whitespace and reports each refused scope', () => {
    const parsed = parseScopes('  system/Patient.rs\tsystem/*.read  bogus ');
    expect(formatScopes(parsed.scopes)).toBe('system/Patient.rs system/*.rs');
    expect(parsed.invalid.map((i) => i.scope)).toEqual(['bogus']);
  });
});

describe('canPerform', () => {
  const scopes = parseScopes('system/Patient.rs system/*.s system/Observation.cu').scopes;
  it.each<[string, Interaction, boolean]>([
    ['Patient', 'r', true],
    ['Patient', 's', true],
    ['Patient', 'c', false],
    ['Observation', 'c', true],
    ['Observation', 'r', false],
    ['Observation', 's', true], // via the wildcard
    ['Consent', 's', true],
    ['Consent', 'd', false],
  ])('%s %s → %s', (type, interaction, expected) => {
    expect(canPerform(scopes, type, interaction)).toBe(expected);
  });
});

describe('isCoveredBy', () => {
  const registered = parseScopes('system/*.rs system/Patient.c').scopes;
  const one = (text: string) => parseScopes(text).scopes[0]!;
  it('covers a request spread over several registered scopes', () => expect(isCoveredBy(one('system/Patient.crs'), registered)).toBe(true));
  it('does not cover more letters than registered', () => expect(isCoveredBy(one('system/Patient.u'), registered)).toBe(false));
  it('does not let type-specific scopes add up to a wildcard', () => expect(isCoveredBy(one('system/*.c'), registered)).toBe(false));
  it('covers a narrower wildcard', () => expect(isCoveredBy(one('system/*.s'), registered)).toBe(true));
});

describe('assertScope', () => {
  const requester: Requester = {
    clientId: 'c',
    organizationId: 'o',
    sector: 'ehr',
    scopes: parseScopes('system/Patient.rs').scopes,
    purposeOfUse: 'TREAT',
    tokenId: 't',
  };

  it('forbids create with system/Patient.rs (403 AUTH_INSUFFICIENT_SCOPE)', () => {
    let thrown: unknown;
    try {
      assertScope(requester, 'Patient', 'c');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(GatewayError);
    expect(thrown).toMatchObject({ status: 403, code: 'AUTH_INSUFFICIENT_SCOPE' });
    expect((thrown as GatewayError).message).toBe('Scope `system/Patient.rs` does not permit `create` on `Patient`.');
  });

  it('allows read with system/Patient.rs', () => {
    expect(() => assertScope(requester, 'Patient', 'r')).not.toThrow();
  });
});
