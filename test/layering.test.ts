// Imports flow one way (docs/architecture.md): a layer may import only the layers listed for it here,
// so a new dependency against the flow fails this test instead of slowly tangling the layers.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

const ALLOWED: Record<string, readonly string[]> = {
  log: [],
  model: ['log'],
  runtime: ['model', 'log'],
  engine: ['runtime', 'model', 'log'],
  cluster: ['engine', 'runtime', 'model', 'log'],
  server: ['cluster', 'engine', 'runtime', 'model', 'log'],
  client: ['pipeline', 'runtime', 'model', 'log'],
  pipeline: ['log'],
  cli: ['client', 'server', 'cluster', 'engine', 'runtime', 'model', 'pipeline', 'log'],
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.includes('.test.') ? [path] : [];
  });
}

/** The top-level folder under src/ that a relative import from `file` lands in, if any. */
function layerOf(file: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const target = relative(SRC, join(file, '..', specifier));
  if (target.startsWith('..')) return null;
  return target.split(sep)[0];
}

test('every layer imports only the layers below it', () => {
  const layers = readdirSync(SRC).filter((name) => statSync(join(SRC, name)).isDirectory());
  assert.ok(layers.includes('model') && layers.includes('engine'), `no layers found under ${SRC}`);
  const wrong: string[] = [];
  for (const layer of layers) {
    const allowed = ALLOWED[layer];
    assert.ok(allowed, `src/${layer} is a folder the layering rules do not know: add it to test/layering.test.ts`);
    for (const file of sources(join(SRC, layer))) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/(?:from|import\()\s*'([^']+)'/g)) {
        const target = layerOf(file, match[1]);
        if (target && target !== layer && target.indexOf('.') < 0 && !allowed.includes(target)) {
          wrong.push(`${relative(SRC, file)} imports src/${target}`);
        }
      }
    }
  }
  assert.deepEqual(wrong, [], 'imports against the flow');
});
