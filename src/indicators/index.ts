// Public API of the program indicators (STYLE: other folders import only this file).
export { computeIndicator, UNATTRIBUTED } from './compute.js';
export type { RawCounts } from './compute.js';
export { EXT_INDICATOR_BASELINE, EXT_INDICATOR_SUPPRESSION, EXT_INDICATOR_TARGET, INDICATOR_BY_ID, INDICATORS, indicatorMeasure, measureUrl } from './definitions.js';
export type { IndicatorDefinition, IndicatorKind } from './definitions.js';
export { createIndicatorRoutes, evaluateMeasure } from './evaluate-measure.js';
export type { IndicatorRouteDeps } from './evaluate-measure.js';
export { parametersToQuery, parseReportingPeriod, periodEndExclusive } from './reporting-period.js';
export type { ReportingPeriod } from './reporting-period.js';
export { ensureIndicatorMeasures } from './seed-measures.js';
export { isSmall, suppress, SUPPRESSION_THRESHOLD } from './suppression.js';
export type { Cell, ReportedCell, SuppressedTable } from './suppression.js';
