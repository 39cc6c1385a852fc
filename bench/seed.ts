/** Seeds the benchmark world through the gateway's real HTTP API and fetches a real token. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Observation, Patient } from '@medplum/fhirtypes';
import { buildClientAssertion } from '../src/auth/client-assertion-builder.js';

/** What the HTTP benchmark needs to address the seeded data. */
export interface SeededWorld {
  /** The patient whose row is read and whose Observations are searched. */
  readonly patientId: string;
  readonly patients: number;
  readonly observations: number;
}

/** `fetch`, or an in-process stand-in such as `(url, init) => app.request(url, init)`. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** A real access token via private_key_jwt against `/auth/token` (as test/support does). */
export async function fetchToken(baseUrl: string, keysDir: string, clientId: string, doFetch: FetchLike = fetch): Promise<string> {
  const key = JSON.parse(await readFile(join(keysDir, `${clientId}.private.json`), 'utf8')) as object;
  const tokenUrl = `${baseUrl}/auth/token`;
  const assertion = await buildClientAssertion({ clientId, tokenUrl, key });
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: assertion,
    scope: 'system/*.cruds',
  });
  const res = await doFetch(tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
  const body = (await res.json()) as { access_token?: string; error_description?: string };
  if (!res.ok || !body.access_token) throw new Error(`token refused: ${res.status} ${body.error_description ?? ''}`);
  return body.access_token;
}

async function create(fhirBase: string, token: string, resource: Patient | Observation): Promise<string> {
  const res = await fetch(`${fhirBase}/${resource.resourceType}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' },
    body: JSON.stringify(resource),
  });
  if (res.status !== 201) throw new Error(`seed create ${resource.resourceType} failed ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

function observation(patientId: string, i: number): Observation {
  return {
    resourceType: 'Observation',
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
    subject: { reference: `Patient/${patientId}` },
    effectiveDateTime: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString(),
    valueQuantity: { value: 60 + (i % 40), unit: 'beats/minute', system: 'http://unitsofmeasure.org', code: '/min' },
  };
}

/**
 * Creates `patients` Patients with 2 Observations each, plus 30 for the first patient so its
 * `_count=20` search returns a full page (the realistic, heavier case). Writes go 4 at a time:
 * enough to finish in seconds without turning seeding into a write-contention benchmark.
 */
export async function seedWorld(fhirBase: string, token: string, patients: number): Promise<SeededWorld> {
  const ids: string[] = [];
  let observations = 0;
  for (let start = 0; start < patients; start += 4) {
    const batch = Array.from({ length: Math.min(4, patients - start) }, async (_, k) => {
      const n = start + k;
      const id = await create(fhirBase, token, {
        resourceType: 'Patient',
        identifier: [{ system: 'urn:bench:doc', value: `B-${n}` }],
        name: [{ family: `Bench${n}`, given: ['Casey'] }],
        gender: n % 2 ? 'female' : 'male',
        birthDate: `19${60 + (n % 40)}-0${1 + (n % 9)}-15`,
      });
      for (let i = 0; i < 2; i++) await create(fhirBase, token, observation(id, i));
      return id;
    });
    ids.push(...(await Promise.all(batch)));
    observations += batch.length * 2;
  }
  const patientId = ids[0]!;
  for (let i = 2; i < 32; i++) await create(fhirBase, token, observation(patientId, i));
  return { patientId, patients: ids.length, observations: observations + 30 };
}
