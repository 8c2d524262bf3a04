import { createRequire } from 'node:module';
import { types } from 'node:util';
import vm from 'node:vm';

// Each source runs in a V8 context of its own, as RedisGears runs each source in a Python
// sub-interpreter: what one source does to `globalThis` (or to a builtin prototype) is invisible to
// every other source, while the registrations of one source share its globals.
//
// The JavaScript builtins of the context (Object, Array, JSON, Math, ...) are handed to the source
// as parameters of an outer function, because a global lookup in a vm context goes through Node's
// interceptor and measured three times slower in callbacks that call Number() or Math on each
// record; a parameter is an ordinary closure variable. Node's own globals (process, Buffer, timers,
// fetch, ...) are shared with the thread, as RedisGears' sub-interpreters shared the process.
const NOT_PARAMETERS = new Set(['globalThis', 'undefined', 'NaN', 'Infinity', 'eval']);
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const BUILTIN_NAMES: readonly string[] = (
  vm.runInNewContext('Object.getOwnPropertyNames(globalThis)') as string[]
).filter((name) => IDENTIFIER.test(name) && !NOT_PARAMETERS.has(name));
const BUILTINS = new Set(BUILTIN_NAMES);

// import() in a vm context needs USE_MAIN_CONTEXT_DEFAULT_LOADER (or --experimental-vm-modules).
// Node 20 calls it experimental and prints a warning the first time it is used in a thread, which
// would reach the server's stderr and every test's output: the first use happens here, silenced.
function acknowledgeDefaultLoader(): void {
  const emitWarning = process.emitWarning;
  process.emitWarning = () => undefined;
  try {
    new vm.Script('', { importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
  } finally {
    process.emitWarning = emitWarning;
  }
}
acknowledgeDefaultLoader();

// the name a source's frames carry in stack traces
const SOURCE_FILE = 'gear-function.js';
// `at gear-function.js:1:7` or `at f (gear-function.js:3:14)`; not gearbox's own src/model/gear-function.js
const SOURCE_FRAME = new RegExp(`^\\s+at (?:.* \\()?${SOURCE_FILE.replace('.', '\\.')}:(\\d+):(\\d+)\\)?$`, 'm');

/**
 * Where in the source an error its top-level code threw was raised (the innermost frame of the
 * source's own code), as ` (at line L:C of the source)`; '' when the stack does not say. A client that
 * sent a bundled script maps it back to the script's file (src/client/script.ts).
 */
export function sourcePosition(err: unknown): string {
  const stack = (err as { stack?: unknown } | null)?.stack;
  const frame = typeof stack === 'string' ? SOURCE_FRAME.exec(stack) : null;
  return frame ? ` (at line ${frame[1]}:${frame[2]} of the source)` : '';
}

/** The wrapper's first line, so that a source's own line numbers stay right in stack traces. */
function wrap(source: string, globalNames: readonly string[]): string {
  return `(function (${BUILTIN_NAMES.join(', ')}) { return async function (${[...globalNames, 'require'].join(', ')}) {\n${source}\n} })`;
}

/**
 * Compiles a gear function source as the body of an async function whose parameters are the
 * runtime globals: top-level declarations become the source's module scope, visible to its
 * callbacks, and top-level await works. Compiling does not run anything, so a syntax error is
 * found before any effect.
 */
export function compileSource(source: string, globalNames: readonly string[]): vm.Script {
  try {
    return new vm.Script(wrap(source, globalNames), {
      filename: SOURCE_FILE,
      lineOffset: -1,
      // import() inside a source loads as the thread's own import() does (Node built-ins, packages)
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
  } catch (err) {
    const message = types.isNativeError(err) ? `${err.name}: ${err.message}` : String(err);
    throw new SyntaxError(`the gear function source does not parse: ${message}`, { cause: err });
  }
}

/** A fresh context whose global has the thread's Node globals (accessors kept lazy) and `global`. */
function newSourceContext(): vm.Context {
  const sandbox: Record<string, unknown> = {};
  for (const name of Object.getOwnPropertyNames(globalThis)) {
    if (BUILTINS.has(name) || NOT_PARAMETERS.has(name) || name === 'global') continue;
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, name)!;
    Object.defineProperty(sandbox, name, descriptor);
  }
  const context = vm.createContext(sandbox, { name: 'gear function source' });
  vm.runInContext('globalThis.global = globalThis', context);
  return context;
}

/**
 * A require() that looks in the installed requirements first, then next to the server's working
 * directory (where the application's own node_modules are).
 */
export function requireFrom(requirementsDir: string | undefined): NodeJS.Require {
  const local = createRequire(`${process.cwd()}/`);
  if (!requirementsDir) return local;
  const installed = createRequire(`${requirementsDir}/package.json`);
  const require = ((id: string) => {
    try {
      return installed(id);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw err;
      return local(id);
    }
  }) as NodeJS.Require;
  return Object.assign(require, {
    resolve: local.resolve,
    cache: local.cache,
    main: local.main,
    extensions: local.extensions,
  });
}

type Outer = (...builtins: unknown[]) => (...values: unknown[]) => Promise<unknown>;

/** Runs a source in a context of its own with the given globals and require(). */
export async function evaluateSource(
  source: string,
  globals: Record<string, unknown>,
  require: NodeJS.Require,
): Promise<void> {
  const names = Object.keys(globals);
  const context = newSourceContext();
  const outer = compileSource(source, names).runInContext(context) as Outer;
  const builtins = vm.runInContext(`[${BUILTIN_NAMES.join(', ')}]`, context) as unknown[];
  await outer(...builtins)(...names.map((n) => globals[n]), require);
}
