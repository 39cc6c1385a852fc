import type { Coding, OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import type { Requester } from '../auth/requester.js';
import { computeLabels, referencesOf } from '../consent/labeling.js';
import { isPart2Labeled } from '../consent/labels.js';
import type { DisclosureColumns, Store, StoredVersion, Visibility } from '../storage/store.js';
import type { SearchFilter } from '../storage/search-query.js';
import { serviceUnavailable } from '../outcomes/index.js';
import { patientIdOf } from './patient-of.js';
import { loadRequesterFacts, type RequesterFacts } from './requester-facts.js';
import { Disclosures, type DisclosureInteraction } from './disclosures.js';
import { consentedPatients, MAX_CONSENTED_PATIENTS } from './consent-facts.js';
import { WriteAudit } from './write-audit.js';
import { ownerPrivateColumns } from './owner-private.js';

/** Referenced resources whose labels a write inherits; past this, the write is refused (P2-20). */
const MAX_REFERENCED = 200;
const EMERGENCY = new Set(['ETREAT', 'BTG']);

/**
 * The consent enforcement point for one request (Medplum's repository-per-login idea): the
 * repository calls it on every write (labels) and every read path (visibility in SQL, then
 * decide() per Part 2 record, obligations, audit). Fresh for each request, so nothing is cached
 * across a revocation (P2-15).
 */
export interface AccessPolicy {
  /** Labels a validated resource and computes its disclosure columns (P2-18). */
  prepareWrite<T extends Resource>(resource: T, previous: StoredVersion | undefined): Promise<{ resource: T; disclosure: DisclosureColumns }>;
  /**
   * Visibility without any consent lookup (own program's rows and non-Part 2 rows only); undefined
   * for the gateway's own unrestricted reads. Exact whenever the query reaches no Part 2 row held
   * by someone else, which a one-row probe tells.
   */
  baseVisibility(): Visibility | undefined;
  /** What a search or history may see in SQL; undefined for the gateway's own unrestricted reads. */
  visibility(filters: readonly SearchFilter[], resourceType: string | undefined): Promise<Visibility | undefined>;
  /** Keys (`Type/id/vid`) of versions decide() denies, without auditing (exact counting, P2-17). */
  deniedAmong(versions: readonly StoredVersion[]): Promise<Set<string>>;
  /** Decides, applies obligations to what is released and records the disclosure for audit. */
  release(versions: readonly StoredVersion[], interaction: DisclosureInteraction): Promise<StoredVersion[]>;
  /** The disclosures recorded so far, to be audited before the response leaves. */
  readonly disclosures: Disclosures | undefined;
  /** Who is writing, for the repository's write rules; undefined for the gateway's own writes. */
  writer(): Promise<Writer | undefined>;
  /** The versions this request wrote, to be audited before the response leaves (issue 6). */
  readonly writes?: WriteAudit | undefined;
  /** What write rules told the client (e.g. Part 2 parts withheld), answered with the response. */
  readonly notes?: readonly OperationOutcomeIssue[];
}

/** Per-request write preferences the HTTP layer read from the request. */
export interface WriteOptions {
  /** `Prefer: withhold-part2` on a single-resource write (see src/referral/referral-gate.ts). */
  readonly withholdPart2?: boolean;
}

/** The requester of a write and its facts (organization, memberships), as write rules see them. */
export interface Writer {
  readonly requester: Requester;
  readonly facts: RequesterFacts;
  /** When the request is decided; write rules that consult consents decide at this instant. */
  readonly now?: Date;
  /** The client asked that Part 2 parts a recipient is not covered for be left out, not refused. */
  readonly withholdPart2?: boolean;
  /** Tells the client about something a rule changed in its write (answered with the response). */
  readonly note?: (issue: OperationOutcomeIssue) => void;
}


/** The gateway's own access (seeding, bootstrap): labels writes, sees everything, audits nothing. */
export function createSystemPolicy(store: Store): AccessPolicy {
  return {
    prepareWrite: (resource, previous) => labelWrite(store, resource, previous, undefined),
    baseVisibility: () => undefined,
    visibility: async () => undefined,
    deniedAmong: async () => new Set(),
    release: async (versions) => [...versions],
    disclosures: undefined,
    writer: async () => undefined,
  };
}

/** The policy for a request made by `requester`, deciding at `now`. */
export function createRequestPolicy(store: Store, requester: Requester, now: Date, decisionId: string, options: WriteOptions = {}): AccessPolicy {
  let facts: Promise<RequesterFacts> | undefined;
  const requesterFacts = (): Promise<RequesterFacts> => (facts ??= loadRequesterFacts(store, requester));
  const disclosures = new Disclosures(store, requester, requesterFacts, now, decisionId);
  const writes = new WriteAudit(requester, now, decisionId);
  const notes: OperationOutcomeIssue[] = [];
  return {
    async prepareWrite(resource, previous) {
      const labeled = await labelWrite(store, resource, previous, await requesterFacts());
      writes.record(labeled.resource, previous, labeled.disclosure);
      return labeled;
    },
    baseVisibility: () => ({ holderOrg: requester.organizationId, part2Patients: [] }),
    async visibility(filters, resourceType) {
      const rf = await requesterFacts();
      const patients = EMERGENCY.has(requester.purposeOfUse)
        ? namedPatients(filters, resourceType)
        : await consentedPatients(store, rf.memberOf, rf.isCoveredEntity && (requester.sector === 'treatment' || requester.sector === 'ehr'));
      if (patients.length > MAX_CONSENTED_PATIENTS) throw serviceUnavailable('Too many consented patients to evaluate this search; narrow it with `patient`.');
      return { holderOrg: rf.organizationId, part2Patients: patients };
    },
    deniedAmong: (versions) => disclosures.deniedAmong(versions),
    release: (versions, interaction) => disclosures.release(versions, interaction),
    disclosures,
    writer: async () => ({ requester, facts: await requesterFacts(), now, withholdPart2: options.withholdPart2 === true, note: (issue) => void notes.push(issue) }),
    writes,
    notes,
  };
}

/**
 * Emergency access (P2-12) is per patient: a search may reach Part 2 rows only of patients it
 * names (`patient`, `subject`, or `_id` on Patient), never a whole population.
 */
function namedPatients(filters: readonly SearchFilter[], resourceType: string | undefined): string[] {
  const out: string[] = [];
  for (const f of filters) {
    const isPatientParam = f.code === 'patient' || f.code === 'subject' || (f.code === '_id' && resourceType === 'Patient');
    if (!isPatientParam || f.modifier) continue;
    for (const v of f.values) {
      if (v.kind === 'reference' && (v.type === undefined || v.type === 'Patient')) out.push(v.id);
      if (v.kind === 'token' && v.code) out.push(v.code);
    }
  }
  return out;
}

/**
 * Labels a write (P2-18) and computes its disclosure columns. Labels propagate from every existing
 * referenced record, whether or not the writer may see it now: a writer that once received Part 2
 * data (e.g. under a §2.35 consent) must not launder it into an unlabeled record by writing under
 * another purpose. The price is that the labels a write comes back with say whether an id the
 * writer already holds is a Part 2 record; ids are random UUIDs, so only ids it was once given.
 * A Part 2 program that writes a Part 2 record becomes its holder, so the earlier holder cannot
 * read the program's version as its "own copy".
 */
async function labelWrite<T extends Resource>(
  store: Store,
  resource: T,
  previous: StoredVersion | undefined,
  requester: RequesterFacts | undefined,
): Promise<{ resource: T; disclosure: DisclosureColumns }> {
  const references = referencesOf(resource);
  if (references.length > MAX_REFERENCED) throw serviceUnavailable(`A resource may reference at most ${MAX_REFERENCED} records whose labels it inherits.`);
  const referencedLabels: Coding[][] = [];
  for (const ref of references) {
    const [type, id] = ref.split('/');
    const stored = type && id ? await store.read(type, id) : undefined;
    if (stored && !stored.deleted) referencedLabels.push(stored.resource.meta?.security ?? []);
  }
  const security = computeLabels(resource, {
    writerIsPart2Program: requester?.isPart2Program ?? false,
    referencedLabels,
    ...(previous && !previous.deleted ? { previousLabels: previous.resource.meta?.security ?? [] } : {}),
  });
  const labeled = { ...resource, meta: { ...resource.meta, security } } as T;
  const patientId = patientIdOf(labeled);
  const part2 = isPart2Labeled(security);
  const holderOrg =
    part2 && requester?.isPart2Program
      ? requester.organizationId
      : (previous?.disclosure.holderOrg ?? requester?.organizationId ?? (requester ? undefined : systemNoticeOwner(labeled)));
  const ownerPrivate = ownerPrivateColumns(labeled, requester?.organizationId, previous?.disclosure);
  return {
    resource: labeled,
    disclosure: ownerPrivate ?? { part2, ...(patientId ? { patientId } : {}), ...(holderOrg ? { holderOrg } : {}) },
  };
}

/**
 * The gateway's own writes have no requester. The §2.51 notice Task it leaves for a program
 * (P2-12) is held by that program, so the program can read its inbox; without a holder the
 * Part 2-labeled Task would be visible to no one.
 */
function systemNoticeOwner(resource: Resource): string | undefined {
  if (resource.resourceType !== 'Task') return undefined;
  const owner = (resource as { owner?: { reference?: string } }).owner?.reference;
  return owner?.startsWith('Organization/') ? owner.slice('Organization/'.length) : undefined;
}
