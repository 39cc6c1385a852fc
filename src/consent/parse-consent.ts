import type { Consent, Extension } from '@medplum/fhirtypes';
import { consentKind, extensionsOf, subExtension } from './consent-shape.js';
import { parseFhirTime } from './fhir-time.js';
import { checkConsentIntake } from './intake.js';
import { EXPIRY_EVENT_KINDS, type ConsentParseError, type ConsentPolicy, type ConsentStatus, type ExpiryEvent, type ExpiryEventKind } from './model.js';
import { parsePeriod, parseProvision } from './parse-provision.js';
import { EXT_EXPIRY_EVENT, EXT_IRREVOCABLE_UNTIL } from './vocabulary.js';

const STATUSES: readonly ConsentStatus[] = ['draft', 'proposed', 'active', 'rejected', 'inactive', 'entered-in-error'];
const RELATIVE_REFERENCE = /^[A-Z][A-Za-z]{1,63}\/[A-Za-z0-9\-.]{1,64}$/;
const PATIENT_REFERENCE = /^Patient\/([A-Za-z0-9\-.]{1,64})$/;

/** True when the parse result is an error (the consent could not be interpreted). */
export function isConsentParseError(value: ConsentPolicy | ConsentParseError): value is ConsentParseError {
  return value.kind === 'parse-error';
}

function parseEvent(reference: string | undefined, kind: string | undefined, path: string, problems: string[]): ExpiryEvent | undefined {
  if (reference === undefined || !RELATIVE_REFERENCE.test(reference)) problems.push(`${path}: the event is not a relative reference`);
  if (!(EXPIRY_EVENT_KINDS as readonly string[]).includes(kind ?? '')) problems.push(`${path}: unknown event kind \`${kind ?? ''}\``);
  return problems.length || reference === undefined ? undefined : { reference, kind: kind as ExpiryEventKind };
}

function parseExpiryEvents(consent: Consent, problems: string[]): ExpiryEvent[] {
  return extensionsOf(consent, EXT_EXPIRY_EVENT).flatMap((ext: Extension, i) => {
    const local: string[] = [];
    const event = parseEvent(subExtension(ext, 'event')?.valueReference?.reference, subExtension(ext, 'kind')?.valueCode, `Consent.extension('part2-expiry-event')[${i}]`, local);
    problems.push(...local);
    return event ? [event] : [];
  });
}

function parseIrrevocable(consent: Consent, problems: string[]): ConsentPolicy['irrevocableUntil'] {
  const [ext, extra] = extensionsOf(consent, EXT_IRREVOCABLE_UNTIL);
  if (!ext) return undefined;
  const path = "Consent.extension('part2-irrevocable-until')";
  if (extra) problems.push(`${path}: more than one`);
  const dateTime = subExtension(ext, 'dateTime')?.valueDateTime;
  const at = dateTime === undefined ? undefined : parseFhirTime(dateTime, 'end');
  if (dateTime !== undefined && at === undefined) problems.push(`${path}.dateTime: not a valid dateTime`);
  const eventRef = subExtension(ext, 'event')?.valueReference?.reference;
  const local: string[] = [];
  const event = eventRef === undefined ? undefined : parseEvent(eventRef, subExtension(ext, 'eventKind')?.valueCode, `${path}.event`, local);
  problems.push(...local);
  return { ...(at === undefined ? {} : { at }), ...(event ? { event } : {}) };
}

/**
 * Turns a FHIR Consent into the engine's {@link ConsentPolicy}, or a {@link ConsentParseError}
 * listing every problem. The consent must pass {@link checkConsentIntake} (P2-02: a consent
 * missing a §2.31 element is not valid, even if it reached the store another way), and every
 * element the engine would have to evaluate must be understood (P2-20): nothing is skipped.
 * Never throws on malformed input.
 */
export function parseConsent(consent: Consent): ConsentPolicy | ConsentParseError {
  const patientId = PATIENT_REFERENCE.exec(consent.patient?.reference ?? '')?.[1];
  const problems: string[] = [];
  try {
    problems.push(...checkConsentIntake(consent).map((i) => `${i.expression?.[0] ?? 'Consent'}: ${i.details?.text ?? 'invalid'}`));
    if (!consent.id) problems.push('Consent.id: missing');
    if (!STATUSES.includes(consent.status)) problems.push('Consent.status: unknown status');
    if (!patientId) problems.push('Consent.patient: not a Patient reference');
    if ((consent.modifierExtension ?? []).length) problems.push('Consent.modifierExtension: not understood');
    const discloserRefs = [...(consent.organization ?? []), ...(consent.performer ?? [])].map((r) => r.reference ?? '');
    discloserRefs.forEach((r, i) => {
      if (!RELATIVE_REFERENCE.test(r)) problems.push(`Consent.organization|performer[${i}]: not a relative reference`);
    });
    const kind = consentKind(consent);
    const expiryEvents = parseExpiryEvents(consent, problems);
    const irrevocableUntil = parseIrrevocable(consent, problems);
    if (!consent.provision) problems.push('Consent.provision: missing');
    const root = parseProvision(consent.provision ?? {}, 'provision', problems);
    if (problems.length || !kind || !patientId || !consent.id || !consent.dateTime) {
      return { kind: 'parse-error', ...(consent.id ? { consentId: consent.id } : {}), ...(patientId ? { patientId } : {}), problems };
    }
    const period = parsePeriod(consent.provision?.period, 'provision.period', problems);
    return {
      id: consent.id,
      status: consent.status,
      patientId,
      discloserRefs,
      kind,
      dateSigned: consent.dateTime,
      ...(period ? { period } : {}),
      expiryEvents,
      ...(irrevocableUntil ? { irrevocableUntil } : {}),
      root,
    };
  } catch {
    // Input that is not even shaped like a Consent (e.g. a string where an array belongs).
    return { kind: 'parse-error', ...(consent?.id ? { consentId: consent.id } : {}), ...(patientId ? { patientId } : {}), problems: ['Consent: not interpretable'] };
  }
}
