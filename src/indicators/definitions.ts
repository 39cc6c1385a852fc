/**
 * RICMS-style program indicators (seeds: LA County ODR "Reentry Intensive Case Management
 * Services", indicators #3, #12, #14–#17), each with the baseline and target the program published
 * for its three-year grant period. Targets are program-wide totals over that whole period, so a
 * monthly report is compared with them by the reader, not scored against them.
 */
import type { Expression, Measure } from '@medplum/fhirtypes';
import { PROJECT_CANONICAL } from '../conformance/canonical.js';

export type IndicatorKind = 'connection' | 'intensive-case-management' | 'training';

export interface IndicatorDefinition {
  /** Measure.id and the last segment of Measure.url. */
  readonly id: string;
  readonly kind: IndicatorKind;
  /** For connections: the linkage-domain code of the referral's ServiceRequest.category. */
  readonly domain?: string;
  readonly title: string;
  /** The RICMS indicator number this mirrors. */
  readonly ricmsIndicator: number;
  readonly baseline: number;
  readonly target: number;
  /** What one counted unit is (Quantity.unit of the score). */
  readonly unit: string;
  readonly numerator: string;
}

const CONNECTED = 'referral Task (focus = a ServiceRequest) whose status first became accepted, in-progress or completed within the period';

export const INDICATORS: readonly IndicatorDefinition[] = [
  { id: 'ricms-connect-mental-health', kind: 'connection', domain: 'mental-health', title: 'Connect people to mental health services', ricmsIndicator: 12, baseline: 0, target: 5500, unit: 'participants', numerator: `Participants with a ${CONNECTED}, in linkage domain mental-health` },
  { id: 'ricms-connect-sud-treatment', kind: 'connection', domain: 'substance-use', title: 'Connect people to substance use disorder treatment', ricmsIndicator: 15, baseline: 0, target: 550, unit: 'participants', numerator: `Participants with a ${CONNECTED}, in linkage domain substance-use` },
  { id: 'ricms-connect-housing', kind: 'connection', domain: 'housing', title: 'Connect people to housing', ricmsIndicator: 16, baseline: 0, target: 1000, unit: 'participants', numerator: `Participants with a ${CONNECTED}, in linkage domain housing` },
  { id: 'ricms-connect-career-services', kind: 'connection', domain: 'employment', title: 'Connect people to career services', ricmsIndicator: 17, baseline: 0, target: 4440, unit: 'participants', numerator: `Participants with a ${CONNECTED}, in linkage domain employment` },
  {
    id: 'ricms-intensive-case-management',
    kind: 'intensive-case-management',
    title: 'Participants in intensive case management',
    ricmsIndicator: 3,
    baseline: 0,
    target: 6000,
    unit: 'participants',
    numerator: 'Participants with an active or completed case plan (CarePlan category comprehensive-case-plan or service-plan) whose period overlaps the reporting period',
  },
  {
    id: 'ricms-trainings-delivered',
    kind: 'training',
    title: 'Technical assistance and training delivered to care team staff',
    ricmsIndicator: 14,
    baseline: 85,
    target: 100,
    unit: 'trainings',
    numerator: 'Completed staff-training entries (topic + completion date) on reentry CareTeams, completion date within the period; the same topic and date for the same managing organization counts once',
  },
];

export const INDICATOR_BY_ID: ReadonlyMap<string, IndicatorDefinition> = new Map(INDICATORS.map((d) => [d.id, d]));

export const EXT_INDICATOR_BASELINE = `${PROJECT_CANONICAL}/StructureDefinition/indicator-baseline`;
export const EXT_INDICATOR_TARGET = `${PROJECT_CANONICAL}/StructureDefinition/indicator-target`;
/** Which suppression rule hid a count: `small-cell` (1–10) or `complementary`. */
export const EXT_INDICATOR_SUPPRESSION = `${PROJECT_CANONICAL}/StructureDefinition/indicator-suppression`;
export const MEASURE_POPULATION_SYSTEM = 'http://terminology.hl7.org/CodeSystem/measure-population';

export const measureUrl = (d: IndicatorDefinition): string => `${PROJECT_CANONICAL}/Measure/${d.id}`;

/** The Measure resource published for an indicator (cohort scoring: the count is the result). */
export function indicatorMeasure(d: IndicatorDefinition): Measure & { id: string } {
  return {
    resourceType: 'Measure',
    id: d.id,
    url: measureUrl(d),
    version: '1',
    name: d.id.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase()),
    title: d.title,
    status: 'active',
    description: `${d.title} (RICMS indicator #${d.ricmsIndicator}). Baseline ${d.baseline}, target ${d.target} ${d.unit} over the grant period. Counts from 1 to 10 are suppressed.`,
    scoring: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/measure-scoring', code: 'cohort' }] },
    improvementNotation: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/measure-improvement-notation', code: 'increase' }] },
    extension: [
      { url: EXT_INDICATOR_BASELINE, valueQuantity: { value: d.baseline, unit: d.unit } },
      { url: EXT_INDICATOR_TARGET, valueQuantity: { value: d.target, unit: d.unit } },
    ],
    group: [
      {
        population: [
          {
            code: { coding: [{ system: MEASURE_POPULATION_SYSTEM, code: 'initial-population' }] },
            description: d.numerator,
            // The binding is extensible: the rule is this gateway's own code (src/indicators/compute.ts), named by id.
            criteria: { description: d.numerator, language: 'text/x-reentry-gateway-indicator' as Expression['language'], expression: d.id },
          },
        ],
        stratifier: [{ code: { text: 'organization' }, description: 'The organization credited: referral Task owner, case plan author, or care team managing organization.' }],
      },
    ],
  };
}
