import { crawlTypedValue, getDataType, type InternalSchemaElement, type InternalTypeSchema, toTypedValue, type TypedValueWithPath } from '@medplum/core';
import type { CodeableConcept, Coding, OperationOutcomeIssue, Reference, Resource } from '@medplum/fhirtypes';
import type { Terminology } from './terminology.js';

/**
 * Checks Medplum 4.5.2's validator leaves out (ARCHITECTURE §6), in one walk of the resource:
 * - required bindings: codes must come from the bound value set (value sets that could not be
 *   expanded offline, e.g. mimetypes and currencies, are skipped);
 * - reference targets: a relative reference `Type/id` must name one of the element's target
 *   types (Medplum only warns). `urn:uuid:`, `#contained` and absolute URLs are left alone.
 * With `schema` (a profile's), the profile's bindings and target restrictions apply.
 */
export function checkGaps(resource: Resource, terms: Terminology, schema?: InternalTypeSchema): OperationOutcomeIssue[] {
  const issues: OperationOutcomeIssue[] = [];
  crawlTypedValue(
    toTypedValue(resource),
    {
      visitProperty(_parent, key, _path, propertyValues, parentSchema) {
        const element = elementFor(parentSchema, key);
        if (!element) return;
        const values = propertyValues.flat();
        checkBinding(element, values, terms, issues);
        checkTargets(element, values, issues);
      },
    },
    { skipMissingProperties: true, ...(schema ? { schema } : {}) },
  );
  return issues;
}

/** Per schema: JSON key → element (choice keys resolved), memoised; schemas are never mutated once parsed. */
const elementsBySchema = new WeakMap<InternalTypeSchema, Map<string, InternalSchemaElement | null>>();

/**
 * `[checkGaps(resource, terms), checkGaps(resource, terms, profile)]` in one walk, or undefined
 * when that cannot be done exactly. Medplum types every property from the value's own type
 * (`getDataType(type)`, never the schema passed in), and nested objects are crawled with the base
 * datatype schemas in both walks; the two walks differ only in the schema used to find the root's
 * elements and in the root path. So with equal root paths, each visit below the root yields the
 * same issues in both lists, and root properties are checked against both schemas. Issues keep
 * the order each walk would have produced.
 */
export function checkGapsWithProfile(resource: Resource, terms: Terminology, profile: InternalTypeSchema): [OperationOutcomeIssue[], OperationOutcomeIssue[]] | undefined {
  const base = getDataType(resource.resourceType);
  if (!base || base.path !== profile.path) return undefined;
  const baseIssues: OperationOutcomeIssue[] = [];
  const profileIssues: OperationOutcomeIssue[] = [];
  const scratch: OperationOutcomeIssue[] = [];
  crawlTypedValue(
    toTypedValue(resource),
    {
      visitProperty(parent, key, _path, propertyValues, parentSchema) {
        let values: TypedValueWithPath[] | undefined;
        if (parent.value === resource) {
          const fromProfile = elementFor(profile, key);
          if (fromProfile) {
            values = propertyValues.flat();
            checkBinding(fromProfile, values, terms, profileIssues);
            checkTargets(fromProfile, values, profileIssues);
          }
          const element = elementFor(parentSchema, key);
          if (!element) return;
          values ??= propertyValues.flat();
          checkBinding(element, values, terms, baseIssues);
          checkTargets(element, values, baseIssues);
          return;
        }
        const element = elementFor(parentSchema, key);
        if (!element) return;
        values = propertyValues.flat();
        checkBinding(element, values, terms, scratch);
        checkTargets(element, values, scratch);
        if (scratch.length) {
          baseIssues.push(...scratch);
          profileIssues.push(...scratch.map((i) => structuredClone(i)));
          scratch.length = 0;
        }
      },
    },
    { skipMissingProperties: true },
  );
  return [baseIssues, profileIssues];
}

export function elementFor(schema: InternalTypeSchema, key: string): InternalSchemaElement | undefined {
  let memo = elementsBySchema.get(schema);
  if (!memo) elementsBySchema.set(schema, (memo = new Map()));
  let element = memo.get(key);
  if (element === undefined) {
    element = findElement(schema, key) ?? null;
    memo.set(key, element);
  }
  return element ?? undefined;
}

function findElement(schema: InternalTypeSchema, key: string): InternalSchemaElement | undefined {
  const direct = schema.elements[key];
  if (direct) return direct;
  // Choice types: the JSON key is `valueCode`, the element is `value[x]`.
  for (const [name, element] of Object.entries(schema.elements)) {
    if (name.endsWith('[x]') && key.startsWith(name.slice(0, -3))) return element;
  }
  return undefined;
}

function issue(code: OperationOutcomeIssue['code'], text: string, path: string): OperationOutcomeIssue {
  return { severity: 'error', code, details: { text }, expression: [path] };
}

export function checkBinding(element: InternalSchemaElement, values: TypedValueWithPath[], terms: Terminology, issues: OperationOutcomeIssue[]): void {
  const binding = element.binding;
  if (binding?.strength !== 'required' || !binding.valueSet || !terms.has(binding.valueSet)) return;
  const url = binding.valueSet.split('|')[0] ?? binding.valueSet;
  for (const item of values) {
    if (!inValueSet(terms, url, item)) issues.push(issue('code-invalid', `Value is not in the required value set \`${url}\`.`, item.path));
  }
}

function codingOk(terms: Terminology, url: string, coding: Coding): boolean {
  return typeof coding.code === 'string' && typeof coding.system === 'string' && terms.contains(url, coding.code, coding.system);
}

function inValueSet(terms: Terminology, url: string, item: TypedValueWithPath): boolean {
  const { type, value } = item;
  if (value === undefined || value === null) return true; // a primitive carrying only extensions
  if (type === 'code' || type === 'string' || type === 'uri') return typeof value === 'string' && terms.contains(url, value);
  if (type === 'Coding') return codingOk(terms, url, value as Coding);
  if (type === 'CodeableConcept') {
    // Medplum treats an empty object as absent, so `coding: {}` can get here: same as no coding.
    const coding: unknown = (value as CodeableConcept).coding;
    return Array.isArray(coding) && coding.some((c: Coding) => typeof c === 'object' && c !== null && codingOk(terms, url, c));
  }
  return true; // other types cannot carry a code
}

const RELATIVE_REFERENCE = /^([A-Z][A-Za-z]{1,63})\/[A-Za-z0-9\-.]{1,64}(\/_history\/[A-Za-z0-9\-.]{1,64})?$/;
const CORE_SD = 'http://hl7.org/fhir/StructureDefinition/';

/** Per element: the allowed target types and their sorted list, or null when nothing is checked. */
const targetsByElement = new WeakMap<InternalSchemaElement, { allowed: Set<string>; expected: string } | null>();

function targetsFor(element: InternalSchemaElement): { allowed: Set<string>; expected: string } | null {
  let entry = targetsByElement.get(element);
  if (entry === undefined) {
    const targets = element.type.filter((t) => t.code === 'Reference').flatMap((t) => t.targetProfile ?? []);
    const allowed = new Set(targets.filter((t) => t.startsWith(CORE_SD)).map((t) => t.slice(CORE_SD.length)));
    // A profile as target can't be decided from the reference alone.
    entry = !targets.length || targets.includes(`${CORE_SD}Resource`) || allowed.size < targets.length ? null : { allowed, expected: [...allowed].sort().join(', ') };
    targetsByElement.set(element, entry);
  }
  return entry;
}

export function checkTargets(element: InternalSchemaElement, values: TypedValueWithPath[], issues: OperationOutcomeIssue[]): void {
  const entry = targetsFor(element);
  if (!entry) return;
  for (const item of values) {
    if (item.type !== 'Reference') continue;
    const reference = (item.value as Reference | undefined)?.reference;
    const type = typeof reference === 'string' ? RELATIVE_REFERENCE.exec(reference)?.[1] : undefined;
    if (type !== undefined && !entry.allowed.has(type)) {
      issues.push(issue('structure', `A reference to ${type} is not allowed here; expected ${entry.expected}.`, item.path));
    }
  }
}

/** Per element: whether checkBinding or checkTargets can say anything about its values. */
const relevantByElement = new WeakMap<InternalSchemaElement, boolean>();
export function gapRelevant(element: InternalSchemaElement, terms: Terminology): boolean {
  let relevant = relevantByElement.get(element);
  if (relevant === undefined) {
    const binding = element.binding;
    relevant = (binding?.strength === 'required' && !!binding.valueSet && terms.has(binding.valueSet)) || targetsFor(element) !== null;
    relevantByElement.set(element, relevant);
  }
  return relevant;
}
