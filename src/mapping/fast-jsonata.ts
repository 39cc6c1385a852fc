/**
 * A synchronous evaluator for the subset of JSONata the mapping templates use, compiled once from
 * jsonata's own AST. jsonata 2.x evaluates every node through promises (~3 µs a node), so a
 * 200-node template costs ~1 ms a record; the compiled closures run the same template in a few
 * µs. Anything outside the subset (filters, grouping, sorting, regex, lambdas, unknown
 * functions…) makes compileFast() return undefined and the caller keeps using jsonata itself.
 * INVARIANT: for supported expressions the result equals jsonata's; the golden tests run every
 * mapping through this path and compare with output produced by jsonata.
 */
import type jsonata from 'jsonata';

type Env = { readonly input: unknown; readonly vars: Map<string, unknown>; readonly parent?: Env };
type Fn = (ctx: unknown, env: Env) => unknown;
type Node = jsonata.ExprNode & Record<string, unknown>;

/** Thrown while compiling when a node is outside the supported subset. */
class Unsupported extends Error {}

const SEQ = Symbol('sequence');
type Seq = unknown[] & { [SEQ]?: true };

const seq = (items: unknown[]): unknown => {
  // A path result: nothing → undefined, one → that value, more → a sequence (array).
  if (items.length === 0) return undefined;
  if (items.length === 1) return items[0];
  const out = items as Seq;
  out[SEQ] = true;
  return out;
};

function truthy(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (Array.isArray(v)) return v.some(truthy);
  if (typeof v === 'string') return v.length > 0;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return v === true;
}

function lookupVar(env: Env, name: string): unknown {
  for (let e: Env | undefined = env; e; e = e.parent) if (e.vars.has(name)) return e.vars.get(name);
  return undefined;
}

const toStr = (v: unknown): string => (v === undefined ? '' : typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v));

const FUNCTIONS: Record<string, (...a: unknown[]) => unknown> = {
  exists: (v) => v !== undefined,
  not: (v) => (v === undefined ? undefined : !truthy(v)),
  lookup: (o, k) => (o && typeof o === 'object' && typeof k === 'string' && Object.hasOwn(o, k) ? (o as Record<string, unknown>)[k] : undefined),
  string: (v) => (v === undefined ? undefined : toStr(v)),
  substring: (s, start, len) => (typeof s !== 'string' ? undefined : len === undefined ? s.slice(Number(start)) : s.substr(Number(start), Number(len))),
  split: (s, sep) => (typeof s !== 'string' || typeof sep !== 'string' ? undefined : s.split(sep)),
};

const ALLOWED_KEYS = new Set(['type', 'value', 'position', 'name', 'steps', 'expressions', 'lhs', 'rhs', 'arguments', 'procedure', 'then', 'else', 'condition']);

function compileNode(node: Node): Fn {
  for (const key of Object.keys(node)) if (!ALLOWED_KEYS.has(key)) throw new Unsupported(key);
  switch (node.type as string) {
    case 'string':
    case 'number':
    case 'value': {
      const v = node.value as unknown;
      return () => v;
    }
    case 'name': {
      const name = String(node.value);
      return (ctx) => step(ctx, (item) => (item && typeof item === 'object' && !Array.isArray(item) ? (item as Record<string, unknown>)[name] : undefined));
    }
    case 'variable': {
      const name = String(node.value);
      return name === '' ? (ctx) => ctx : (_ctx, env) => lookupVar(env, name);
    }
    case 'path':
      return compilePath(node.steps as Node[]);
    case 'block': {
      const parts = (node.expressions as Node[]).map(compileNode);
      return (ctx, env) => {
        const inner: Env = { input: env.input, vars: new Map(), parent: env };
        let last: unknown;
        for (const p of parts) last = p(ctx, inner);
        return last;
      };
    }
    case 'bind': {
      const name = String((node.lhs as unknown as Node).value);
      const rhs = compileNode(node.rhs as unknown as Node);
      return (ctx, env) => {
        const v = rhs(ctx, env);
        env.vars.set(name, v);
        return v;
      };
    }
    case 'condition': {
      const c = compileNode(node.condition as Node);
      const t = compileNode(node.then as Node);
      const e = node.else ? compileNode(node.else as Node) : () => undefined;
      return (ctx, env) => (truthy(c(ctx, env)) ? t(ctx, env) : e(ctx, env));
    }
    case 'function': {
      const proc = node.procedure as unknown as Node;
      const impl = proc.type === 'variable' ? FUNCTIONS[String(proc.value)] : undefined;
      if (!impl) throw new Unsupported(`function ${String(proc.value)}`);
      const args = (node.arguments as Node[]).map(compileNode);
      // The templates' calls take one to three arguments: call without building an array.
      const [a, b, c] = args;
      if (args.length === 1) return (ctx, env) => impl(a!(ctx, env));
      if (args.length === 2) return (ctx, env) => impl(a!(ctx, env), b!(ctx, env));
      if (args.length === 3) return (ctx, env) => impl(a!(ctx, env), b!(ctx, env), c!(ctx, env));
      return (ctx, env) => impl(...args.map((f) => f(ctx, env)));
    }
    case 'unary':
      if (node.value === '[') return compileArray(node.expressions as Node[]);
      if (node.value === '{') return compileObject(node.lhs as unknown as [Node, Node][]);
      throw new Unsupported(`unary ${String(node.value)}`);
    case 'binary':
      return compileBinary(String(node.value), compileNode(node.lhs as unknown as Node), compileNode(node.rhs as unknown as Node));
    default:
      throw new Unsupported(String(node.type));
  }
}

/** Applies `fn` to a value, mapping over arrays and flattening, as a JSONata path step does. */
function step(ctx: unknown, fn: (item: unknown) => unknown): unknown {
  if (!Array.isArray(ctx)) return fn(ctx);
  const out: unknown[] = [];
  for (const item of ctx) {
    const v = fn(item);
    if (v === undefined) continue;
    if (Array.isArray(v)) out.push(...v);
    else out.push(v);
  }
  return seq(out);
}

function compilePath(steps: Node[]): Fn {
  const [first, ...rest] = steps.map((s) => ({ node: s, fn: compileNode(s) }));
  return (ctx, env) => {
    let value = first!.fn(ctx, env);
    for (const s of rest) {
      if (value === undefined) return undefined;
      // An object-constructor step is evaluated once per item with that item as `$`.
      value = step(value, (item) => s.fn(item, env));
    }
    return value;
  };
}

function compileArray(expressions: Node[]): Fn {
  const items = expressions.map((e) => ({ nested: e.type === 'unary' && e.value === '[', fn: compileNode(e) }));
  return (ctx, env) => {
    const out: unknown[] = [];
    for (const { nested, fn } of items) {
      const v = fn(ctx, env);
      if (v === undefined) continue;
      // Array constructors flatten sequences and arrays, except a nested array constructor.
      if (Array.isArray(v) && !nested) out.push(...v);
      else out.push(v);
    }
    return out;
  };
}

function compileObject(pairs: [Node, Node][]): Fn {
  const compiled = pairs.map(([k, v]) => {
    if (k.type !== 'string') throw new Unsupported('computed key');
    return { key: String(k.value), fn: compileNode(v) };
  });
  return (ctx, env) => {
    if (Array.isArray(ctx)) throw new Unsupported('grouping');
    const out: Record<string, unknown> = {};
    for (const { key, fn } of compiled) {
      const v = fn(ctx, env);
      if (v !== undefined) out[key] = v;
    }
    return out;
  };
}

function compileBinary(op: string, l: Fn, r: Fn): Fn {
  switch (op) {
    case 'and':
      return (c, e) => truthy(l(c, e)) && truthy(r(c, e));
    case 'or':
      return (c, e) => truthy(l(c, e)) || truthy(r(c, e));
    case '&':
      return (c, e) => toStr(l(c, e)) + toStr(r(c, e));
    case 'in':
      return (c, e) => {
        const a = l(c, e);
        const b = r(c, e);
        return a !== undefined && (Array.isArray(b) ? b : [b]).some((x) => x === a);
      };
    case '=':
    case '!=':
    case '<':
    case '<=':
    case '>':
    case '>=':
      return (c, e) => {
        const a = l(c, e);
        const b = r(c, e);
        // JSONata: a comparison with a missing operand is false, whatever the operator.
        if (a === undefined || b === undefined) return false;
        if (op === '=') return a === b;
        if (op === '!=') return a !== b;
        if (typeof a !== typeof b || (typeof a !== 'string' && typeof a !== 'number')) throw new Error(`cannot compare \`${toStr(a)}\` and \`${toStr(b)}\``);
        const x = a as string | number;
        const y = b as string | number;
        return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
      };
    default:
      throw new Unsupported(`operator ${op}`);
  }
}

/** A compiled expression, or undefined when it uses JSONata outside the supported subset. */
export function compileFast(expression: jsonata.Expression): ((input: unknown, bindings?: Record<string, unknown>) => unknown) | undefined {
  let fn: Fn;
  try {
    fn = compileNode(expression.ast() as Node);
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
  return (input, bindings) => {
    const vars = new Map<string, unknown>();
    if (bindings) for (const name of Object.keys(bindings)) vars.set(name, bindings[name]);
    return fn(input, { input, vars });
  };
}
