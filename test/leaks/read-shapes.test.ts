import { afterAll, describe, expect, it } from 'vitest';
import { checkShape, type Shape } from './support/leak-checks.js';
import { bundleShapes, historyShapes, instanceShapes, malformedShapes } from './support/leak-read-shapes.js';
import { createLeakWorld, HOLDER, REQUESTERS } from './support/leak-world.js';

// The world is built while collecting, so one `it` can be generated per hidden id.
const lw = await createLeakWorld();
afterAll(() => lw.close());

const groups: [string, Shape[]][] = [
  ['instance read, vread and history of hidden ids', instanceShapes(lw)],
  ['type and system history', historyShapes(lw)],
  ['malformed ids and parameters', malformedShapes(lw)],
  ['batch and transaction reads', bundleShapes(lw)],
];

describe.each(REQUESTERS)('P2-01 P2-17 P2-20 reads as $client ($purpose) without consent', (who) => {
  describe.each(groups)('%s', (_group, shapes) => {
    const run = (shape: Shape) => (shape.failsBecause ? it.fails : it);
    for (const shape of shapes) run(shape)(shape.name, async () => {
      const res = await checkShape(lw, who, shape);
      for (const entry of (res.json?.type?.endsWith('-response') ? res.json.entry : []) as { response: { status: string } }[]) {
        // A batch answers each entry on its own: 4xx for hidden reads, never a 5xx or a 410.
        expect(entry.response.status).not.toMatch(/^(5|410)/);
      }
      if (shape.name.startsWith('batch GET')) {
        const statuses = (res.json.entry as { response: { status: string } }[]).map((e) => e.response.status.slice(0, 3));
        expect(statuses).toEqual(['404', '404', '200', '400']);
        expect(res.json.entry[2].resource.total).toBe(0);
      }
    });
  });
});

describe('control: the holder gets every hidden record from the same shapes', () => {
  it('reads and vreads answer 200 (410 for the deleted one) and batches return the records', async () => {
    for (const h of lw.hidden.values()) {
      expect((await lw.probe(HOLDER, { path: `/fhir/${h.type}/${h.id}` })).status).toBe(h.deleted ? 410 : 200);
      expect((await lw.probe(HOLDER, { path: `/fhir/${h.type}/${h.id}/_history/1` })).status).toBe(200);
      const history = await lw.probe(HOLDER, { path: `/fhir/${h.type}/${h.id}/_history` });
      expect(history.json.total).toBe(Number(h.versionId));
    }
    const batch = bundleShapes(lw).find((s) => s.name.startsWith('batch of searches'))!;
    const res = await lw.probe(HOLDER, batch.req);
    expect(lw.hiddenIds.filter((id) => res.text.includes(id)).length).toBeGreaterThanOrEqual(lw.hiddenIds.length - 1);
  });

  it('system history shows the holder every hidden version', async () => {
    const res = await lw.probe(HOLDER, { path: '/fhir/_history?_count=1000' });
    for (const id of lw.hiddenIds) expect(res.text).toContain(id);
  });
});
