/**
 * The mapping file format (mappings/<id>.yaml), as a zod schema. scripts/build-mappings.ts parses
 * every YAML file through it and fails the build on the first bad file; the runtime trusts the
 * compiled src/generated/mappings.json because only that script writes it.
 */
import { z } from 'zod';

/** Declared source field types; CSV text is coerced to these before validation. */
export const FIELD_TYPES = ['string', 'integer', 'number', 'boolean', 'date', 'datetime', 'code'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

const fieldName = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'field names are snake_case');

/** One source field: the engine turns the list into a zod schema (input-schema.ts). */
export const fieldSpec = z.strictObject({
  name: fieldName,
  type: z.enum(FIELD_TYPES),
  required: z.boolean().default(false),
  description: z.string().optional(),
  /** Allowed values for `code` fields that are not translated by a concept map. */
  codes: z.array(z.string().min(1)).min(1).optional(),
  /** Translates the value through mappings/concept-maps/<id>.yaml; an unknown code fails the record. */
  conceptMap: z.string().optional(),
  pattern: z.string().optional(),
  /** A list: a JSON array of strings, or in CSV one cell of `;`-separated values. Items are checked one by one. */
  list: z.boolean().default(false),
  min: z.number().optional(),
  max: z.number().optional(),
});
export type FieldSpec = z.infer<typeof fieldSpec>;

/** A reference the engine resolves by identifier before evaluating templates (`$ref.<name>`). */
export const referenceSpec = z.strictObject({
  type: z.string().regex(/^[A-Z][A-Za-z]+$/),
  /** Identifier system searched: `<type>?identifier=<system>|<record[field]>`. */
  system: z.string().min(1),
  field: fieldName,
});
export type ReferenceSpec = z.infer<typeof referenceSpec>;

/** One output resource. `template` is a JSONata expression evaluated against the record. */
export const resourceSpec = z.strictObject({
  /** Local name, so other templates of the same record can point at it (`$self.<name>`). */
  name: z.string().regex(/^[a-z][A-Za-z0-9]*$/),
  type: z.string().regex(/^[A-Z][A-Za-z]+$/),
  /** Target profile; set in meta.profile only while that profile is loaded (getProfile). */
  profile: z.string().url().optional(),
  /** The conditional-update key: `identifier=<system>|<value of the JSONata expression>`. */
  key: z.strictObject({ system: z.string().min(1), value: z.string().min(1) }),
  /** Optional JSONata predicate over the record: the resource is produced only when it is true. */
  when: z.string().min(1).optional(),
  template: z.string().min(2),
});
export type ResourceSpec = z.infer<typeof resourceSpec>;

/** Part 2 labelling (P2-18): always, never, or when a JSONata predicate over the record holds. */
export const labelSpec = z.strictObject({
  part2: z.union([z.boolean(), z.strictObject({ when: z.string().min(1) })]),
  reason: z.string().optional(),
});

/** A cross-field rule the field list cannot express; failing it refuses the record naming `field`. */
export const checkSpec = z.strictObject({
  /** JSONata predicate over the record; the record is refused when it is not true. */
  assert: z.string().min(1),
  field: fieldName,
  message: z.string().min(1),
});

/** A mapping file after YAML parsing. */
export const mappingSpec = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]{1,62}$/),
  title: z.string().min(1),
  description: z.string().min(1),
  source: z.strictObject({
    kind: z.enum(['corrections', 'jail', 'court', 'treatment-program', 'case-management', 'peer-support', 'assessment']),
    /** True when the source is a 42 CFR Part 2 program: everything it sends is Part 2. */
    part2Program: z.boolean().default(false),
  }),
  input: z.array(fieldSpec).min(1),
  checks: z.array(checkSpec).default([]),
  references: z.record(z.string().regex(/^[a-z][A-Za-z0-9]*$/), referenceSpec).default({}),
  labels: labelSpec.default({ part2: false }),
  resources: z.array(resourceSpec).min(1),
});
export type MappingSpec = z.infer<typeof mappingSpec>;

/** mappings/concept-maps/<id>.yaml: a local translation table, source code → target coding. */
export const conceptMapSpec = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]{1,62}$/),
  title: z.string().min(1),
  /** Target code system; an entry may override it. */
  system: z.string().min(1),
  map: z.record(
    z.string().min(1),
    z.strictObject({ code: z.string().min(1), display: z.string().optional(), system: z.string().optional() }),
  ),
});
export type ConceptMapSpec = z.infer<typeof conceptMapSpec>;

/** A concept map as compiled: the table keyed by source code, each target a full Coding. */
export interface CompiledConceptMap {
  readonly id: string;
  readonly title: string;
  readonly map: Readonly<Record<string, { system: string; code: string; display?: string }>>;
}

/** Shape of src/generated/mappings.json. */
export interface CompiledMappings {
  readonly mappings: MappingSpec[];
  readonly conceptMaps: Record<string, CompiledConceptMap>;
}
