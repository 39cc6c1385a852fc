import type { Consent, OperationOutcomeIssue } from '@medplum/fhirtypes';
import { afterAll, beforeAll, expect, it, describe } from 'vitest';
import {
  EXT_CONDITIONING_STATEMENT, EXT_REVOCATION_STATEMENT, EXT_SIGNATURE,
} from '../../src/consent/vocabulary.js';
import { createPart2World, STORAGE_MODES, type Part2World } from '../support/part2-world.js';

// Every scenario runs against the gateway's own store and in upstream mode (real HTTP to a second instance).
describe.each(STORAGE_MODES)('%s', (mode) => {
  /* P2-02: a Part 2 consent missing a §2.31 element is refused at intake (422) with an issue naming it, and nothing is stored. */

  let w: Part2World;
  beforeAll(async () => {
    w = await createPart2World({ mode });
  });
  afterAll(async () => w.close());

  const withoutExtension = (c: Consent, url: string): Consent => ({ ...c, extension: (c.extension ?? []).filter((e) => e.url !== url) });
  const storedConsents = async (): Promise<number> => (await w.get('demo-admin', `/fhir/Consent?patient=Patient/${w.patientId}&_summary=count`)).body.total!;

  /**
   * An issue names the element when its expression, or the FHIRPath of the profile invariant that
   * failed (diagnostics), mentions the element's path; the profile (p2c-*) usually answers before
   * the intake check does, with `expression: ["Consent"]` and the element in words and FHIRPath.
   */
  const namesElement = (issue: OperationOutcomeIssue, path: string): boolean => [...(issue.expression ?? []), issue.diagnostics ?? '', issue.details?.text ?? ''].some((s) => s.includes(path));

  type Case = [element: string, path: string, words: RegExp, strip: (c: Consent) => Consent];
  const CASES: Case[] = [
    ['the patient', 'Consent.patient', /patient|required/i, ({ patient: _p, ...c }) => c as Consent],
    ['who discloses (the Part 2 program)', 'organization', /who discloses/i, ({ organization: _o, ...c }) => c as Consent],
    ['the description of the information', 'provision.class', /describe/i, (c) => ({ ...c, provision: { ...c.provision!, securityLabel: undefined } as Consent['provision'] })],
    ['the recipients', 'provision.actor', /recipient/i, (c) => ({ ...c, provision: { ...c.provision!, actor: undefined } as Consent['provision'] })],
    ['the purpose', 'provision.purpose', /purpose/i, (c) => ({ ...c, provision: { ...c.provision!, purpose: undefined } as Consent['provision'] })],
    ['the statement of the right to revoke', 'part2-revocation-statement', /revoke/i, (c) => withoutExtension(c, EXT_REVOCATION_STATEMENT)],
    ['the expiration', 'provision.period.end', /expir/i, (c) => ({ ...c, provision: { ...c.provision!, period: { start: '2026-01-10' } } })],
    ['the signature', 'part2-signature', /sign/i, (c) => withoutExtension(c, EXT_SIGNATURE)],
    ['the date signed', 'Consent.dateTime', /date|required/i, ({ dateTime: _d, ...c }) => c as Consent],
    ['the statement that treatment is not conditioned on signing', 'part2-conditioning-statement', /conditioned/i, (c) => withoutExtension(c, EXT_CONDITIONING_STATEMENT)],
  ];

  it.each(CASES)('P2-02 a consent without %s is refused with an issue naming it, and nothing is stored', async (_element, path, words, strip) => {
    const before = await storedConsents();
    const consent = strip(w.consent('tpo', ['class:treating-providers']));
    const reply = await w.send('demo-treatment', 'POST', '/fhir/Consent', consent);
    expect(reply.status).toBe(422);
    expect(reply.body.resourceType).toBe('OperationOutcome');
    const issue = reply.body.issue!.find((i) => namesElement(i, path));
    expect(issue, JSON.stringify(reply.body.issue)).toBeDefined();
    expect(issue!.severity).toBe('error');
    expect(issue!.details?.text).toMatch(words);
    // Only the stripped element is wrong, so no issue blames anything else.
    expect(reply.body.issue!.every((i) => namesElement(i, path)), JSON.stringify(reply.body.issue)).toBe(true);
    expect(await storedConsents()).toBe(before);
  });

  it('P2-02 a complete consent is accepted and stored', async () => {
    const before = await storedConsents();
    const reply = await w.send('demo-treatment', 'POST', '/fhir/Consent', w.consent('tpo', ['class:treating-providers']));
    expect(reply.status).toBe(201);
    expect(await storedConsents()).toBe(before + 1);
    expect((await w.send('demo-treatment', 'DELETE', `/fhir/Consent/${reply.body.id}`)).status).toBeLessThan(300);
  });

  it('P2-02 an update that drops a §2.31 element is refused and the stored consent is unchanged', async () => {
    const id = await w.grant(w.consent('tpo', ['class:treating-providers']));
    const current = (await w.send('demo-treatment', 'GET', `/fhir/Consent/${id}`)).body as unknown as Consent;
    const reply = await w.send('demo-treatment', 'PUT', `/fhir/Consent/${id}`, withoutExtension(current, EXT_SIGNATURE));
    expect(reply.status).toBe(422);
    expect(reply.body.issue!.some((i) => namesElement(i, 'part2-signature'))).toBe(true);
    const after = (await w.send('demo-treatment', 'GET', `/fhir/Consent/${id}`)).body;
    expect(after.meta?.versionId).toBe(current.meta?.versionId);
    await w.retireConsents();
  });

  it('P2-02 a recipient class is allowed only in a TPO consent', async () => {
    const reply = await w.send('demo-treatment', 'POST', '/fhir/Consent', w.consent('specific-disclosure', ['class:treating-providers']));
    expect(reply.status).toBe(422);
    expect(reply.body.issue!.some((i) => i.expression?.some((e) => e.startsWith('Consent.provision.actor')))).toBe(true);
  });
});
