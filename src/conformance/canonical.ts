/** Canonical base of every project artifact (profiles, code systems, value sets, identifier systems). */
export const PROJECT_CANONICAL = 'https://reentry-gateway.example.org/fhir';
