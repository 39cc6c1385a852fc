import type { ResourceWrite, Store } from './store.js';

/**
 * `store` with every successfully committed write batch reported to `onCommit` (after the store
 * accepted it, never for a refused or failed batch). The request path uses it to audit exactly
 * the versions a request wrote, without reading them back.
 */
export function recordingStore(store: Store, onCommit: (writes: readonly ResourceWrite[]) => void): Store {
  return {
    read: (type, id) => store.read(type, id),
    vread: (type, id, versionId) => store.vread(type, id, versionId),
    search: (query) => store.search(query),
    history: (query) => store.history(query),
    referencesFrom: (sources, param, targetType) => store.referencesFrom(sources, param, targetType),
    referencesTo: (targets, sourceType, param) => store.referencesTo(targets, sourceType, param),
    changes: (after, limit) => store.changes(after, limit),
    async write(writes) {
      await store.write(writes);
      onCommit(writes);
    },
  };
}
