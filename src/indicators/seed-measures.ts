import type { FhirRepository } from '../fhir/repository.js';
import { INDICATORS, indicatorMeasure } from './definitions.js';

/**
 * Publishes each indicator's Measure (fixed ids, so `GET /fhir/Measure/{id}` and
 * `$evaluate-measure` agree). Idempotent: an unchanged definition writes no new version. Written as
 * the gateway itself; Measures are definitions, never labeled (consent/labeling UNLABELED_TYPES).
 */
export async function ensureIndicatorMeasures(repo: FhirRepository): Promise<void> {
  for (const definition of INDICATORS) await repo.update('Measure', definition.id, indicatorMeasure(definition));
}
