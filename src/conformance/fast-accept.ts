import {
  deepEquals,
  deepIncludes,
  evalFhirPathTyped,
  type FhirPathAtom,
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
} from '@medplum/core';
import type { OperationOutcomeIssue, Resource, StructureDefinition } from '@medplum/fhirtypes';
import { checkBinding, checkTargets, elementFor, gapRelevant } from './gap-checks.js';
import { constraintShortcut } from './fast-constraints.js';
import { isEmptyValue } from './is-empty.js';
import { isCandidate, nested, notSure, property, propertyWithElement, typedAs } from './typed-properties.js';
import { choiceElement, type KeyInfo, planFor, rootFacts } from './walk-plan.js';
import { isPrimitive, nullOrUnderscore, primitiveOk, sameValues } from './fast-values.js';
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
 * once per element and each JSON key's static checks once per schema (walk-plan.ts), only
 * present or required elements are visited, and FHIRPath invariants are
 * answered by shortcuts or a small JSON evaluator where those are sure they hold
 * (fast-constraints.ts, fhirpath-subset.ts), else by Medplum's engine on a once-parsed
 * expression. fast-accept.test.ts checks it against the full path on every mapping's golden
 * output, the profile fixtures and thousands of mutated variants.
 */

// Same as Medplum's skippedConstraintKeys (validation.ts).
const SKIPPED_CONSTRAINTS = new Set(['ele-1', 'dom-3', 'org-1', 'sdf-19']);
const UNDEFINED_VALUE: TypedValue = { type: 'undefined', value: undefined };

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
  readonly profileRoot: { base: InternalTypeSchema; baseGaps: boolean; schema: InternalTypeSchema } | undefined;
  readonly issues: OperationOutcomeIssue[];
}

/** An owner's invariants that Medplum evaluates: error severity, not skipped; with their shortcut. */
interface Invariant {
  readonly expression: string;
  readonly shortcut: (value: TypedValue) => true | undefined;
}
const invariantsByOwner = new WeakMap<InternalTypeSchema | InternalSchemaElement, readonly Invariant[]>();
const NO_INVARIANTS: readonly Invariant[] = [];

function constraintsHold(walk: Walk, value: TypedValue, owner: InternalTypeSchema | InternalSchemaElement): void {
  const constraints = owner.constraints;
  if (!constraints) return;
  let invariants = invariantsByOwner.get(owner);
  if (!invariants) {
    const list = constraints.filter((c) => c.severity === 'error' && !SKIPPED_CONSTRAINTS.has(c.key)).map((c) => ({ expression: c.expression, shortcut: constraintShortcut(c.expression) }));
    invariantsByOwner.set(owner, (invariants = list.length ? list : NO_INVARIANTS));
  }
  for (const c of invariants) {
    if (c.shortcut(value) === true) continue;
    let atom = atoms.get(c.expression);
    if (!atom) atoms.set(c.expression, (atom = parseFhirPath(c.expression)));
    const result = evalFhirPathTyped(atom, [value], { ...walk.variables, '%context': value });
    if (result.length !== 1 || result[0]!.value !== true) notSure();
  }
}

/** Medplum's visitProperty for one schema element, failing (not sure) wherever it records an error. */
function visitElement(walk: Walk, element: InternalSchemaElement, propertyValues: (TypedValue | TypedValue[])[]): void {
  for (const value of propertyValues) if (!visitValue(walk, element, value)) return;
}

/** visitElement for one property value; false where Medplum stops visiting (an absent value). */
function visitValue(walk: Walk, element: InternalSchemaElement, value: TypedValue | TypedValue[]): boolean {
  const isArray = Array.isArray(value);
  if (!isArray && value.value === undefined) {
    if (element.min > 0) notSure();
    return false;
  }
  if (isArray && value.length === 0) notSure();
  if (element.isArray !== isArray) notSure();
  const n = isArray ? value.length : 1;
  if (n < element.min || n > element.max) notSure();
  if (element.pattern || element.fixed) {
    const typeAndValue = isArray ? value.map((v) => ({ type: v.type, value: v.value })) : { type: value.type, value: value.value };
    if (element.pattern && !deepIncludes(typeAndValue, element.pattern)) notSure();
    if (element.fixed && !deepEquals(typeAndValue, element.fixed)) notSure();
  }
  const slicing = element.slicing;
  const counts = slicing ? new Map(slicing.slices.map((s) => [s.name, 0])) : undefined;
  for (let i = 0; i < n; i++) {
    const v = isArray ? value[i]! : value;
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
      const c = counts.get(s.name)!;
      if (c < s.min || c > s.max) notSure();
    }
  }
  return true;
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

type Resolved = Map<InternalSchemaElement, TypedValue | TypedValue[] | undefined>;

/** The gap checks (gap-checks.ts) for one JSON key of an object: bindings and reference targets. */
function gapsOk(walk: Walk, schema: InternalTypeSchema, key: string, resolved: Resolved): void {
  const element = elementFor(schema, key);
  if (!element || !gapRelevant(element, walk.terms)) return;
  if (!resolved.has(element)) notSure();
  gapValuesOk(walk, element, resolved.get(element));
}

function gapValuesOk(walk: Walk, element: InternalSchemaElement, found: TypedValue | TypedValue[] | undefined): void {
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
  const resolved: Resolved = new Map();
  const plan = planFor(schema, walk.terms);
  // Indexed loops over the plan's [name, element] pairs: no iterator or destructuring per object.
  const always = plan.always;
  for (let i = 0; i < always.length; i++) visitKey(walk, obj, always[i]![0], always[i]![1], resolved);
  let choiceSeen: Set<InternalSchemaElement> | undefined;
  for (const key in value) {
    const info = plan.keys.get(key);
    if (info) {
      // The same steps as below, with the key's static facts from the plan.
      const visit = info.visit;
      for (let i = 0; i < visit.length; i++) {
        const element = visit[i]![1];
        if (!resolved.has(element)) visitKey(walk, obj, visit[i]![0], element, resolved, element === info.choice ? info : undefined);
      }
      const choice = info.choice;
      if (choice) {
        if (choiceSeen?.has(choice) || resolved.get(choice) === undefined) notSure();
        (choiceSeen ??= new Set()).add(choice);
      }
      if (info.gap) {
        if (!resolved.has(info.gap)) notSure();
        gapValuesOk(walk, info.gap, resolved.get(info.gap));
      }
      if (isRoot && walk.profileRoot) profileRootOk(walk, walk.profileRoot, value, key, info, resolved);
      continue;
    }
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
    if (isRoot && walk.profileRoot) profileRootOk(walk, walk.profileRoot, value, key, undefined, resolved);
  }
}

/** Medplum's crawlProperty for one element: visit, then walk into complex values. */
function visitKey(walk: Walk, obj: TypedValue, key: string, element: InternalSchemaElement, resolved: Resolved, via?: KeyInfo): void {
  if (key.includes('.')) {
    const propertyValues = nested(obj, key);
    visitElement(walk, element, propertyValues);
    for (const pv of propertyValues) for (const v of Array.isArray(pv) ? pv : [pv]) if (!isPrimitive(v.type)) walkObject(walk, v, getDataType(v.type), false);
    return;
  }
  // `obj` is typed by the schema `element` comes from (walkObject's caller: getDataType(obj.type)),
  // so this is nested(obj, key)'s one value, without its lookup and arrays.
  const value = obj.value as Record<string, unknown>;
  const direct = via?.code !== undefined ? value[via.key] : undefined;
  const found = direct !== undefined ? typedAs(direct, via!.code!, element) : propertyWithElement(value, element);
  resolved.set(element, found);
  if (!visitValue(walk, element, found ?? UNDEFINED_VALUE) || found === undefined) return;
  if (!Array.isArray(found)) {
    if (!isPrimitive(found.type)) walkObject(walk, found, getDataType(found.type), false);
    return;
  }
  for (const v of found) if (!isPrimitive(v.type)) walkObject(walk, v, getDataType(v.type), false);
}

/**
 * A profile walk's root key: the gap walks type root values with the base elements, so they must
 * resolve to the same values and types as under the profile (then nested walks coincide too);
 * when the profile walk replaces the base walk, the base's root gap checks are done here.
 */
function profileRootOk(walk: Walk, root: NonNullable<Walk['profileRoot']>, value: Record<string, unknown>, key: string, info: KeyInfo | undefined, resolvedByProfile: Resolved): void {
  const { baseElement, profileElement, baseGap } = rootFacts(info, key, root.base, root.schema, walk.terms);
  if (!baseElement) notSure();
  const fromBase = propertyWithElement(value, baseElement);
  const fromProfile = profileElement ? resolvedByProfile.get(profileElement) : undefined;
  if (!sameValues(fromBase, fromProfile)) notSure();
  if (root.baseGaps && baseGap) gapValuesOk(walk, baseGap, fromBase);
}

/** Medplum's ResourceValidator.validate() for `type` (the base type or a profile's type key), plus gap checks. */
function walkResource(resource: Resource, type: string, terms: Terminology, profileOf?: { base: InternalTypeSchema; baseGaps: boolean }): void {
  const root: TypedValue = { type, value: resource };
  const schema = getDataType(type);
  const profileRoot = profileOf ? { base: profileOf.base, baseGaps: profileOf.baseGaps, schema } : undefined;
  // One object shape for every walk, so reading its fields stays monomorphic.
  const walk: Walk = { variables: { '%ucum': UCUM_VALUE, '%resource': toTypedValue(resource), '%rootResource': root }, terms, profileRoot, issues: [] };
  constraintsHold(walk, root, schema);
  walkObject(walk, root, schema, true);
}

/**
 * True when validator.ts's full path would accept `resource` (checkEnvelope and checkBounds have
 * already passed); false means "run the full path", not "invalid".
 */
export function fastAccepts(resource: Resource, terms: Terminology, getProfile: (url: string) => StructureDefinition | undefined): boolean {
  try {
    if (nullOrUnderscore(resource)) return false;
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
