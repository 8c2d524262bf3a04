// Script files (`.js`/`.ts`) for RG.JSEXECUTE: bundled with esbuild, so relative imports and
// module-level code travel with the script. Imports of gearbox itself resolve to the runtime's
// globals on the server; npm packages stay require() calls and are sent as requirements.
import { readFileSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { builtinModules, SourceMap, type SourceMapPayload, type SourceMapping } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { build, type Message, type Plugin } from 'esbuild';
import { RUNTIME_GLOBALS } from '../model/index.js';
import { GearsScriptError, type GearsError } from './errors.js';

export interface BundledScript {
  readonly source: string;
  /** npm specs of the packages the script imports (name@range from the nearest package.json). */
  readonly requirements: readonly string[];
  /** `file:line:column` in the script's own files of a line and column (1-based) of `source`, if known. */
  readonly origin: (line: number, column: number) => string | undefined;
  /** Absolute paths of the script's own files bundled into `source` (itself and what it imports, not npm packages). */
  readonly inputs: readonly string[];
}

const SCRIPT = /\.(?:[cm]?[jt]s)$/;

/** A string given to jsexecute names a script file rather than holding source. */
export function looksLikeScriptPath(value: string): boolean {
  return SCRIPT.test(value) && !/[\s()`'"]/.test(value);
}

const BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** `lodash/fp` -> `lodash`, `@scope/pkg/x` -> `@scope/pkg`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** The version range the script's project declares for `name`, if a package.json says. */
function declaredRange(from: string, name: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      return manifest.dependencies?.[name] ?? manifest.devDependencies?.[name];
    } catch {
      // no package.json here: look further up
    }
    if (dirname(dir) === dir) return undefined;
  }
}

const RUNTIME_MODULE = `module.exports = { ${RUNTIME_GLOBALS.filter((n) => n !== '__name').join(', ')} };`;

/** gearbox's own modules -> the runtime globals; npm packages -> external, noted as requirements. */
function gearboxPlugin(dir: string, requirements: Set<string>): Plugin {
  return {
    name: 'gearbox-script',
    setup(b) {
      b.onResolve({ filter: /^gearbox(\/.*)?$/ }, (args) => ({ path: args.path, namespace: 'gearbox-runtime' }));
      b.onLoad({ filter: /.*/, namespace: 'gearbox-runtime' }, () => ({ contents: RUNTIME_MODULE, loader: 'js' }));
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (BUILTINS.has(args.path)) return { path: args.path, external: true };
        const name = packageName(args.path);
        const range = declaredRange(dir, name);
        requirements.add(range && !/^(file|link|workspace):/.test(range) ? `${name}@${range}` : name);
        return { path: args.path, external: true };
      });
    },
  };
}

/** Maps a bundle's line and column back to the file they came from (relative to the working directory if under it). */
function originIn(map: string, bundle: string): BundledScript['origin'] {
  const sourceMap = new SourceMap(JSON.parse(map) as SourceMapPayload);
  return (line, column) => {
    const entry = sourceMap.findEntry(line - 1, column - 1) as Partial<SourceMapping>;
    if (entry.originalSource === undefined || entry.originalLine === undefined) return undefined;
    const file = resolve(dirname(bundle), entry.originalSource);
    const shown = relative(process.cwd(), file);
    return `${shown.startsWith('..') ? file : shown}:${entry.originalLine + 1}:${(entry.originalColumn ?? 0) + 1}`;
  };
}

// the gears server's words for where a source's top-level code threw (src/engine/worker/evaluate.ts)
const POSITION = / \(at line (\d+):(\d+) of the source\)/;
const POSITIONS = new RegExp(POSITION.source, 'g');

/** `message` with the positions the gears server gave in the sent source shown in the script's files. */
export function placeInScript(message: string, origin: BundledScript['origin']): string {
  return message.replace(POSITIONS, (whole, line: string, column: string) => {
    const place = origin(Number(line), Number(column));
    return place === undefined ? whole : ` (at ${place})`;
  });
}

/** A failure of the script sent from `path`: one its top-level code threw names the script and the place. */
export function scriptFailure(err: GearsError, path: string, script: BundledScript): GearsError {
  if (!POSITION.test(err.message)) return err;
  const what = placeInScript(err.message.replace(/^RG\.JSEXECUTE: (ERR )?/, ''), script.origin);
  return new GearsScriptError(`script ${path} threw while loading: ${what}`, { cause: err });
}

function describe(message: Message): string {
  const where = message.location
    ? `${message.location.file}:${message.location.line}:${message.location.column + 1}: `
    : '';
  return `${where}${message.text}`;
}

/** Bundles the script at `path`; a missing file or a compile error is a GearsScriptError saying where. */
export async function bundleScript(path: string): Promise<BundledScript> {
  const file = resolve(path);
  await access(file).catch(() => {
    throw new GearsScriptError(`script ${path} does not exist (looked at ${file}); check the path`);
  });
  const requirements = new Set<string>();
  const bundle = join(dirname(file), 'gearbox-bundle.js');
  try {
    const result = await build({
      entryPoints: [file],
      bundle: true,
      write: false,
      // never written (write: false); names the bundle its source map's paths are relative to
      outfile: bundle,
      sourcemap: 'external',
      sourcesContent: false,
      platform: 'node',
      // the server runs a source as a function body, where `module` and `exports` do not exist: an IIFE
      // needs neither, while 'cjs' assigns module.exports for a script that exports something (a
      // helper a watched folder also loads as a script, say) and 'esm' keeps import/export statements
      format: 'iife',
      target: 'node20',
      logLevel: 'silent',
      metafile: true,
      plugins: [gearboxPlugin(dirname(file), requirements)],
    });
    const output = (suffix: string) => result.outputFiles.find((f) => f.path.endsWith(suffix))!.text;
    // the metafile names inputs relative to the working directory, the runtime's stand-in by its namespace
    const inputs = Object.keys(result.metafile.inputs)
      .filter((input) => !input.startsWith('gearbox-runtime:'))
      .map((input) => resolve(input));
    return {
      source: output('.js'),
      requirements: [...requirements],
      origin: originIn(output('.js.map'), bundle),
      inputs,
    };
  } catch (err) {
    const errors = (err as { errors?: Message[] }).errors;
    if (!errors?.length) throw new GearsScriptError(`script ${path} could not be bundled: ${(err as Error).message}`);
    throw new GearsScriptError(`script ${path} does not compile: ${errors.map(describe).join('; ')}`);
  }
}
