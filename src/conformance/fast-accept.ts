import {
  deepEquals,
  deepIncludes,
  evalFhirPathTyped,
  type FhirPathAtom,
  fhirTypeToJsType,
  getDataType,
  getNestedProperty,
  type InternalSchemaElement,
  type InternalTypeSchema,
  type SliceDefinition,
  isResource,
  matchDiscriminant,
  parseFhirPath,
  type TypedValue,
  type TypedValueWithPath,
  toTypedValue,
  UCUM,
  validationRegexes,
} from '@medplum/core';
import type { OperationOutcomeIssue, Resource, StructureDefinition } from '@medplum/fhirtypes';
import { checkBinding, checkTargets, elementFor, gapRelevant } from './gap-checks.js';
import { constraintShortcut } from './fast-constraints.js';
import { isEmptyValue } from './is-empty.js';
import { candidates, isCandidate, nested, notSure, property, propertyWithElement } from './typed-properties.js';
import { coversBase, profileTypeKey } from './profile-schemas.js';
import { canonicalUrl, type Terminology } from './terminology.js';

const CORE_PREFIX = 'http://hl7.org/fhir/StructureDefinition/';

/**
 * A fast acceptor for the validator (validator.ts): `fastAccepts(r)` is true only when the full
 * path — Medplum's validator against the base type and every claimed profile, plus our gap checks
 * — would accept `r`. It returns false whenever anything fails OR looks unusual (primitive
 * extensions, nested resources, nulls, two values for one choice element, unknown schema), and
 * then the caller runs the full path, which produces the real errors. So it can only make
 * validation faster, never more lenient or differently worded.
 *
 * It mirrors Medplum 4.5.2's `typeschema/validation.ts` + `crawler.ts` step by step (same schema
 * objects, same property resolution order, same FHIRPath constraints and skipped keys), without
 * Medplum's per-call overheads: paths are never built, choice-type candidate keys are computed
 * once per element, only present or required elements are visited, and FHIRPath invariants are
 * answered by shortcuts or a small JSON evaluator where those are sure they hold
 * (fast-constraints.ts, fhirpath-subset.ts), else by Medplum's engine on a once-parsed
 * expression. fast-accept.test.ts checks it against the full path on every mapping's golden
 * output, the profile fixtures and thousands of mutated variants.
 */

// Same as Medplum's skippedConstraintKeys (validation.ts).
const SKIPPED_CONSTRAINTS = new Set(['ele-1', 'dom-3', 'org-1', 'sdf-19']);
const JS_TYPES = fhirTypeToJsType as Record<string, 'string' | 'number' | 'boolean'>;
const isPrimitive = (code: string): boolean => code === 'undefined' || code in JS_TYPES;

const atoms = new Map<string, FhirPathAtom>();
const UCUM_VALUE = toTypedValue(UCUM);

/** One walk: the root and the variables Medplum binds for invariants. */
interface Walk {
  variables: Record<string, TypedValue>;
  readonly terms: Terminology;
  /**
   * Set for a profile walk: the base type's schema. The gap walk types root values with the base
   * elements, so root values must resolve the same under both; `baseGaps` when this walk also
   * stands in for the base walk (the profile covers the base) and must do its root gap checks.
   */
  readonly profileRoot?: { base: InternalTypeSchema; baseGaps: boolean; schema: InternalTypeSchema };
  readonly issues: OperationOutcomeIssue[];
}

function constraintsHold(walk: Walk, value: TypedValue, owner: InternalTypeSchema | InternalSchemaElement): void {
  const constraints = owner.constraints;
  if (!constraints) return;
  for (const c of constraints) {
    if (c.severity !== 'error' || SKIPPED_CONSTRAINTS.has(c.key)) continue;
    if (constraintShortcut(c.expression)(value) === true) continue;
    let atom = atoms.get(c.expression);
    if (!atom) atoms.set(c.expression, (atom = parseFhirPath(c.expression)));
    const result = evalFhirPathTyped(atom, [value], { ...walk.variables, '%context': value });
    if (result.length !== 1 || result[0]!.value !== true) notSure();
  }
}

function primitiveOk(tv: TypedValue): void {
  const { type, value } = tv;
  if (typeof value === 'object') notSure(); // primitive with extensions, or an object where a primitive belongs
  const expected = JS_TYPES[type];
  if (!expected || typeof value !== expected) notSure();
  if (expected === 'string') {
    const s = value as string;
    if (!s.trim() || s.length > 1024 * 1024) notSure();
    const regex = validationRegexes[type];
    if (regex && !regex.exec(s)) notSure();
  } else if (expected === 'number') {
    const n = value as number;
    if (!Number.isFinite(n)) notSure();
    if ((type === 'integer' || type === 'positiveInt' || type === 'unsignedInt') && !Number.isInteger(n)) notSure();
    if ((type === 'positiveInt' && n <= 0) || (type === 'unsignedInt' && n < 0)) notSure();
  }
}

/** Medplum's visitProperty for one schema element, failing (not sure) wherever it records an error. */
function visitElement(walk: Walk, element: InternalSchemaElement, propertyValues: (TypedValue | TypedValue[])[]): void {
  for (const value of propertyValues) {
    if (!Array.isArray(value) && value.value === undefined) {
      if (element.min > 0) notSure();
      return;
    }
    if (Array.isArray(value) ? value.length === 0 : false) notSure();
    if (element.isArray !== Array.isArray(value)) notSure();
    const values = Array.isArray(value) ? value : [value];
    if (values.length < element.min || values.length > element.max) notSure();
    if (element.pattern || element.fixed) {
      const typeAndValue = Array.isArray(value) ? value.map((v) => ({ type: v.type, value: v.value })) : { type: value.type, value: value.value };
      if (element.pattern && !deepIncludes(typeAndValue, element.pattern)) notSure();
      if (element.fixed && !deepEquals(typeAndValue, element.fixed)) notSure();
    }
    const slicing = element.slicing;
    const counts = slicing ? new Map(slicing.slices.map((s) => [s.name, 0])) : undefined;
    for (const v of values) {
      constraintsHold(walk, v, element);
      if (isPrimitive(v.type)) primitiveOk(v);
      else if (isEmptyValue(v.value)) notSure();
      if (slicing && counts) {
        const slice = sliceOf(v, slicing);
        if (slice) counts.set(slice.name, counts.get(slice.name)! + 1);
      }
    }
    if (slicing && counts) {
      for (const s of slicing.slices) {
        const n = counts.get(s.name)!;
        if (n < s.min || n > s.max) notSure();
      }
    }
  }
}

/** Medplum's checkSliceElement: the first slice whose every discriminator matches. */
function sliceOf(value: TypedValue, slicing: NonNullable<InternalSchemaElement['slicing']>): SliceDefinition | undefined {
  for (const slice of slicing.slices) {
    let all = true;
    for (const d of slicing.discriminator) {
      let some = false;
      // Medplum's getNestedProperty; an undotted path is one property step (same resolution as ours).
      const found = d.path === '$this' ? [value] : d.path.includes('.') ? getNestedProperty(value, d.path) : [property(value, d.path)];
      for (const f of found) {
        if (matchDiscriminant(f, d, slice)) {
          some = true;
          break;
        }
      }
      if (!some) {
        all = false;
        break;
      }
    }
    if (all) return slice;
  }
  return undefined;
}

/** The gap checks (gap-checks.ts) for one JSON key of an object: bindings and reference targets. */
function gapsOk(walk: Walk, schema: InternalTypeSchema, key: string, resolved: Map<InternalSchemaElement, TypedValue | TypedValue[] | undefined>): void {
  const element = elementFor(schema, key);
  if (!element || !gapRelevant(element, walk.terms)) return;
  if (!resolved.has(element)) notSure();
  const found = resolved.get(element);
  const values: TypedValueWithPath[] = [];
  if (found !== undefined) for (const v of Array.isArray(found) ? found : [found]) values.push({ type: v.type, value: v.value, path: '' });
  checkBinding(element, values, walk.terms, walk.issues);
  checkTargets(element, values, walk.issues);
  if (walk.issues.length) notSure();
}

function walkObject(walk: Walk, obj: TypedValue, schema: InternalTypeSchema, isRoot: boolean): void {
  const value = obj.value as Record<string, unknown>;
  // Inside a contained resource, invariants see it as %resource (Medplum's onEnterResource).
  if (!isRoot && isResource(value)) {
    const outer = walk.variables['%resource'];
    walk.variables['%resource'] = toTypedValue(value);
    try {
      walkObjectProperties(walk, obj, schema, false);
    } finally {
      if (outer) walk.variables['%resource'] = outer;
    }
    return;
  }
  walkObjectProperties(walk, obj, schema, isRoot);
}

function walkObjectProperties(walk: Walk, obj: TypedValue, schema: InternalTypeSchema, isRoot: boolean): void {
  const value = obj.value as Record<string, unknown>;
  // Values resolved per (undotted) element: what gapsOk checks, as the gap walk would resolve them.
  const resolved = new Map<InternalSchemaElement, TypedValue | TypedValue[] | undefined>();
  const plan = planFor(schema);
  for (const [key, element] of plan.always) visitKey(walk, obj, key, element, resolved);
  let choiceSeen: Set<InternalSchemaElement> | undefined;
  for (const key in value) {
    // Visit the elements this key resolves for (in any order: every check must pass anyway)…
    const entries = plan.byJsonKey.get(key);
    if (entries) for (const [name, element] of entries) if (!resolved.has(element)) visitKey(walk, obj, name, element, resolved);
    // …then Medplum's checkAdditionalProperties for it, and the gap checks.
    if (key === 'resourceType') continue;
    if (key.startsWith('_') || key.includes('.')) notSure();
    if (!schema.elements[key]) {
      const choice = choiceElement(schema, key);
      if (!choice || choiceSeen?.has(choice) || !isCandidate(choice, key) || resolved.get(choice) === undefined) notSure();
      // The gap walk resolves values by the camel-case prefix but binds by elementFor: same element.
      if (elementFor(schema, key) !== choice) notSure();
      (choiceSeen ??= new Set()).add(choice);
    }
    gapsOk(walk, schema, key, resolved);
    if (isRoot && walk.profileRoot) profileRootOk(walk, walk.profileRoot, value, key, resolved);
  }
}

/**
 * Which elements of a schema a walk must visit for an object. Medplum visits every element, but
 * an optional, undotted element whose JSON keys are all absent resolves to nothing, and visiting
 * nothing records nothing; so visit required and dotted elements always, others when one of
 * their keys (`valueString`, `_valueString`, …) is present.
 */
interface Plan {
  always: [string, InternalSchemaElement][];
  byJsonKey: Map<string, [string, InternalSchemaElement][]>;
}
const plans = new WeakMap<InternalTypeSchema, Plan>();
function planFor(schema: InternalTypeSchema): Plan {
  let plan = plans.get(schema);
  if (!plan) {
    plan = { always: [], byJsonKey: new Map() };
    for (const [key, element] of Object.entries(schema.elements)) {
      if (element.min > 0 || key.includes('.') || !element.type?.length) {
        plan.always.push([key, element]);
        continue;
      }
      for (const c of candidates(element)) {
        for (const jsonKey of [c.key, `_${c.key}`]) {
          const list = plan.byJsonKey.get(jsonKey) ?? [];
          list.push([key, element]);
          plan.byJsonKey.set(jsonKey, list);
        }
      }
    }
    plans.set(schema, plan);
  }
  return plan;
}

/** Medplum's crawlProperty for one element: visit, then walk into complex values. */
function visitKey(walk: Walk, obj: TypedValue, key: string, element: InternalSchemaElement, resolved: Map<InternalSchemaElement, TypedValue | TypedValue[] | undefined>): void {
  const propertyValues = nested(obj, key);
  if (!key.includes('.')) {
    const only = propertyValues[0]!;
    resolved.set(element, !Array.isArray(only) && only.value === undefined ? undefined : only);
  }
  visitElement(walk, element, propertyValues);
  for (const pv of propertyValues) {
    for (const v of Array.isArray(pv) ? pv : [pv]) {
      if (!isPrimitive(v.type)) walkObject(walk, v, getDataType(v.type), false);
    }
  }
}

/** Medplum's isChoiceOfType: the `[x]` element named by the key's shortest camel-case prefix. */
function choiceElement(schema: InternalTypeSchema, key: string): InternalSchemaElement | undefined {
  let test = '';
  for (const part of key.split(/(?=[A-Z])/g)) {
    test += part;
    const element = schema.elements[`${test}[x]`];
    if (element) return element;
  }
  return undefined;
}

/**
 * A profile walk's root key: the gap walks type root values with the base elements, so they must
 * resolve to the same values and types as under the profile (then nested walks coincide too);
 * when the profile walk replaces the base walk, the base's root gap checks are done here.
 */
function profileRootOk(walk: Walk, root: NonNullable<Walk['profileRoot']>, value: Record<string, unknown>, key: string, resolvedByProfile: Map<InternalSchemaElement, TypedValue | TypedValue[] | undefined>): void {
  const baseElement = elementFor(root.base, key);
  if (!baseElement) notSure();
  const fromBase = propertyWithElement(value, baseElement);
  const profileElement = elementFor(root.schema, key);
  const fromProfile = profileElement ? resolvedByProfile.get(profileElement) : undefined;
  const a = fromBase === undefined ? [] : Array.isArray(fromBase) ? fromBase : [fromBase];
  const b = fromProfile === undefined ? [] : Array.isArray(fromProfile) ? fromProfile : [fromProfile];
  if (a.length !== b.length || a.some((v, i) => v.type !== b[i]!.type || v.value !== b[i]!.value)) notSure();
  if (root.baseGaps) gapsOk(walk, root.base, key, new Map([[baseElement, fromBase]]));
}

/** Medplum's checkObjectForNull, as a yes/no: any null, or undefined array item, anywhere. */
function hasNull(value: unknown): boolean {
  if (value === null) return true;
  if (typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    for (const item of value) if (item === undefined || hasNull(item)) return true;
    return false;
  }
  for (const key in value) if (hasNull((value as Record<string, unknown>)[key])) return true;
  return false;
}

/** Medplum's ResourceValidator.validate() for `type` (the base type or a profile's type key), plus gap checks. */
function walkResource(resource: Resource, type: string, terms: Terminology, profileOf?: { base: InternalTypeSchema; baseGaps: boolean }): void {
  const root: TypedValue = { type, value: resource };
  const schema = getDataType(type);
  const profileRoot = profileOf ? { ...profileOf, schema } : undefined;
  const walk: Walk = { variables: { '%ucum': UCUM_VALUE, '%resource': toTypedValue(resource), '%rootResource': root }, terms, issues: [], ...(profileRoot ? { profileRoot } : {}) };
  constraintsHold(walk, root, schema);
  walkObject(walk, root, schema, true);
}

/**
 * True when validator.ts's full path would accept `resource` (checkEnvelope and checkBounds have
 * already passed); false means "run the full path", not "invalid".
 */
export function fastAccepts(resource: Resource, terms: Terminology, getProfile: (url: string) => StructureDefinition | undefined): boolean {
  try {
    if (hasNull(resource)) return false;
    const claimed = resource.meta?.profile;
    if (claimed !== undefined && !Array.isArray(claimed)) return false;
    const profiles: StructureDefinition[] = [];
    for (const url of claimed ?? []) {
      if (typeof url !== 'string') return false;
      if (canonicalUrl(url) === CORE_PREFIX + resource.resourceType) continue; // the base type: checkProfiles skips it
      const profile = getProfile(url);
      if (!profile || profile.type !== resource.resourceType) return false;
      profiles.push(profile);
    }
    const base = getDataType(resource.resourceType);
    const covering = profiles.find((p) => coversBase(p));
    if (!covering) walkResource(resource, resource.resourceType, terms);
    for (const profile of profiles) walkResource(resource, profileTypeKey(profile), terms, { base, baseGaps: profile === covering });
    return true;
  } catch {
    // NOT_SURE, or anything unexpected: the full path decides (and reports).
    return false;
  }
}
