/**
 * The narrow SQL seam both runtimes implement (Medplum's connection.ts idea):
 * libSQL on Node, D1 on Workers. SQL is always parameterised with `?` placeholders.
 */
import type { DisclosureColumns } from './store.js';

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

/** Driver-neutral: libSQL sets code SQLITE_CONSTRAINT_*, D1 and other drivers only say so in the message. */
export function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT')) return true;
    if (typeof message === 'string' && /UNIQUE constraint failed|SQLITE_CONSTRAINT/.test(message)) return true;
  }
  return false;
}

/** The disclosure columns (part2, patient_id, holder_org) of a resource_version-shaped row. */
export function disclosureColumnsOf(row: SqlRow): DisclosureColumns {
  return {
    part2: Number(row['part2']) === 1,
    ...(row['patient_id'] != null ? { patientId: String(row['patient_id']) } : {}),
    ...(row['holder_org'] != null ? { holderOrg: String(row['holder_org']) } : {}),
  };
}
