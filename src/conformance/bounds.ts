import { unprocessable } from '../outcomes/index.js';

/** Deepest object/array nesting accepted, counted from the resource itself (R4 resources need < 20). */
export const MAX_DEPTH = 64;

/**
 * Elements, attributes and URL schemes R4 narrative may not carry (txt-1/txt-2, which Medplum does
 * not evaluate). Narrative is shown by clients, so active content would be stored XSS.
 */
const ACTIVE_CONTENT =
  /<\s*\/?\s*(script|iframe|frame|frameset|object|embed|applet|form|input|button|textarea|select|style|link|meta|base|svg|math)\b|\son[a-z]+\s*=|(java|vb)script\s*:|data\s*:\s*text\/html/i;

/** Where a value sits, kept as parent + key so the FHIRPath-ish path is only built on failure. */
interface Place {
  readonly parent: Place | undefined;
  readonly key: string | number;
}

function pathOf(root: string, place: Place | undefined): string {
  const parts: (string | number)[] = [];
  for (let p = place; p; p = p.parent) parts.push(p.key);
  let path = root;
  for (let i = parts.length - 1; i >= 0; i--) {
    const key = parts[i]!;
    path += typeof key === 'number' ? `[${key}]` : `.${key}`;
  }
  return path;
}

/**
 * Rejects input that would hurt the (recursive) validator or later walkers: nesting deeper than
 * MAX_DEPTH and numbers that are not finite (`1e400` parses to Infinity), and
 * active content in narrative `div`s. Iterative, so hostile
 * input cannot overflow the stack here.
 */
export function checkBounds(resource: object, root: string): void {
  if (withinBounds(resource, 1, undefined)) return;
  const stack: { value: unknown; place: Place | undefined; depth: number }[] = [{ value: resource, place: undefined, depth: 1 }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const { value, place, depth } = item;
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw unprocessable([{ severity: 'error', code: 'value', details: { text: 'Numbers must be finite.' }, expression: [pathOf(root, place)] }]);
    }
    if (typeof value === 'string' && place?.key === 'div' && place.parent?.key === 'text' && ACTIVE_CONTENT.test(value)) {
      throw unprocessable([{ severity: 'error', code: 'value', details: { text: 'The narrative contains active content (scripts, frames, forms, event handlers or script URLs).' }, expression: [pathOf(root, place)] }]);
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_DEPTH) {
      throw unprocessable([
        { severity: 'error', code: 'too-costly', details: { text: `The resource is nested deeper than ${MAX_DEPTH} levels.` }, expression: [pathOf(root, place)] },
      ]);
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) stack.push({ value: value[i], place: { parent: place, key: i }, depth: depth + 1 });
    } else {
      for (const key in value) stack.push({ value: (value as Record<string, unknown>)[key], place: { parent: place, key }, depth: depth + 1 });
    }
  }
}

/**
 * The same conditions as checkBounds, as a yes/no without the stack and place objects, for the
 * common case where everything passes; checkBounds then only walks again to report a failure.
 * Recursive, but it stops descending past MAX_DEPTH, so hostile nesting cannot overflow the stack.
 */
function withinBounds(value: unknown, depth: number, key: string | number | undefined, parentKey?: string | number): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value === 'string') return !(key === 'div' && parentKey === 'text' && ACTIVE_CONTENT.test(value));
  if (typeof value !== 'object' || value === null) return true;
  if (depth > MAX_DEPTH) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!withinBounds(value[i], depth + 1, i, key)) return false;
    return true;
  }
  for (const k in value) if (!withinBounds((value as Record<string, unknown>)[k], depth + 1, k, key)) return false;
  return true;
}
