/** The audit capability: AuditEvent builder, hash-chained log, accounting of disclosures (P2-13). */
export {
  AUDIT_KINDS,
  AUDIT_KIND_SYSTEM,
  CLIENT_ID_SYSTEM,
  DISCLOSURE_KINDS,
  auditKindOf,
  buildAuditEvent,
  patientIdOf,
} from './audit-event.js';
export type { AuditAuthority, AuditEventInput, AuditInteraction, AuditKind, AuditedResource } from './audit-event.js';
export { AuditLog, createAuditLog } from './audit-log.js';
export type { AuditLogOptions, DisclosureQuery, VerifyResult } from './audit-log.js';
export { canonicalJson, chainHash, sha256Hex, GENESIS_HASH } from './canonical-json.js';
