import type { OperationOutcomeIssue } from '@medplum/fhirtypes';
import { GatewayError, invalidBundle } from '../outcomes/index.js';

export type EntryMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** A bundle entry's `request.url`, parsed: `Type`, `Type/id`, `Type/id/_history/v` or `Type?query`. */
export interface EntryTarget {
  readonly method: EntryMethod;
  readonly type: string;
  readonly id?: string;
  readonly versionId?: string;
  readonly query?: URLSearchParams;
}

const METHODS: ReadonlySet<string> = new Set(['GET', 'POST', 'PUT', 'DELETE']);

/** Parses one entry's request, refusing anything the processor would have to guess at. */
export function parseEntryRequest(index: number, request: unknown): EntryTarget {
  const where = `Bundle.entry[${index}].request`;
  if (!request || typeof request !== 'object') throw invalidBundle(`Entry ${index} has no \`request\`.`, where);
  const { method, url } = request as { method?: unknown; url?: unknown };
  if (typeof method !== 'string' || !METHODS.has(method)) {
    throw invalidBundle(`Entry ${index} has method \`${String(method)}\`; supported are GET, POST, PUT, DELETE.`, `${where}.method`);
  }
  if (typeof url !== 'string' || url === '') throw invalidBundle(`Entry ${index} has no \`request.url\`.`, `${where}.url`);
  const [path = '', queryText] = url.replace(/^\//, '').split('?', 2);
  const segments = path.split('/');
  const type = segments[0] ?? '';
  const target: EntryTarget = {
    method: method as EntryMethod,
    type,
    ...(segments[1] ? { id: segments[1] } : {}),
    ...(segments[2] === '_history' && segments[3] ? { versionId: segments[3] } : {}),
    ...(queryText !== undefined ? { query: new URLSearchParams(queryText) } : {}),
  };
  const shapeOk =
    /^[A-Z][A-Za-z]+$/.test(type) &&
    (segments.length === 1 || segments.length === 2 || (segments.length === 4 && segments[2] === '_history' && target.method === 'GET'));
  if (!shapeOk) throw invalidBundle(`Entry ${index} has an unsupported \`request.url\` \`${url.slice(0, 100)}\`.`, `${where}.url`);
  return target;
}

/**
 * Re-homes an error raised while processing entry `index` so its expressions point into the
 * Bundle (`Patient.name` → `Bundle.entry[2].resource.name`).
 */
export function locateInEntry(err: unknown, index: number): unknown {
  if (!(err instanceof GatewayError)) return err;
  const issues: OperationOutcomeIssue[] = err.issues.map((issue) => ({
    ...issue,
    expression: (issue.expression ?? ['']).map((e) => (e.startsWith('Bundle.') ? e : entryPath(index, e))),
  }));
  return new GatewayError(err.code, err.status, issues, { cause: err.cause, headers: err.headers });
}

function entryPath(index: number, expression: string): string {
  const rest = expression.replace(/^[A-Z][A-Za-z]+/, '');
  const suffix = rest === '' || rest.startsWith('.') ? rest : `.${rest}`;
  return `Bundle.entry[${index}].resource${suffix}`;
}
