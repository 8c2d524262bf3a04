// Finding the variables a callback captures from its enclosing scope. A gear function built in an
// application travels as source, so such variables would be undefined on the server; we find them
// before sending. Scope rules (hoisting, parameters, catch, class and function-name scopes) come
// from eslint-scope, the analyser ESLint itself runs on acorn-compatible trees, rather than being
// re-implemented here.
import { parse, type Node } from 'acorn';
import { ancestor } from 'acorn-walk';
import { analyze } from 'eslint-scope';
import type * as ESTree from 'estree';

/** Globals the gears runtime defines for every gear function (DESIGN.md "Where code runs"). */
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

/** Throws when the callback at `where` (e.g. "map callback") captures a variable. */
export function assertNoCaptures(source: string, where: string): void {
  const [name, ...more] = findCaptures(source);
  if (name === undefined) return;
  const others = more.length ? ` (and ${more.map((n) => `"${n}"`).join(', ')})` : '';
  throw new ReferenceError(
    `${where} uses "${name}"${others} from its enclosing scope; gear functions travel as source and cannot capture variables — pass the value in the function body, or use a JavaScriptReader/gearsConfigGet`,
  );
}
