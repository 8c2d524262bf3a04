import { createRequire } from 'node:module';

const AsyncFunction = async function () {}.constructor as new (
  ...args: string[]
) => (...values: unknown[]) => Promise<unknown>;

/**
 * Compiles a gear function source as the body of an async function whose parameters are the
 * runtime globals: top-level declarations become the source's module scope, visible to its
 * callbacks, and top-level await works. Compiling does not run anything, so a syntax error is
 * found before any effect.
 */
export function compileSource(
  source: string,
  globalNames: readonly string[],
): (...values: unknown[]) => Promise<unknown> {
  try {
    return new AsyncFunction(...globalNames, 'require', source);
  } catch (err) {
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    throw new SyntaxError(`the gear function source does not parse: ${message}`, { cause: err });
  }
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

/** Runs a compiled source with the given globals and require(). */
export async function evaluateSource(
  source: string,
  globals: Record<string, unknown>,
  require: NodeJS.Require,
): Promise<void> {
  const names = Object.keys(globals);
  const compiled = compileSource(source, names);
  await compiled(...names.map((n) => globals[n]), require);
}
