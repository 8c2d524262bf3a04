import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertNoCaptures, findCaptures, normalizeRuntimeImports, RUNTIME_GLOBALS } from './captures.js';

describe('findCaptures', () => {
  test('parameters and locals are not captures; outer names are', () => {
    assert.deepEqual(findCaptures('(r) => r.value > limit'), ['limit']);
    assert.deepEqual(findCaptures('(r) => { const limit = 3; return r > limit; }'), []);
  });

  test('property names and object keys are not references', () => {
    assert.deepEqual(findCaptures('(r) => ({ key: r.key, [r.type]: r.value.nested })'), []);
    assert.deepEqual(findCaptures('(r) => ({ other })'), ['other']);
  });

  test('JavaScript and Node.js globals are allowed', () => {
    assert.deepEqual(
      findCaptures(
        '(r) => { console.log(JSON.stringify(r), Math.max(1), process.pid, Buffer.from("x"), setTimeout, fetch, require, undefined, NaN, globalThis); }',
      ),
      [],
    );
  });

  test('runtime globals are allowed, including __name', () => {
    for (const name of RUNTIME_GLOBALS) assert.deepEqual(findCaptures(`() => ${name}`), [], name);
    assert.deepEqual(findCaptures('async (r) => { await execute("SET", r.key, "1"); await cmd.get(hashtag()); }'), []);
    assert.deepEqual(findCaptures('(x) => __name((y) => y, "inner")(x)'), []);
  });

  test('scoping: hoisting, function names, catch, classes, destructuring, shadowing', () => {
    const source = `function self(n) {
      var later;
      try { later = helper(n); } catch (error) { return error; }
      function helper(m) { return m ? self(m - 1) : inner; }
      class Local { static make({ a, b: [c] = [] }, ...rest) { return [a, c, rest, Local]; } }
      for (const item of [1]) { later += item; }
      label: for (;;) { break label; }
      return Local.make({ a: 1 }) && outer && later;
    }`;
    assert.deepEqual(findCaptures(source), ['inner', 'outer']);
  });

  test("an arrow function's `this` is its enclosing scope's; a function's own `this` is not a capture", () => {
    assert.deepEqual(findCaptures('(r) => this.prefix + r'), ['this']);
    assert.deepEqual(findCaptures('(r) => [1].map(() => this.x)'), ['this']);
    assert.deepEqual(findCaptures('function (r) { return this ? r : [1].map(() => this) }'), []);
    assert.deepEqual(
      findCaptures('(r) => { class A { x = this; m() { return this; } static { this.y = 1; } } return A; }'),
      [],
    );
  });

  test('each captured name once, in order of first use', () => {
    assert.deepEqual(findCaptures('(r) => b + a + b'), ['b', 'a']);
  });
});

describe('assertNoCaptures', () => {
  test('names the callback and the first captured variable, and any others', () => {
    assert.throws(
      () => assertNoCaptures('(r) => a + b', 'groupby reducer'),
      /^ReferenceError: groupby reducer uses "a", "b" from its enclosing scope.*withParams\(\(a, b\) => <your flow>\.run\(\)\)\(a, b\)/,
    );
    assert.doesNotThrow(() => assertNoCaptures('(r) => r', 'map callback'));
  });

  test('a helper function gets advice that works: define it inside, or require() it', () => {
    assert.throws(
      () => assertNoCaptures('(r) => normalize(r.value)', 'map callback'),
      /uses "normalize" .*define normalize\(\) inside the callback, or put it in a module and require\(\) it/,
    );
  });
});

describe('normalizeRuntimeImports', () => {
  test('runtime imports as tsc, esbuild and tsx write them become the runtime globals', () => {
    assert.equal(
      normalizeRuntimeImports('async (r) => (0, runtime_1.execute)("GET", r.key)'),
      'async (r) => (0, execute)("GET", r.key)',
    );
    assert.equal(normalizeRuntimeImports('(r) => import_runtime.log(r)'), '(r) => log(r)');
    assert.equal(
      normalizeRuntimeImports('(r) => import_gearbox.hashtag() + execute2("GET", r)'),
      '(r) => hashtag() + execute("GET", r)',
    );
    assert.deepEqual(findCaptures(normalizeRuntimeImports('async (r) => { await (0, gearbox_1.cmd).get(r); }')), []);
  });

  test("leaves the callback's own bindings and other objects alone", () => {
    const own = '(runtime_1) => runtime_1.execute';
    assert.equal(normalizeRuntimeImports(own), own);
    assert.deepEqual(findCaptures(normalizeRuntimeImports('(r) => logger_1.info(r)')), ['logger_1']);
    assert.deepEqual(findCaptures(normalizeRuntimeImports('(r) => store.execute(r)')), ['store']);
  });
});
