import type { Bundle } from '@medplum/fhirtypes';
import { processBundle } from '../fhir/bundle-processor.js';
import type { FhirRepository } from '../fhir/repository.js';
import { DEMO_ORGANIZATIONS, demoBundle, type DemoClientId } from './demo-bundle.js';

/**
 * Loads the synthetic demo world (idempotent: conditional creates) and returns each demo
 * client's Organization id, which client registration needs.
 */
export async function seedDemoData(repo: FhirRepository, base: string): Promise<Record<DemoClientId, string>> {
  // Seeding runs as the system itself, before any client exists, so every entry is allowed.
  const response: Bundle = await processBundle(repo, demoBundle(), base, () => undefined);
  const ids = {} as Record<DemoClientId, string>;
  DEMO_ORGANIZATIONS.forEach((o, i) => {
    const location = response.entry?.[i]?.response?.location ?? '';
    const id = /^Organization\/([^/]+)/.exec(location)?.[1];
    if (!id) throw new Error(`Demo seed did not return an Organization for ${o.clientId}`);
    ids[o.clientId] = id;
  });
  return ids;
}
