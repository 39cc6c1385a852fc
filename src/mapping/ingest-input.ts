/**
 * Reads an ingest request body into source records: a JSON object (one record), a JSON array,
 * or CSV text with a header row. Size and row caps are checked before the records are used.
 */
import type { Context } from 'hono';
import { isJsonContentType, MAX_BODY_BYTES, parseBoundedJson } from '../http/json-body.js';
import { badRequest, bodyTooLarge, GatewayError, unsupportedMediaType } from '../outcomes/index.js';
import { CsvError, parseCsv } from './csv.js';
import { coerceCsvRecord } from './input-schema.js';
import type { FieldSpec } from './spec.js';

/** Most records one request may carry; the CLI sends chunks of 500. */
export const MAX_INGEST_ROWS = 10_000;

/** How the records arrived; CSV rows are coerced to the declared types before validation. */
export type SourceFormat = 'json' | 'csv';

/** The records of one request, as received and as coerced for validation. */
export interface IngestInput {
  readonly format: SourceFormat;
  /** As received (CSV: text cells), kept for dead letters. */
  readonly raw: unknown[];
  /** Ready for the mapping's schema. */
  readonly records: unknown[];
}

/** 413 for an upload with more rows than {@link MAX_INGEST_ROWS}. */
export function tooManyRows(limit = MAX_INGEST_ROWS): GatewayError {
  return new GatewayError('HTTP_BODY_TOO_LARGE', 413, {
    severity: 'error',
    code: 'too-costly',
    details: { text: `An ingest request may carry at most ${limit} records; send the file in chunks.` },
  });
}

/** Coerces raw records of `format` for `fields` (JSON records pass through unchanged). */
export function coerceRecords(format: SourceFormat, raw: readonly unknown[], fields: readonly FieldSpec[]): unknown[] {
  return format === 'csv' ? raw.map((r) => coerceCsvRecord(r as Record<string, string>, fields)) : [...raw];
}

/**
 * Reads the body: 415 for other content types, 413 above the byte or row cap, 400 for
 * malformed JSON or CSV (naming the line).
 */
export async function readIngestBody(c: Context, fields: readonly FieldSpec[]): Promise<IngestInput> {
  const contentType = c.req.header('content-type');
  const isCsv = contentType?.split(';')[0]?.trim().toLowerCase() === 'text/csv';
  if (!isCsv && !isJsonContentType(contentType)) {
    throw new GatewayError('HTTP_UNSUPPORTED_MEDIA_TYPE', 415, {
      ...unsupportedMediaType(contentType).issues[0]!,
      details: { text: `Content type \`${contentType ?? '(none)'}\` is not supported; send \`application/json\` or \`text/csv\`.` },
    });
  }
  if (Number(c.req.header('content-length') ?? '0') > MAX_BODY_BYTES) throw bodyTooLarge(MAX_BODY_BYTES);
  const text = await c.req.text();
  if (text.length > MAX_BODY_BYTES) throw bodyTooLarge(MAX_BODY_BYTES);
  if (isCsv) {
    let raw: Record<string, string>[];
    try {
      raw = parseCsv(text, MAX_INGEST_ROWS);
    } catch (err) {
      if (err instanceof CsvError) throw err.kind === 'too-many-rows' ? tooManyRows() : badRequest(err.message, `line[${err.line}]`);
      throw err;
    }
    return { format: 'csv', raw, records: coerceRecords('csv', raw, fields) };
  }
  const body = parseBoundedJson(text);
  const raw = Array.isArray(body) ? body : [body];
  if (raw.length > MAX_INGEST_ROWS) throw tooManyRows();
  return { format: 'json', raw, records: raw };
}
