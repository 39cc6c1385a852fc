import { afterAll, describe, expect, it } from 'vitest';
import { checkShape, namedHiddenIds } from './support/leak-checks.js';
import { capabilityOf, hiddenTypes, searchShapes } from './support/leak-shapes.js';
import { createLeakWorld, HOLDER, REQUESTERS } from './support/leak-world.js';

// The world is built while collecting, so the shapes can be generated from GET /fhir/metadata.
const lw = await createLeakWorld();
afterAll(() => lw.close());
const shapes = searchShapes(lw);

describe('the shapes cover the CapabilityStatement', () => {
  it('every search parameter of every type holding Part 2 records has a shape', () => {
    for (const type of hiddenTypes(lw)) {
      for (const p of capabilityOf(lw, type).searchParam ?? []) {
        expect(shapes.some((s) => s.req.path.startsWith(`/fhir/${type}?${p.name}`)), `${type}?${p.name}`).toBe(true);
      }
    }
  });
});

describe.each(REQUESTERS)('P2-01 P2-17 search as $client ($purpose) without consent', (who) => {
  it.each(shapes.map((s) => [s.name, s] as const))('%s', async (_name, shape) => {
    await checkShape(lw, who, shape);
  });
});

describe('control: the holder sees the hidden records in the same shapes', () => {
  it('every shape carrying a hidden record\'s value returns hidden ids to the holder, so the string search would catch them', async () => {
    const valueShapes = shapes.filter((s) => /<hidden value>|<range>/.test(s.name) && namedHiddenIds(lw, s.req).length === 0);
    expect(valueShapes.length).toBeGreaterThan(60);
    const seen = new Set<string>();
    for (const s of valueShapes) {
      const res = await lw.probe(HOLDER, s.req);
      const found = lw.hiddenIds.filter((id) => res.text.includes(id));
      expect(found.length, `${s.name} finds no hidden record even for the holder`).toBeGreaterThan(0);
      for (const id of found) seen.add(id);
    }
    // Every live hidden record is found by some shape (the deleted one never is).
    expect(seen.size).toBe(lw.hiddenIds.length - 1);
  });

  it('the holder counts hidden records that every requester\'s count leaves out', async () => {
    for (const type of hiddenTypes(lw)) {
      const path = `/fhir/${type}?_summary=count`;
      const holder = (await lw.probe(HOLDER, { path })).json.total as number;
      for (const who of REQUESTERS) expect((await lw.probe(who, { path })).json.total).toBeLessThan(holder);
    }
  });
});
