import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { transformSync } from 'esbuild';
import ts from 'typescript';
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

describe('the runtime imported under another name, as compilers leave it', () => {
  const ALIASED =
    "import { execute as rtExecute } from 'gearbox/runtime';\nexport const cb = async (k: string) => rtExecute('GET', k);\n";
  const NAMESPACE =
    "import * as rt from 'gearbox/runtime';\nexport const cb = async (k: string) => rt.execute('GET', k);\n";
  const compilers: Record<string, (code: string) => string> = {
    'tsc (CommonJS)': (code) =>
      ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } })
        .outputText,
    'tsc (ES module)': (code) =>
      ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 } })
        .outputText,
    'esbuild (CommonJS)': (code) => transformSync(code, { loader: 'ts', format: 'cjs' }).code,
    'esbuild (ES module)': (code) => transformSync(code, { loader: 'ts', format: 'esm' }).code,
  };
  /** The callback's source as Function.prototype.toString gives it from the compiled module. */
  const callback = (compiled: string) => /cb = (async .*?);?$/m.exec(compiled)![1]!;

  for (const [compiler, compile] of Object.entries(compilers)) {
    test(`${compiler}: an aliased import is accepted where it can be seen, otherwise named with advice`, () => {
      const source = normalizeRuntimeImports(callback(compile(ALIASED)));
      if (compiler.includes('CommonJS')) assert.deepEqual(findCaptures(source), [], source);
      else
        assert.throws(
          () => assertNoCaptures(source, 'map callback'),
          /uses "rtExecute" .*if rtExecute is gearbox\/runtime's execute imported under another name, import it under its own name \(import \{ execute \} from 'gearbox\/runtime'\)/,
        );
    });

    test(`${compiler}: a namespace import is named with advice`, () => {
      const source = normalizeRuntimeImports(callback(compile(NAMESPACE)));
      assert.throws(
        () => assertNoCaptures(source, 'map callback'),
        /uses "rt" .*if "rt" is gearbox\/runtime imported as a namespace, import the names the callback uses instead \(import \{ execute \} from 'gearbox\/runtime'\) and write execute\(\.\.\.\) for rt\.execute\(\.\.\.\)/,
      );
    });
  }
});
