/**
 * Builds R4 AuditEvents for the gateway (P2-12, P2-13). Pure: the caller supplies the time, ids
 * and decision; nothing here reads a clock except the default `id`.
 *
 * Every disclosure event names (ARCHITECTURE §2 `$disclosures`): the recipient (agent[0]), the
 * purpose (purposeOfEvent), what (one entity per resource, with its version and labels), when
 * (recorded) and the authority (an entity: Consent/<id>, or `emergency` / `court-order`).
 */
import type { AuditEvent, AuditEventEntity, Coding } from '@medplum/fhirtypes';
import { newResourceId } from '../storage/resource-id.js';

const LOCAL = 'https://reentry-gateway.example.org/fhir/CodeSystem';
/** Local code system for the audit kind carried in `subtype`; it is what `kind` columns copy. */
export const AUDIT_KIND_SYSTEM = `${LOCAL}/audit-event-kind`;
export const DICOM = 'http://dicom.nema.org/resources/ontology/DCM';
export const AUDIT_EVENT_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-event-type';
export const RESTFUL_INTERACTION = 'http://hl7.org/fhir/restful-interaction';
const ENTITY_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-entity-type';
const OBJECT_ROLE = 'http://terminology.hl7.org/CodeSystem/object-role';
const PARTICIPATION_TYPE = 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType';
/** Identifier system of a client's Organization (ARCHITECTURE §2). */
export const CLIENT_ID_SYSTEM = 'urn:gateway:client-id';

/** Kinds of audit record. `disclosure` and `emergency` are what the accounting lists (P2-13). */
export const AUDIT_KINDS = ['disclosure', 'emergency', 'denial', 'write', 'access', 'admin'] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];
/** Kinds listed by the accounting of disclosures (P2-12 emergency disclosures included). */
export const DISCLOSURE_KINDS: readonly AuditKind[] = ['disclosure', 'emergency'];

/** The FHIR interaction that caused the event. */
export type AuditInteraction =
  | 'read' | 'vread' | 'search-type' | 'search-system' | 'history-instance' | 'history-type'
  | 'create' | 'update' | 'patch' | 'delete' | 'transaction' | 'batch' | 'operation';

/** What permitted (or would have had to permit) the access. */
export type AuditAuthority =
  | { readonly type: 'consent'; readonly consentId: string }
  | { readonly type: 'emergency' | 'court-order' | 'none'; readonly reference?: string; readonly note?: string };

/** One disclosed or written resource. */
export interface AuditedResource {
  /** `Type/id`. */
  readonly reference: string;
  readonly versionId?: string;
  readonly securityLabel?: readonly Coding[];
  /** Codes about the version (e.g. a write's `status-from`/`status-to`), never resource content. */
  readonly detail?: readonly { readonly type: string; readonly value: string }[];
}

/** Input to buildAuditEvent. */
export interface AuditEventInput {
  readonly kind: AuditKind;
  readonly interaction: AuditInteraction;
  /** Operation name (`$disclosures`) when interaction is `operation`. */
  readonly operation?: string;
  readonly recorded: Date;
  readonly outcome: 'success' | 'denied' | 'error';
  readonly outcomeDesc?: string;
  /** The token's purpose of use (v3-ActReason or the local criminal-justice system). */
  readonly purposeOfUse?: Coding;
  readonly requester: { readonly organizationId: string; readonly clientId: string; readonly display?: string };
  /** The gateway's own identity (agent[1] and source.observer). */
  readonly gateway?: { readonly id: string; readonly display?: string; readonly site?: string };
  /** One patient per event, so the accounting can be asked per patient (P2-13). */
  readonly patientId?: string;
  readonly resources: readonly AuditedResource[];
  readonly authority: AuditAuthority;
  readonly decisionId?: string;
  /** Rule ids of the decision trace (`P2-04`…), never resource content. */
  readonly ruleIds?: readonly string[];
  /** Defaults to a random UUID. */
  readonly id?: string;
}

const DEFAULT_GATEWAY: NonNullable<AuditEventInput['gateway']> = { id: 'reentry-fhir-gateway', display: 'Reentry FHIR gateway' };

/** Builds the AuditEvent; see the module comment for what it names. Throws on a missing requester. */
export function buildAuditEvent(input: AuditEventInput): AuditEvent {
  if (!input.requester.organizationId || !input.requester.clientId) throw new Error('buildAuditEvent: requester is required');
  const gateway = input.gateway ?? DEFAULT_GATEWAY;
  const disclosure = input.kind === 'disclosure' || input.kind === 'emergency';
  const gatewayRef = { identifier: { system: 'urn:gateway:system', value: gateway.id }, display: gateway.display ?? gateway.id };
  const purpose = input.purposeOfUse ? [{ coding: [input.purposeOfUse] }] : undefined;
  const subtype: Coding[] = [
    { system: RESTFUL_INTERACTION, code: input.interaction },
    { system: AUDIT_KIND_SYSTEM, code: input.kind },
  ];
  if (input.operation) subtype.push({ system: `${LOCAL}/audit-operation`, code: input.operation });
  return {
    resourceType: 'AuditEvent',
    id: input.id ?? newResourceId(),
    type: disclosure
      ? { system: DICOM, code: '110106', display: 'Export' }
      : { system: AUDIT_EVENT_TYPE, code: 'rest', display: 'RESTful Operation' },
    subtype,
    action: actionOf(input.interaction),
    recorded: input.recorded.toISOString(),
    outcome: input.outcome === 'success' ? '0' : input.outcome === 'denied' ? '4' : '8',
    ...(input.outcomeDesc ? { outcomeDesc: input.outcomeDesc } : {}),
    ...(purpose ? { purposeOfEvent: purpose } : {}),
    agent: [
      {
        // P2-13 "to whom": the requesting client's organization.
        type: disclosure
          ? { coding: [{ system: PARTICIPATION_TYPE, code: 'IRCP', display: 'information recipient' }] }
          : { coding: [{ system: DICOM, code: '110153', display: 'Source Role ID' }] },
        who: {
          reference: `Organization/${input.requester.organizationId}`,
          identifier: { system: CLIENT_ID_SYSTEM, value: input.requester.clientId },
          ...(input.requester.display ? { display: input.requester.display } : {}),
        },
        requestor: true,
        ...(purpose ? { purposeOfUse: purpose } : {}),
      },
      {
        type: { coding: [{ system: DICOM, code: '110150', display: 'Application' }] },
        who: gatewayRef,
        requestor: false,
      },
    ],
    source: {
      ...(gateway.site ? { site: gateway.site } : {}),
      observer: gatewayRef,
      type: [{ system: 'http://terminology.hl7.org/CodeSystem/security-source-type', code: '4', display: 'Application Server' }],
    },
    entity: [...input.resources.map(resourceEntity), ...patientEntity(input.patientId), authorityEntity(input)],
  };
}

function actionOf(interaction: AuditInteraction): 'C' | 'R' | 'U' | 'D' | 'E' {
  switch (interaction) {
    case 'create':
      return 'C';
    case 'update':
    case 'patch':
      return 'U';
    case 'delete':
      return 'D';
    case 'transaction':
    case 'batch':
    case 'operation':
      return 'E';
    case 'read':
    case 'vread':
    case 'search-type':
    case 'search-system':
    case 'history-instance':
    case 'history-type':
      return 'R';
    default: {
      const unreachable: never = interaction;
      throw new Error(`buildAuditEvent: unknown interaction ${String(unreachable)}`);
    }
  }
}

function resourceEntity(resource: AuditedResource): AuditEventEntity {
  const reference = resource.versionId ? `${resource.reference}/_history/${resource.versionId}` : resource.reference;
  return {
    what: { reference },
    type: { system: ENTITY_TYPE, code: '2', display: 'System Object' },
    role: { system: OBJECT_ROLE, code: '4', display: 'Domain Resource' },
    ...(resource.securityLabel?.length ? { securityLabel: [...resource.securityLabel] } : {}),
    ...(resource.detail?.length ? { detail: resource.detail.map((d) => ({ type: d.type, valueString: d.value })) } : {}),
  };
}

function patientEntity(patientId: string | undefined): AuditEventEntity[] {
  if (!patientId) return [];
  return [
    {
      what: { reference: `Patient/${patientId}` },
      type: { system: ENTITY_TYPE, code: '1', display: 'Person' },
      role: { system: OBJECT_ROLE, code: '1', display: 'Patient' },
    },
  ];
}

/** The authority entity also carries the decision id and the trace's rule ids (entity.detail). */
function authorityEntity(input: AuditEventInput): AuditEventEntity {
  const { authority } = input;
  const name = authority.type === 'consent' ? 'consent' : authority.type;
  const reference = authority.type === 'consent' ? `Consent/${authority.consentId}` : authority.reference;
  const detail = [{ type: 'authority', valueString: name }];
  if (authority.type !== 'consent' && authority.note) detail.push({ type: 'authority-note', valueString: authority.note });
  if (input.decisionId) detail.push({ type: 'decision-id', valueString: input.decisionId });
  for (const rule of input.ruleIds ?? []) detail.push({ type: 'rule', valueString: rule });
  return {
    ...(reference ? { what: { reference } } : {}),
    type: { system: ENTITY_TYPE, code: '2', display: 'System Object' },
    role: { system: OBJECT_ROLE, code: '13', display: 'Security Resource' },
    name,
    detail,
  };
}

/** The kind recorded in an event's subtype; undefined when absent or unknown. */
export function auditKindOf(event: AuditEvent): AuditKind | undefined {
  const code = event.subtype?.find((c) => c.system === AUDIT_KIND_SYSTEM)?.code;
  return (AUDIT_KINDS as readonly string[]).includes(code ?? '') ? (code as AuditKind) : undefined;
}

/** The patient id named by an event's patient entity (role 1), if any. */
export function patientIdOf(event: AuditEvent): string | undefined {
  const entity = event.entity?.find((e) => e.role?.system === OBJECT_ROLE && e.role.code === '1');
  const match = /^Patient\/([^/]+)$/.exec(entity?.what?.reference ?? '');
  return match?.[1];
}
