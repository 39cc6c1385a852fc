/**
 * Public surface of storage/. Runtime-neutral: the Node-only migration reader is imported from
 * `storage/migrations-dir.js` directly so the Worker bundle never sees node:fs. Note that
 * openLibsqlConnection pulls in @libsql/client; Worker code should import d1-connection.js and
 * sql-store.js directly if its bundler does not tree-shake it away.
 */
export { createSqlStore } from './sql-store.js';
export { openLibsqlConnection } from './libsql-connection.js';
export { createD1Connection } from './d1-connection.js';
export type { D1DatabaseLike, D1PreparedStatementLike } from './d1-connection.js';
export { migrate } from './migrate.js';
export type { Migration } from './migrate.js';
export type { Change, Store, StoredVersion, ResourceWrite, HistoryQuery, HistoryResult, ReferenceEdge } from './store.js';
export type { SearchQuery, SearchResult, SearchFilter, SearchValue, SortRule, SearchParamType, Prefix, Modifier } from './search-query.js';
export type { SqlConnection, SqlStatement, SqlRow, SqlValue } from './sql-connection.js';
export { createChangeCursors } from './change-cursor.js';
export type { ChangeCursors } from './change-cursor.js';
