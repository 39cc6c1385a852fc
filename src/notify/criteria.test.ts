import { describe, expect, it } from 'vitest';
import { loadDefinitions } from '../conformance/index.js';
import { criteriaSearch, parseCriteria } from './criteria.js';

await loadDefinitions();

describe('parseCriteria', () => {
  it('accepts a search of a served type and keeps its parameters', () => {
    const c = parseCriteria('Task?owner=Organization/x&status=requested');
    expect(typeof c).toBe('object');
    if (typeof c === 'string') return;
    expect(c.resourceType).toBe('Task');
    expect(c.params.get('owner')).toBe('Organization/x');
  });

  it.each([
    ['Task', 'object'],
    ['task?owner=x', 'string'],
    ['Foo?x=1', 'string'],
    ['Subscription?status=active', 'string'],
    ['Task?not-a-param=1', 'string'],
    ['Task?_include=Task:owner', 'string'],
    ['Task?owner.name=x', 'string'],
    ['http://evil/Task?owner=x', 'string'],
  ])('`%s` → %s', (criteria, kind) => {
    expect(typeof parseCriteria(criteria)).toBe(kind);
  });

  it('restricts the search to the changed ids, on one page, without a count query', () => {
    const c = parseCriteria('Task?owner=Organization/x');
    if (typeof c === 'string') throw new Error(c);
    const { query } = criteriaSearch(c, ['a', 'b']);
    expect(query.count).toBe(2);
    expect(query.filters.map((f) => f.code).sort()).toEqual(['_id', 'owner']);
  });
});
