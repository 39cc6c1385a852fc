/**
 * Precompiles a mapping once per process: the record schema and every JSONata expression, so
 * the per-record cost is evaluation only (jsonata parses an expression in ~0.1 ms; 10k rows
 * would otherwise spend a second just parsing).
 */
import jsonata from 'jsonata';
import { compileFast } from './fast-jsonata.js';
import type { z } from 'zod';
import { buildRecordSchema } from './input-schema.js';
import type { CompiledConceptMap, FieldSpec, MappingSpec, ReferenceSpec, ResourceSpec } from './spec.js';

/** A compiled expression: the fast synchronous path when it covers the expression, else jsonata. */
export interface Evaluator {
  evaluate(input: unknown, bindings?: Record<string, unknown>): unknown;
  /** True when the fast path runs it (for tests and the benchmark). */
  readonly fast: boolean;
}

/** One output resource with its expressions compiled. */
export interface CompiledResource {
  readonly spec: ResourceSpec;
  readonly key: Evaluator;
  readonly template: Evaluator;
  readonly when?: Evaluator;
}

/** A mapping ready to run. */
export interface CompiledMapping {
  readonly spec: MappingSpec;
  readonly schema: z.ZodType<Record<string, unknown>>;
  /** Fields translated through a concept map, with their table. */
  readonly coded: readonly { field: FieldSpec; map: CompiledConceptMap }[];
  readonly checks: readonly { assert: Evaluator; field: string; message: string }[];
  readonly references: readonly { name: string; spec: ReferenceSpec }[];
  readonly resources: readonly CompiledResource[];
  /** undefined when labels are constant (`part2: true|false`). */
  readonly part2When?: Evaluator;
  /** The resource types written, for scope checks. */
  readonly resourceTypes: readonly string[];
}

function compile(expression: string, where: string): Evaluator {
  let parsed: jsonata.Expression;
  try {
    parsed = jsonata(expression);
  } catch (err) {
    const e = err as { message?: string; position?: number };
    throw new Error(`${where}: JSONata does not parse (${e.message ?? 'error'} at ${e.position ?? '?'})`);
  }
  // Opt-out for comparing both paths (tests, bench): MAPPING_JSONATA=reference.
  const fast = globalThis.process?.env?.MAPPING_JSONATA === 'reference' ? undefined : compileFast(parsed);
  return fast ? { evaluate: fast, fast: true } : { evaluate: (input, bindings) => parsed.evaluate(input, bindings), fast: false };
}

/**
 * Compiles one mapping. Throws a plain Error naming the mapping and the expression when a
 * template or a concept-map name is wrong: a bad mapping is a build bug, not a request error.
 */
export function compileMapping(spec: MappingSpec, maps: Readonly<Record<string, CompiledConceptMap>>): CompiledMapping {
  const where = `mapping ${spec.id}`;
  const coded = spec.input
    .filter((f) => f.conceptMap !== undefined)
    .map((field) => {
      const map = maps[field.conceptMap!];
      if (!map) throw new Error(`${where}: field ${field.name} names unknown concept map ${field.conceptMap}`);
      return { field, map };
    });
  const fieldNames = new Set(spec.input.map((f) => f.name));
  const references = Object.entries(spec.references).map(([name, ref]) => {
    if (!fieldNames.has(ref.field)) throw new Error(`${where}: reference ${name} reads undeclared field ${ref.field}`);
    return { name, spec: ref };
  });
  const names = new Set<string>();
  const resources = spec.resources.map((r) => {
    if (names.has(r.name)) throw new Error(`${where}: two resources are named ${r.name}`);
    names.add(r.name);
    return {
      spec: r,
      key: compile(r.key.value, `${where} resource ${r.name} key`),
      template: compile(r.template, `${where} resource ${r.name} template`),
      ...(r.when ? { when: compile(r.when, `${where} resource ${r.name} when`) } : {}),
    };
  });
  const part2 = spec.labels.part2;
  return {
    spec,
    schema: buildRecordSchema(spec.input, maps),
    coded,
    checks: spec.checks.map((c, i) => {
      if (!fieldNames.has(c.field)) throw new Error(`${where}: check ${i} names undeclared field ${c.field}`);
      return { assert: compile(c.assert, `${where} checks[${i}]`), field: c.field, message: c.message };
    }),
    references,
    resources,
    ...(typeof part2 === 'object' ? { part2When: compile(part2.when, `${where} labels.part2.when`) } : {}),
    resourceTypes: [...new Set(spec.resources.map((r) => r.type))],
  };
}
