/**
 * Per-record failures. Every issue is located as `record[<row>].<field>` (row = position in the
 * whole upload, 0-based) so a client can fix the exact cell; FHIR validation issues keep their
 * FHIRPath and gain the record prefix.
 */
import type { OperationOutcomeIssue } from '@medplum/fhirtypes';
import type { z } from 'zod';
import { GatewayError, isGatewayError, unprocessable } from '../outcomes/index.js';

/** `record[3].booking_date`: where a source value sits in the upload. */
export function recordPath(row: number, field?: string): string {
  return field === undefined ? `record[${row}]` : `record[${row}].${field}`;
}

/** A 422 naming one field of one record. */
export function fieldError(row: number, field: string | undefined, text: string, code: OperationOutcomeIssue['code'] = 'invalid'): GatewayError {
  const issue: OperationOutcomeIssue = { severity: 'error', code, details: { text }, expression: [recordPath(row, field)] };
  return unprocessable([issue]);
}

/** Turns zod issues into one 422 with an issue per field, in the reader's words. */
export function schemaError(row: number, error: z.ZodError, raw: Readonly<Record<string, unknown>>): GatewayError {
  const issues: OperationOutcomeIssue[] = error.issues.map((iss) => {
    const field = iss.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
    // zod 4 leaves the input out of issues, so "missing" is read from the record itself.
    const top = iss.path[0];
    const missing = iss.code === 'invalid_type' && iss.path.length === 1 && (raw[String(top)] === undefined || raw[String(top)] === null);
    const text = missing ? `Field \`${field}\` is required.` : `Field \`${field || '(record)'}\` ${iss.message}.`;
    return { severity: 'error', code: missing ? 'required' : 'value', details: { text }, expression: [recordPath(row, field || undefined)] };
  });
  return unprocessable(issues);
}

/**
 * Re-locates an error raised while preparing a record's resources (validator 422, conflict
 * 409…) so its issues also name the record. Unknown errors are left alone for the caller.
 */
export function locateRecordError(err: unknown, row: number): unknown {
  if (!isGatewayError(err)) return err;
  const prefix = recordPath(row);
  // Issues from the record's own checks already name `record[row].field`; validator issues name
  // a FHIRPath in the mapped output (`Observation.code`), which gains the record prefix.
  const locate = (e: string): string => (!e ? prefix : e.startsWith('record[') ? e : `${prefix}.${e}`);
  const issues = err.issues.map((i) => ({ ...i, expression: (i.expression ?? ['']).map(locate) }));
  return new GatewayError(err.code, err.status, issues, { cause: err.cause });
}
