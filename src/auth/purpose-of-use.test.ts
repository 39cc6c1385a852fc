import { describe, expect, it } from 'vitest';
import { DEFAULT_PURPOSE, KNOWN_PURPOSES, LOCAL_PURPOSE_SYSTEM, V3_ACT_REASON, resolvePurposeOfUse } from './purpose-of-use.js';

describe('resolvePurposeOfUse', () => {
  it('knows the v3-ActReason codes and the local criminal-justice code', () => {
    expect(KNOWN_PURPOSES.map((p) => p.code).sort()).toEqual(
      ['BTG', 'CJMONITOR', 'COC', 'ETREAT', 'HLEGAL', 'HOPERAT', 'HPAYMT', 'HRESCH', 'PATRQT', 'PUBHLTH', 'TREAT'].sort(),
    );
    expect(resolvePurposeOfUse('CJMONITOR')?.system).toBe(LOCAL_PURPOSE_SYSTEM);
    expect(resolvePurposeOfUse('BTG')?.system).toBe(V3_ACT_REASON);
  });

  it('defaults to TREAT when none is given', () => {
    expect(DEFAULT_PURPOSE).toBe('TREAT');
    expect(resolvePurposeOfUse(undefined)?.code).toBe('TREAT');
    expect(resolvePurposeOfUse('  ')?.code).toBe('TREAT');
  });

  it('accepts system|code only under the right system', () => {
    expect(resolvePurposeOfUse(`${V3_ACT_REASON}|PUBHLTH`)?.code).toBe('PUBHLTH');
    expect(resolvePurposeOfUse(`${LOCAL_PURPOSE_SYSTEM}|TREAT`)).toBeUndefined();
  });

  it('refuses unknown and lower-case codes', () => {
    expect(resolvePurposeOfUse('SNOOP')).toBeUndefined();
    expect(resolvePurposeOfUse('treat')).toBeUndefined();
  });
});
