// DESIGN.md: data flows one way, and the model never imports the layers that consume its plans.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

const sources = new URL('../../../src/model/', import.meta.url);
const FORBIDDEN = /from '\.\.\/(engine|server|client|cluster|runtime|cli)\//;

test('the model imports none of engine, server, client, cluster, runtime or cli', () => {
  const files = readdirSync(sources).filter((name) => name.endsWith('.ts'));
  assert.ok(files.length > 0, `no sources found in ${sources.pathname}`);
  for (const name of files) {
    const text = readFileSync(new URL(name, sources), 'utf8');
    assert.doesNotMatch(text, FORBIDDEN, `${name} imports another layer`);
  }
});
