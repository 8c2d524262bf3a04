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

/** Runs a compiled source with the given globals, and a require() resolving from the server's working directory. */
export async function evaluateSource(source: string, globals: Record<string, unknown>): Promise<void> {
  const names = Object.keys(globals);
  const compiled = compileSource(source, names);
  const require = createRequire(`${process.cwd()}/`);
  await compiled(...names.map((n) => globals[n]), require);
}
