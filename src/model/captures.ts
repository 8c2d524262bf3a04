// Finding the variables a callback captures from its enclosing scope. A gear function built in an
// application travels as source, so such variables would be undefined on the server; we find them
// before sending. Scope rules (hoisting, parameters, catch, class and function-name scopes) come
// from eslint-scope, the analyser ESLint itself runs on acorn-compatible trees, rather than being
// re-implemented here.
import { parse } from 'acorn';
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

/**
 * Names `source` (one function expression) uses but does not declare, other than JavaScript and
 * Node.js globals and the runtime's globals. In order of first use, without repeats.
 */
export function findCaptures(source: string): string[] {
  const ast = parse(`(\n${source}\n)`, {
    ecmaVersion: 'latest',
    sourceType: 'script',
    ranges: true,
  }) as unknown as ESTree.Program;
  const scopes = analyze(ast, { ecmaVersion: 2022, sourceType: 'script' });
  const global = scopes.globalScope;
  if (!global) return [];
  const names = global.through.map((reference) => reference.identifier.name);
  return [...new Set(names)].filter((name) => !isAllowed(name));
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
