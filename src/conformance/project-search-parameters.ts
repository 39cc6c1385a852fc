import type { SearchParameter } from '@medplum/fhirtypes';
import { PROJECT_CANONICAL } from './canonical.js';

/** Provision depths the recipient parameters look into (consents nest permits inside a deny). */
const DEPTHS = [1, 2, 3, 4];
const provisionPaths = (tail: string): string => DEPTHS.map((d) => `Consent${'.provision'.repeat(d)}.actor.${tail}`).join(' | ');

/**
 * SearchParameters the project adds (indexed by the store and listed in the CapabilityStatement). R4's `Consent.actor` only indexes the root provision, but Part
 * 2 consents name recipients in nested provisions, so these index recipients at any depth; the
 * consent enforcement point uses them to find the patients whose consents might name a requester.
 */
export const PROJECT_SEARCH_PARAMETERS: readonly SearchParameter[] = [
  {
    resourceType: 'SearchParameter',
    id: 'Consent-recipient',
    url: `${PROJECT_CANONICAL}/SearchParameter/Consent-recipient`,
    name: 'recipient',
    status: 'active',
    description: 'An actor named in any provision of the consent (Organization, Practitioner, CareTeam, …).',
    code: 'recipient',
    base: ['Consent'],
    type: 'reference',
    expression: provisionPaths('reference'),
    target: ['Organization', 'Practitioner', 'PractitionerRole', 'CareTeam', 'RelatedPerson', 'Patient'],
  },
  {
    resourceType: 'SearchParameter',
    id: 'Consent-recipient-class',
    url: `${PROJECT_CANONICAL}/SearchParameter/Consent-recipient-class`,
    name: 'recipient-class',
    status: 'active',
    description: 'A recipient class (e.g. treating-providers) named in any provision of the consent.',
    code: 'recipient-class',
    base: ['Consent'],
    type: 'token',
    expression: provisionPaths('reference.identifier'),
  },
  {
    // Inbox order (issue 6): R4's Task.priority is a token, which sorts alphabetically
    // (asap < routine < stat < urgent). This ranks it. Written as a root `iif(...) as integer`
    // because Medplum's search-parameter crawler accepts neither `select` nor a bare `iif`, and
    // the `as` makes the type explicit; an absent priority ranks as routine.
    resourceType: 'SearchParameter',
    id: 'Task-priority-order',
    url: `${PROJECT_CANONICAL}/SearchParameter/Task-priority-order`,
    name: 'priority-order',
    status: 'active',
    description: 'Task.priority as a rank for sorting: stat 1, asap 2, urgent 3, routine (or none) 4.',
    code: 'priority-order',
    base: ['Task'],
    type: 'number',
    expression: "iif(Task.priority = 'stat', 1, iif(Task.priority = 'asap', 2, iif(Task.priority = 'urgent', 3, 4))) as integer",
  },
];
