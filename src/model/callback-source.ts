// Turning a callback back into JavaScript source that evaluates to an equivalent function on the
// server: `fn.toString()` for ordinary functions, method shorthand made into function expressions,
// builtins written as their global name. What cannot be written (bound functions, classes, native
// functions without a global name) is refused with a message saying what to do instead.
import { parse, type Node } from 'acorn';

type AnyFunction = (...args: any[]) => unknown;

/** Renders the source of a nested callback (lets sugar write a call around a user function). */
export type SourceOf = (fn: AnyFunction) => string;

const SOURCE = Symbol('gearbox.callbackSource');

interface WithSource {
  [SOURCE]?: (source: SourceOf) => string;
}

/**
 * Gives `fn` the source it travels as. The function itself keeps running in-process (with its real
 * closure); the text must evaluate to the same behaviour without that closure.
 */
export function withSource<F extends AnyFunction>(fn: F, render: (source: SourceOf) => string): F {
  Object.defineProperty(fn, SOURCE, { value: render });
  return fn;
}

// Namespaces whose functions are commonly passed directly (`JSON.parse`, `Math.abs`, `Number.parseFloat`).
const NAMESPACES = [
  'JSON',
  'Math',
  'Object',
  'Array',
  'Number',
  'String',
  'Boolean',
  'Date',
  'Reflect',
  'Promise',
].concat(['Symbol', 'BigInt', 'Buffer', 'Atomics', 'Intl', 'URL']);

let globalNames: Map<unknown, string> | undefined;

/** Builtin function -> the expression naming it on any Node.js global object. */
function globalNameOf(fn: unknown): string | undefined {
  if (!globalNames) {
    const names = new Map<unknown, string>();
    // Only data properties are read: a getter on globalThis may warn or have side effects.
    const dataEntries = (target: object) =>
      Object.entries(Object.getOwnPropertyDescriptors(target)).filter(([, d]) => 'value' in d);
    for (const [name, d] of dataEntries(globalThis)) {
      if (typeof d.value === 'function' && !names.has(d.value)) names.set(d.value, name);
    }
    for (const ns of NAMESPACES) {
      const target = (globalThis as Record<string, unknown>)[ns];
      if ((typeof target !== 'object' && typeof target !== 'function') || target === null) continue;
      for (const [name, d] of dataEntries(target)) {
        if (typeof d.value === 'function' && !names.has(d.value)) names.set(d.value, `${ns}.${name}`);
      }
    }
    globalNames = names;
  }
  return globalNames.get(fn);
}

const NATIVE = /\{\s*\[native code\]\s*\}\s*$/;

function parseExpression(text: string): Node | undefined {
  try {
    const program = parse(`(\n${text}\n)`, { ecmaVersion: 'latest', sourceType: 'script' }) as any;
    return program.body.length === 1 && program.body[0].type === 'ExpressionStatement'
      ? program.body[0].expression
      : undefined;
  } catch {
    return undefined;
  }
}

/** `foo(x) { ... }` (method shorthand) -> `function (x) { ... }`; undefined if `text` is no method. */
function methodToFunction(text: string): string | undefined {
  const wrapped = `({\n${text}\n})`;
  let program: any;
  try {
    program = parse(wrapped, { ecmaVersion: 'latest', sourceType: 'script' });
  } catch {
    return undefined;
  }
  const property = program.body[0]?.expression?.properties?.[0];
  if (!property || !property.method || property.kind !== 'init') return undefined;
  // A method's function node starts at its parameter list, so slicing from there drops the name
  // (which a method never binds inside its body anyway).
  const { async, generator, start, end } = property.value;
  return `${async ? 'async ' : ''}function${generator ? '*' : ''} ${wrapped.slice(start, end)}`;
}

/**
 * The source text of `fn` as a JavaScript expression. `where` names the callback in errors
 * (e.g. "map callback", "aggregateby seqOp").
 */
export function callbackSource(fn: unknown, where: string): string {
  if (typeof fn !== 'function') {
    throw new TypeError(`${where} must be a function, got ${fn === null ? 'null' : typeof fn}`);
  }
  const render = (fn as WithSource)[SOURCE];
  if (render) return render((inner) => callbackSource(inner, where));
  const globalName = globalNameOf(fn);
  if (globalName) return globalName;
  const text = Function.prototype.toString.call(fn);
  if (fn.name.startsWith('bound ')) {
    throw new TypeError(
      `${where} is a bound function (${fn.name}), which cannot travel as source; call it inside an arrow function instead, e.g. (r) => obj.method(r)`,
    );
  }
  if (NATIVE.test(text)) {
    throw new TypeError(
      `${where} is a native function (${fn.name || 'anonymous'}) with no global name, so it cannot travel as source; wrap the call in an arrow function`,
    );
  }
  if (/^class\b/.test(text)) {
    throw new TypeError(`${where} is a class (${fn.name}); pass a function instead`);
  }
  if (parseExpression(text)) return text;
  const converted = methodToFunction(text);
  if (converted) return converted;
  throw new TypeError(`${where}: the function's source does not parse as JavaScript, so it cannot travel: ${text}`);
}
