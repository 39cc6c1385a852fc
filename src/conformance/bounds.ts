import { unprocessable } from '../outcomes/index.js';

/** Deepest object/array nesting accepted, counted from the resource itself (R4 resources need < 20). */
export const MAX_DEPTH = 64;

/**
 * Elements, attributes and URL schemes R4 narrative may not carry (txt-1/txt-2, which Medplum does
 * not evaluate). Narrative is shown by clients, so active content would be stored XSS.
 */
const ACTIVE_CONTENT =
  /<\s*\/?\s*(script|iframe|frame|frameset|object|embed|applet|form|input|button|textarea|select|style|link|meta|base|svg|math)\b|\son[a-z]+\s*=|(java|vb)script\s*:|data\s*:\s*text\/html/i;

/**
 * Rejects input that would hurt the (recursive) validator or later walkers: nesting deeper than
 * MAX_DEPTH and numbers that are not finite (`1e400` parses to Infinity), and
 * active content in narrative `div`s. Iterative, so hostile
 * input cannot overflow the stack here.
 */
export function checkBounds(resource: object, root: string): void {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: resource, path: root, depth: 1 }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const { value, path, depth } = item;
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw unprocessable([{ severity: 'error', code: 'value', details: { text: 'Numbers must be finite.' }, expression: [path] }]);
    }
    if (typeof value === 'string' && path.endsWith('.text.div') && ACTIVE_CONTENT.test(value)) {
      throw unprocessable([{ severity: 'error', code: 'value', details: { text: 'The narrative contains active content (scripts, frames, forms, event handlers or script URLs).' }, expression: [path] }]);
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_DEPTH) {
      throw unprocessable([
        { severity: 'error', code: 'too-costly', details: { text: `The resource is nested deeper than ${MAX_DEPTH} levels.` }, expression: [path] },
      ]);
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) stack.push({ value: value[i], path: `${path}[${i}]`, depth: depth + 1 });
    } else {
      for (const [key, child] of Object.entries(value)) stack.push({ value: child, path: `${path}.${key}`, depth: depth + 1 });
    }
  }
}
