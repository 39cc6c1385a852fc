/**
 * The narrow SQL seam both runtimes implement (Medplum's connection.ts idea):
 * libSQL on Node, D1 on Workers. SQL is always parameterised with `?` placeholders.
 */
export type SqlValue = string | number | null;

export interface SqlStatement {
  readonly sql: string;
  readonly args: readonly SqlValue[];
}

export type SqlRow = Record<string, SqlValue>;

export interface SqlConnection {
  query(sql: string, args?: readonly SqlValue[]): Promise<SqlRow[]>;
  /** Runs every statement atomically: all commit or none does (libSQL `batch('write')`, D1 `batch`). */
  batch(statements: readonly SqlStatement[]): Promise<void>;
  close?(): Promise<void>;
}
