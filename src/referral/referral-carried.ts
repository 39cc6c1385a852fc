/**
 * What a referral carries to its recipient, as references with the element that carries each:
 * the ServiceRequest (Task.focus) with its supporting information and reasons, and the Task's
 * inputs. Pure; the write rules load and gate them (referral-gate.ts).
 */
import type { Reference, ServiceRequest, Task } from '@medplum/fhirtypes';
import type { Carried } from './referral-gate.js';

const RELATIVE = /^[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}$/;

/** The records a ServiceRequest carries in `supportingInfo` and `reasonReference`. */
export function carriedByServiceRequest(sr: ServiceRequest, removable: boolean, except: ReadonlySet<string> = new Set()): Carried[] {
  return [
    ...refs(sr.supportingInfo, 'ServiceRequest.supportingInfo', removable, except),
    ...refs(sr.reasonReference, 'ServiceRequest.reasonReference', removable, except),
  ];
}

/** The records a Task carries in `input[].valueReference` (the writer may withhold those). */
export function carriedByTaskInput(task: Task, except: ReadonlySet<string> = new Set()): Carried[] {
  return refs((task.input ?? []).map((i) => i.valueReference), 'Task.input', true, except, '.valueReference');
}

/** Every reference a resource's carried elements hold (to find which ones a write adds). */
export function referencesIn(carried: readonly Carried[]): Set<string> {
  return new Set(carried.map((c) => c.reference));
}

function refs(list: readonly (Reference | undefined)[] | undefined, path: string, removable: boolean, except: ReadonlySet<string>, suffix = ''): Carried[] {
  const out: Carried[] = [];
  (list ?? []).forEach((ref, i) => {
    const reference = ref?.reference;
    if (reference && RELATIVE.test(reference) && !except.has(reference)) out.push({ reference, expression: `${path}[${i}]${suffix}`, removable });
  });
  return out;
}

/** `list` without the entries whose reference is in `withheld` (undefined when none remain). */
export function without<T>(list: readonly T[] | undefined, withheld: ReadonlySet<string>, refOf: (item: T) => string | undefined): T[] | undefined {
  if (!list) return undefined;
  const kept = list.filter((item) => !withheld.has(refOf(item) ?? ''));
  return kept.length ? kept : undefined;
}
