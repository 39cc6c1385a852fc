import type { AuditEvent, Coding, Task } from '@medplum/fhirtypes';
import type { Requester } from '../auth/requester.js';
import { resolvePurposeOfUse } from '../auth/purpose-of-use.js';
import { buildAuditEvent, type AuditEventInput, type AuditInteraction, type AuditLog, type AuditedResource } from '../audit/index.js';
import { decideAll, type AccessRequest, type Decision, type ResourceFacts } from '../consent/index.js';
import { codingsOf } from '../consent/labeling-walk.js';
import { actCode, confidentiality, isPart2Labeled, POLICY_42CFRPART2 } from '../consent/labels.js';
import { mayAccessOwnerPrivate } from './owner-private.js';
import { versionKey, type Store, type StoredVersion } from '../storage/store.js';
import { loadConsents, loadEventFacts } from './consent-facts.js';
import { applyObligations } from './obligations.js';
import { patientIdOf } from './patient-of.js';
import { COVERED_SECTORS, type RequesterFacts } from './requester-facts.js';

export type DisclosureInteraction = AuditInteraction;

/** Entities listed in one access event; the count beyond is noted, not listed. */
const MAX_ACCESS_ENTITIES = 200;

interface Outcome {
  readonly version: StoredVersion;
  readonly decision: Decision;
}

/**
 * Everything one request discloses or is refused, decided once per version and turned into
 * AuditEvents before the response leaves (P2-13): one event per patient and authority for Part 2
 * disclosures and denials (so the patient's accounting is exact), one event for the rest.
 */
export class Disclosures {
  readonly #decided = new Map<string, Decision>();
  readonly #released: Outcome[] = [];
  readonly #denied: Outcome[] = [];
  #interaction: DisclosureInteraction = 'read';
  #notice: string | undefined;

  constructor(
    private readonly store: Store,
    private readonly requester: Requester,
    private readonly requesterFacts: () => Promise<RequesterFacts>,
    private readonly now: Date,
    readonly decisionId: string,
  ) {}

  /** The §2.32 notice when anything released was Part 2 (P2-11), for the response header. */
  get notice(): string | undefined {
    return this.#notice;
  }

  get hasRecords(): boolean {
    return this.#released.length > 0 || this.#denied.length > 0;
  }

  /** Decides every version not yet decided; the holding program's own records are not disclosures. */
  async decide(versions: readonly StoredVersion[]): Promise<Map<string, Decision>> {
    const pending = versions.filter((v) => !this.#decided.has(versionKey(v)));
    if (pending.length === 0) return this.#decided;
    const facts = pending.map((v) => factsOf(v));
    const part2Patients = [...new Set(facts.filter((f) => f.patientId && isPart2(f)).map((f) => f.patientId!))];
    // Memberships and consents only matter for Part 2 records; an ordinary read needs no queries.
    const anyPart2 = facts.some(isPart2);
    const organizationId = this.requester.organizationId;
    const rf = anyPart2 ? await this.requesterFacts() : { organizationId, memberOf: [`Organization/${organizationId}`], isCoveredEntity: COVERED_SECTORS.has(this.requester.sector) };
    const consents = await loadConsents(this.store, part2Patients);
    const events = await loadEventFacts(this.store, consents);
    const request: AccessRequest = {
      requester: { clientId: this.requester.clientId, organizationId: rf.organizationId, sector: this.requester.sector, memberOf: rf.memberOf, isCoveredEntity: rf.isCoveredEntity },
      purposeOfUse: this.requester.purposeOfUse,
    };
    const decisions = decideAll(request, facts, consents, this.now, { events });
    pending.forEach((v, i) => {
      // The program that holds a record reads its own copy: not a disclosure (P2-01 governs disclosure),
      // whether or not a consent (e.g. a TPO class naming it) would also permit it — otherwise its own
      // reads would be stamped NORDSCLCD and fill the patient's accounting (P2-13).
      const held = v.disclosure.holderOrg === rf.organizationId && hasConfidentiality(facts[i]!);
      const decision: Decision = !mayAccessOwnerPrivate(v.resourceType, v.disclosure.holderOrg, rf.organizationId)
        ? OWNER_ONLY
        : held
          ? { effect: 'permit', obligations: [], trace: [{ rule: 'P2-01', outcome: 'permit', note: 'the requester holds this record' }], decidedBy: { authority: 'not-part2' } }
          : decisions[i]!;
      this.#decided.set(versionKey(v), decision);
    });
    return this.#decided;
  }

  async deniedAmong(versions: readonly StoredVersion[]): Promise<Set<string>> {
    const decided = await this.decide(versions);
    return new Set(versions.filter((v) => decided.get(versionKey(v))?.effect === 'deny').map(versionKey));
  }

  /** Releases what decide() permits, with obligations applied; records both sides for audit. */
  async release(versions: readonly StoredVersion[], interaction: DisclosureInteraction): Promise<StoredVersion[]> {
    this.#interaction = interaction;
    const decided = await this.decide(versions);
    const out: StoredVersion[] = [];
    for (const v of versions) {
      const decision = decided.get(versionKey(v))!;
      if (decision.effect === 'deny') {
        this.#denied.push({ version: v, decision });
        continue;
      }
      const { resource, effects } = applyObligations(v.resource, decision.obligations);
      if (effects.notice) this.#notice = effects.notice;
      this.#released.push({ version: v, decision });
      out.push({ ...v, resource });
    }
    return out;
  }

  /** The AuditEvents for this request (see the class comment for how they are grouped). */
  auditEvents(): AuditEvent[] {
    const purpose = resolvePurposeOfUse(this.requester.purposeOfUse);
    const base = {
      interaction: this.#interaction,
      recorded: this.now,
      requester: { organizationId: this.requester.organizationId, clientId: this.requester.clientId },
      decisionId: this.decisionId,
      ...(purpose ? { purposeOfUse: { system: purpose.system, code: purpose.code } as Coding } : {}),
    };
    const events: AuditEventInput[] = [];
    const groups = new Map<string, { input: Omit<AuditEventInput, 'resources'>; resources: AuditedResource[] }>();
    const add = (groupKey: string, input: Omit<AuditEventInput, 'resources'>, v: StoredVersion): void => {
      const group = groups.get(groupKey) ?? groups.set(groupKey, { input, resources: [] }).get(groupKey)!;
      group.resources.push({ reference: `${v.resourceType}/${v.id}`, versionId: String(v.versionId), securityLabel: v.resource.meta?.security ?? [] });
    };
    for (const { version, decision } of this.#released) {
      if (decision.effect !== 'permit') continue;
      const by = decision.decidedBy;
      const patientId = patientOf(version);
      if (by?.authority === 'not-part2' || !by) {
        add('access', { ...base, kind: 'access', outcome: 'success', authority: { type: 'none', note: 'not a Part 2 disclosure' } }, version);
        continue;
      }
      // P2-13 "consent used": a court order on file as a `court-order` Consent is named by its id too.
      const authorityRef = by.courtOrderId ?? (by.consentId ? `Consent/${by.consentId}` : undefined);
      const authority = by.authority === 'consent' && by.consentId ? { type: 'consent' as const, consentId: by.consentId } : { type: by.authority === 'emergency' ? ('emergency' as const) : ('court-order' as const), ...(authorityRef ? { reference: authorityRef } : {}) };
      const kind = by.authority === 'emergency' ? 'emergency' : 'disclosure';
      const ruleIds = [...new Set(decision.trace.map((s) => s.rule))];
      add(`${kind}|${patientId}|${by.consentId ?? by.courtOrderId ?? ''}`, { ...base, kind, outcome: 'success', ...(patientId ? { patientId } : {}), authority, ruleIds }, version);
    }
    for (const { version, decision } of this.#denied) {
      if (decision.effect !== 'deny') continue;
      const patientId = patientOf(version);
      const ruleIds = [...new Set(decision.trace.map((s) => s.rule))];
      add(`denial|${patientId}|${decision.reason}`, { ...base, kind: 'denial', outcome: 'denied', outcomeDesc: decision.reason, ...(patientId ? { patientId } : {}), authority: { type: 'none', note: decision.reason }, ruleIds }, version);
    }
    for (const { input, resources } of groups.values()) {
      const listed = input.kind === 'access' ? resources.slice(0, MAX_ACCESS_ENTITIES) : resources;
      const note = resources.length > listed.length ? { outcomeDesc: `${resources.length - listed.length} more resources not listed` } : {};
      events.push({ ...input, ...note, resources: listed });
    }
    return events.map(buildAuditEvent);
  }

  /** §2.51(b): the program is told about each emergency disclosure, as a Task in its inbox. */
  emergencyNotices(): Task[] {
    const byProgram = new Map<string, { patientId?: string; refs: string[] }>();
    for (const { version, decision } of this.#released) {
      if (decision.effect !== 'permit' || decision.decidedBy?.authority !== 'emergency') continue;
      for (const o of decision.obligations) {
        if (o.kind !== 'notify-program') continue;
        const patientId = patientOf(version);
        const slot = byProgram.get(o.organizationId) ?? byProgram.set(o.organizationId, { ...(patientId ? { patientId } : {}), refs: [] }).get(o.organizationId)!;
        slot.refs.push(`${version.resourceType}/${version.id}`);
      }
    }
    return [...byProgram].map(([organizationId, { patientId, refs }]) => ({
      resourceType: 'Task',
      meta: { security: [confidentiality('R'), actCode(POLICY_42CFRPART2), actCode('SUD')] },
      status: 'requested',
      intent: 'order',
      priority: 'urgent',
      code: { text: 'Review a medical-emergency disclosure (42 CFR 2.51)' },
      description: `Records (${refs.length}) were disclosed under 42 CFR 2.51 to Organization/${this.requester.organizationId} (client ${this.requester.clientId}) at ${this.now.toISOString()}; decision ${this.decisionId}.`,
      ...(patientId ? { for: { reference: `Patient/${patientId}` } } : {}),
      owner: { reference: `Organization/${organizationId}` },
      authoredOn: this.now.toISOString(),
      input: refs.slice(0, 50).map((ref) => ({ type: { text: 'disclosed' }, valueReference: { reference: ref } })),
    }));
  }

  /** Appends this request's events to the hash chain; throws (503) when it cannot. */
  async flush(log: AuditLog): Promise<void> {
    await log.append(this.auditEvents());
  }
}

/** Another organization's Subscription: hidden exactly like a missing record (its existence is protected too). */
const OWNER_ONLY: Decision = { effect: 'deny', reason: 'OWNER_ONLY', trace: [{ rule: 'P2-17', outcome: 'deny', note: 'only the organization that owns this resource may see it' }] };

/** What decide() sees of a stored version: labels, codes, patient and holder, never content. */
export function factsOf(v: StoredVersion): ResourceFacts {
  const patientId = patientOf(v);
  return {
    type: v.resourceType,
    id: v.id,
    ...(patientId ? { patientId } : {}),
    security: v.resource.meta?.security ?? [],
    codes: codingsOf(v.resource),
    ...(v.disclosure.holderOrg ? { holderOrganizationId: v.disclosure.holderOrg } : {}),
  };
}

function patientOf(v: StoredVersion): string | undefined {
  return v.disclosure.patientId ?? patientIdOf(v.resource);
}

/** The same test decide() applies (policy label or a Part 2 sensitivity). */
const isPart2 = (f: ResourceFacts): boolean => isPart2Labeled(f.security);
const hasConfidentiality = (f: ResourceFacts): boolean => f.security.some((c) => c.system === 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality');
