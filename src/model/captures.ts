// Finding the variables a callback captures from its enclosing scope. A gear function built in an
// application travels as source, so such variables would be undefined on the server; we find them
// before sending. Scope rules (hoisting, parameters, catch, class and function-name scopes) come
// from eslint-scope, the analyser ESLint itself runs on acorn-compatible trees, rather than being
// re-implemented here.
import { parse, type Node } from 'acorn';
import { ancestor } from 'acorn-walk';
import { analyze } from 'eslint-scope';
import type * as ESTree from 'estree';

/** Globals the gears runtime defines for every gear function (README.md, "Gear functions": the helpers inside a function). */
export const RUNTIME_GLOBALS: readonly string[] = [
  'GB',
  'GearsBuilder',
  'KeysReader',
  'KeysOnlyReader',
  'StreamReader',
  'JavaScriptReader',
  'PythonReader',
  'ShardsIDReader',
  'CommandReader',
  'execute',
  'cmd',
  'atomic',
  'hashtag',
  'hashtag3',
  'log',
  'configGet',
  'gearsConfigGet',
  // esbuild and tsx write `__name(fn, "name")` into function source; the runtime defines it as identity.
  '__name',
];

/** Node's module-scope names, which are not properties of globalThis but exist where functions run. */
const NODE_MODULE_NAMES = ['require', 'module', 'exports', '__filename', '__dirname'];

const ALLOWED = new Set([...RUNTIME_GLOBALS, ...NODE_MODULE_NAMES]);

function isAllowed(name: string): boolean {
  return ALLOWED.has(name) || name in globalThis;
}

// Nodes that give `this` a meaning of their own; an arrow function does not.
const BINDS_THIS = new Set(['FunctionExpression', 'FunctionDeclaration', 'PropertyDefinition', 'StaticBlock']);

/** Whether `ast` uses `this` outside any function of its own: an arrow function's enclosing `this`. */
function usesOuterThis(ast: Node): boolean {
  let found = false;
  ancestor(ast, {
    ThisExpression(_node, _state, ancestors) {
      if (!ancestors.some((node) => BINDS_THIS.has(node.type))) found = true;
    },
  });
  return found;
}

/**
 * Names `source` (one function expression) uses but does not declare, other than JavaScript and
 * Node.js globals and the runtime's globals, in order of first use, without repeats; `this` when
 * an arrow function uses its enclosing `this`.
 */
export function findCaptures(source: string): string[] {
  const ast = parse(`(\n${source}\n)`, { ecmaVersion: 'latest', sourceType: 'script', ranges: true });
  const scopes = analyze(ast as unknown as ESTree.Program, { ecmaVersion: 2022, sourceType: 'script' });
  const names = (scopes.globalScope?.through ?? []).map((reference) => reference.identifier.name);
  const captured = [...new Set(names)].filter((name) => !isAllowed(name));
  return usesOuterThis(ast) ? [...captured, 'this'] : captured;
}

// How compilers write a use of an imported binding: tsc (CommonJS) `runtime_1.execute`, esbuild
// bundles `import_runtime.execute` or, when names clash, a renamed `execute2`.
const MODULE_OBJECT = /^(?:import_[\w$]+|[\w$]+_\d+)$/;
const RENAMED = /^([A-Za-z_$][\w$]*?)\d+$/;
const RUNTIME = new Set(RUNTIME_GLOBALS);

/**
 * The callback's source with imports of the runtime (`import { execute } from 'gearbox/runtime'`)
 * written as the runtime's globals, whatever tsc, tsx or esbuild made of them. Only names the runtime
 * defines are rewritten, and only where they are free in the callback, so nothing of the callback's
 * own is touched; what is left over is a real capture.
 */
export function normalizeRuntimeImports(source: string): string {
  const wrapped = `(\n${source}\n)`;
  const ast = parse(wrapped, { ecmaVersion: 'latest', sourceType: 'script', ranges: true });
  const scopes = analyze(ast as unknown as ESTree.Program, { ecmaVersion: 2022, sourceType: 'script' });
  const free = new Set((scopes.globalScope?.through ?? []).map((reference) => reference.identifier));
  const edits: { start: number; end: number; text: string }[] = [];
  ancestor(ast, {
    MemberExpression(node: any) {
      const { object, property, computed } = node;
      if (computed || object.type !== 'Identifier' || property.type !== 'Identifier') return;
      if (!MODULE_OBJECT.test(object.name) || !RUNTIME.has(property.name)) return;
      if ([...free].some((id) => (id as unknown as Node).start === object.start)) {
        edits.push({ start: node.start, end: node.end, text: property.name });
      }
    },
  });
  for (const id of free) {
    const match = RENAMED.exec(id.name);
    if (match && RUNTIME.has(match[1]!) && !isAllowed(id.name)) {
      const { start, end } = id as unknown as Node;
      edits.push({ start, end, text: match[1]! });
    }
  }
  if (edits.length === 0) return source;
  let out = wrapped;
  for (const edit of edits.sort((a, b) => b.start - a.start))
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  return out.slice(2, -2);
}

const escaped = (name: string) => name.replace(/\$/g, '\\$');

/** Whether `name` is called in `source` (a helper function rather than a value). */
function isCalled(source: string, name: string): boolean {
  return new RegExp(`(?<![\\w$.])${escaped(name)}\\s*\\(`).test(source);
}

const RUNTIME_NAMES = RUNTIME_GLOBALS.filter((n) => n !== '__name');

/** The runtime names `source` reads through `name` (`rt.execute`), as from a namespace import. */
function runtimeMembers(source: string, name: string): string[] {
  const use = new RegExp(`(?<![\\w$.])${escaped(name)}\\s*\\.\\s*([\\w$]+)`, 'g');
  return [...new Set([...source.matchAll(use)].map((m) => m[1]!))].filter((m) => RUNTIME.has(m));
}

/** The runtime name `name` may be an alias of (`rtExecute` -> execute), judged by its ending. */
function aliasOf(name: string): string | undefined {
  const lower = name.toLowerCase();
  return RUNTIME_NAMES.find((n) => n !== name && lower.endsWith(n.toLowerCase()));
}

/**
 * An import of the runtime under another name (`import { execute as rtExecute }`) or as a namespace
 * (`import * as rt`) survives in an ES module as that name alone, which the callback's source cannot
 * tell from a variable of the application: the advice names it and what to import instead.
 */
function importAdvice(source: string, name: string): string | undefined {
  const members = runtimeMembers(source, name);
  if (members.length) {
    return `if "${name}" is gearbox/runtime imported as a namespace, import the names the callback uses instead (import { ${members.join(', ')} } from 'gearbox/runtime') and write ${members[0]}(...) for ${name}.${members[0]}(...)`;
  }
  const original = aliasOf(name);
  if (original && isCalled(source, name)) {
    return `if ${name} is gearbox/runtime's ${original} imported under another name, import it under its own name (import { ${original} } from 'gearbox/runtime') and call ${original}(...)`;
  }
  return undefined;
}

/**
 * Throws when the callback at `where` (e.g. "map callback") captures a variable. The message
 * names the variable and shows, with the user's own names, what works instead: withParams for
 * values, defining a helper inside the callback or require() for functions, the runtime's own names
 * for what looks like the runtime imported under another.
 */
export function assertNoCaptures(source: string, where: string): void {
  const captured = findCaptures(source);
  if (captured.length === 0) return;
  const names = captured.map((n) => `"${n}"`).join(', ');
  const helpers = captured.filter((n) => n !== 'this' && isCalled(source, n));
  const values = captured.filter((n) => n !== 'this' && !helpers.includes(n));
  const advice = captured.flatMap((n) => importAdvice(source, n) ?? []);
  if (values.length) {
    const list = values.join(', ');
    advice.push(
      `pass ${values.length > 1 ? 'them' : 'it'} as a parameter that travels as JSON: withParams((${list}) => <your flow>.run())(${list})`,
    );
  }
  for (const helper of helpers) {
    advice.push(
      `define ${helper}() inside the callback, or put it in a module and require() it there (send the package as a requirement)`,
    );
  }
  if (captured.includes('this')) advice.push('use a regular function or the record instead of `this`');
  throw new ReferenceError(
    `${where} uses ${names} from its enclosing scope; gear functions travel as source, so callbacks cannot capture variables: ${advice.join('; ')}`,
  );
}
