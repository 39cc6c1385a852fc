import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openLibsqlConnection } from './libsql-connection.js';
import { migrate } from './migrate.js';
import { readMigrationsDir } from './migrations-dir.js';
import { createChangeCursors } from './change-cursor.js';

describe('change cursors', () => {
  it('start at 0, advance with a batched statement and never move backwards', async () => {
    const conn = await openLibsqlConnection('file::memory:');
    await migrate(conn, await readMigrationsDir(fileURLToPath(new URL('../../migrations/', import.meta.url))));
    const cursors = createChangeCursors(conn);
    expect(await cursors.position('notify')).toBe(0);
    await conn.batch([cursors.advance('notify', 7)]);
    await conn.batch([cursors.advance('notify', 3)]);
    await conn.batch([cursors.advance('care', 2)]);
    expect(await cursors.position('notify')).toBe(7);
    expect(await cursors.position('care')).toBe(2);
  });
});
