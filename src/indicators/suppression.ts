/**
 * Small-cell suppression for indicator counts (P2-19: aggregate reports use de-identified counts;
 * cells under 11 are suppressed). Pure.
 *
 * Rules, in order:
 * 1. Primary: a count from 1 to 10 is suppressed. 0 is shown (an empty cell identifies nobody).
 * 2. Complementary: when a shown total sits over its strata, a single suppressed stratum could be
 *    recovered by subtracting the others from the total. So while exactly one stratum is
 *    suppressed, the smallest shown non-zero stratum is suppressed too (a zero stratum does not
 *    help: subtracting 0 recovers the same sum). If no such stratum exists, the total is suppressed.
 */

/** Counts below this (and above 0) are never shown. */
export const SUPPRESSION_THRESHOLD = 11;

export interface Cell {
  readonly key: string;
  readonly count: number;
}

/** A cell as reported: its count, or suppressed and why. */
export interface ReportedCell {
  readonly key: string;
  /** Absent when suppressed. */
  readonly count?: number;
  readonly suppressed?: 'small-cell' | 'complementary';
}

export interface SuppressedTable {
  readonly total: ReportedCell;
  readonly strata: readonly ReportedCell[];
}

export const isSmall = (n: number): boolean => n > 0 && n < SUPPRESSION_THRESHOLD;

/** Applies both rules to a total and its strata (strata in a stable order, e.g. by key). */
export function suppress(total: Cell, strata: readonly Cell[]): SuppressedTable {
  const reported: ReportedCell[] = strata.map((s) => (isSmall(s.count) ? { key: s.key, suppressed: 'small-cell' } : { key: s.key, count: s.count }));
  const totalSmall = isSmall(total.count);
  if (!totalSmall) {
    const suppressedCount = () => reported.filter((r) => r.suppressed).length;
    if (suppressedCount() === 1) {
      // INVARIANT: the partner is non-zero, or else the subtraction still isolates the small cell.
      const candidates = reported
        .map((r, i) => ({ r, i }))
        .filter(({ r }) => r.count !== undefined && r.count > 0)
        .sort((a, b) => a.r.count! - b.r.count! || a.r.key.localeCompare(b.r.key));
      const partner = candidates[0];
      if (partner) {
        reported[partner.i] = { key: partner.r.key, suppressed: 'complementary' };
      } else {
        return { total: { key: total.key, suppressed: 'complementary' }, strata: reported };
      }
    }
  }
  return { total: totalSmall ? { key: total.key, suppressed: 'small-cell' } : { key: total.key, count: total.count }, strata: reported };
}
