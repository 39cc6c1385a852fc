import type { SqlConnection, SqlStatement } from './sql-connection.js';

/**
 * Durable positions in the Store change feed, one per named consumer (0007_change_cursor). A
 * consumer that writes to the same SQL database batches `advance()` with its own statements, so
 * its effects and its position commit together.
 */
export interface ChangeCursors {
  /** The last seq `consumer` handled; 0 before its first run. */
  position(consumer: string): Promise<number>;
  /** The statement that moves `consumer` to `seq` (never backwards). */
  advance(consumer: string, seq: number): SqlStatement;
}

export function createChangeCursors(conn: SqlConnection): ChangeCursors {
  return {
    async position(consumer) {
      const rows = await conn.query('SELECT position FROM change_cursor WHERE consumer = ?', [consumer]);
      return rows[0] ? Number(rows[0]['position']) : 0;
    },
    advance: (consumer, seq) => ({
      sql: 'INSERT INTO change_cursor (consumer, position) VALUES (?, ?) ON CONFLICT (consumer) DO UPDATE SET position = MAX(position, excluded.position)',
      args: [consumer, seq],
    }),
  };
}
