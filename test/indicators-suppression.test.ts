import { describe, expect, it } from 'vitest';
import { suppress, type Cell, type ReportedCell } from '../src/indicators/index.js';

const cells = (counts: number[]): Cell[] => counts.map((count, i) => ({ key: `org-${i}`, count }));
const shown = (r: readonly ReportedCell[]) => r.map((c) => c.count ?? (c.suppressed === 'complementary' ? 'C' : 'S'));

describe('P2-19 small-cell suppression', () => {
  const table: [string, number, number[], number | 'S' | 'C', (number | 'S' | 'C')[]][] = [
    ['nothing small: everything shown', 40, [25, 15], 40, [25, 15]],
    ['zeros are shown', 30, [30, 0], 30, [30, 0]],
    ['a small total is suppressed with its strata', 7, [4, 3], 'S', ['S', 'S']],
    ['one small stratum takes the smallest other non-zero one with it', 60, [5, 0, 20, 35], 60, ['S', 0, 'C', 35]],
    ['two small strata protect each other', 30, [4, 6, 20], 30, ['S', 'S', 20]],
    ['a zero stratum beside a large one needs no partner', 15, [15, 0], 15, [15, 0]],
    ['exactly 10 is suppressed, exactly 11 is shown', 21, [10, 11], 21, ['S', 'C']],
  ];
  for (const [name, total, strata, expectTotal, expectStrata] of table) {
    it(name, () => {
      const r = suppress({ key: 'total', count: total }, cells(strata));
      expect(r.total.count ?? (r.total.suppressed === 'complementary' ? 'C' : 'S')).toBe(expectTotal);
      expect(shown(r.strata)).toEqual(expectStrata);
    });
  }

  it('a lone small stratum whose total is not small is never recoverable by subtraction', () => {
    // Non-additive strata (a participant served by two organizations) still get a partner.
    const r = suppress({ key: 'total', count: 12 }, cells([3, 0]));
    expect(r.total.suppressed).toBe('complementary');
    expect(shown(r.strata)).toEqual(['S', 0]);
  });
});
