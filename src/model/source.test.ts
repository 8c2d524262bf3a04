import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createGearsBuilder, GB } from './builder.js';
import { callbackSource } from './callback-source.js';
import type { Plan, RunOptions } from './plan.js';
import { createReaders } from './readers.js';
import { toSource } from './source.js';

const { KeysReader, StreamReader, JavaScriptReader, CommandReader } = createReaders();

/** Evaluates source as the server would: GB in scope, the plan captured when it closes. */
function evaluate(source: string): any {
  const { GB: CapturingGB } = createGearsBuilder((plan) => plan);
  const __name = <F>(fn: F) => fn;
  return new Function('GB', '__name', `return ${source};`)(CapturingGB, __name);
}

/** A plan with callbacks replaced by their source, for deep comparison. */
function comparable(value: unknown): unknown {
  if (typeof value === 'function') return callbackSource(value, 'test');
  if (Array.isArray(value)) return value.map(comparable);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, comparable(v)]));
  }
  return value;
}

function roundTrip(fn: Parameters<typeof toSource>[0]): { source: string; plan: Plan } {
  const source = toSource(fn);
  const result = evaluate(source);
  const plan: Plan = result.action ? result : result.plan;
  assert.deepEqual(comparable(plan), comparable(fn.plan));
  return { source, plan };
}

describe('toSource', () => {
  test('writes GB, the steps and the action', () => {
    const fn = GB('KeysReader', 'k:*')
      .map((r) => r.value)
      .aggregate(
        0,
        (a, r) => a + Number(r),
        (a, r) => a + r,
      )
      .run('k:*', { convertToStr: true });
    assert.equal(
      toSource(fn),
      'GB(\'KeysReader\', "k:*").map((r) => r.value).aggregate(0, (a, r) => a + Number(r), (a, r) => a + r).run("k:*", {"convertToStr":true})',
    );
  });

  test('open functions have no action; options-only and bare actions stay that way', () => {
    assert.equal(toSource(KeysReader().count()), 'GB(\'KeysReader\', "*").count()');
    assert.equal(toSource(KeysReader().run()), 'GB(\'KeysReader\', "*").run()');
    assert.equal(toSource(KeysReader().run({ collect: false })), 'GB(\'KeysReader\', "*").run({"collect":false})');
  });

  test('description, defaults and requirements ride on GB', () => {
    const fn = KeysReader('*', { desc: 'd', readValue: false, requirements: ['lodash@4'] });
    assert.equal(toSource(fn), 'GB(\'KeysReader\', "*", "d", {"readValue":false,"requirements":["lodash@4"]})');
    roundTrip(fn);
    roundTrip(fn.run());
  });

  test('all eighteen operations round-trip', () => {
    const fn = GB()
      .map((r) => r.key)
      .flatmap((k) => k.split(':'))
      .foreach((p) => p.length)
      .filter((p) => p !== '')
      .accumulate((acc: string[] | undefined, p) => [...(acc ?? []), p])
      .flatmap()
      .localgroupby(
        (p) => p[0],
        (_k, acc: number | undefined) => (acc ?? 0) + 1,
      )
      .map((g) => g.key)
      .limit(10, 1)
      .collect()
      .repartition((p) => p)
      .aggregateby(
        (p) => p,
        0,
        (_k, a) => a + 1,
        (_k, a, b) => a + b,
      )
      .groupby(
        (g) => g.key,
        (_k, acc: number | undefined, g) => (acc ?? 0) + g.value,
      )
      .batchgroupby(
        (g) => g.key,
        (_k, records) => records.length,
      )
      .sort(true)
      .distinct()
      .countby((g) => g.key)
      .avg((g) => g.value)
      .aggregate(
        0,
        (a, r) => a + r,
        (a, b) => a + b,
      )
      .count()
      .run('*', { collect: true });
    const { plan } = roundTrip(fn);
    assert.equal(new Set(plan.steps.map((s) => s.op)).size, 18);
  });

  test('optional extractors stay optional', () => {
    assert.equal(toSource(KeysReader().countby().avg()), 'GB(\'KeysReader\', "*").countby().avg()');
  });

  test('round-tripped callbacks behave the same', () => {
    const fn = KeysReader()
      .values({ type: 'string' })
      .map((v) => v.toUpperCase())
      .run();
    const { plan } = roundTrip(fn);
    const [filter, pick, upper] = plan.steps as any[];
    assert.equal(filter.fn({ type: 'string' }), true);
    assert.equal(filter.fn({ type: 'hash' }), false);
    assert.equal(upper.fn(pick.fn({ value: 'abc' })), 'ABC');
  });

  test('register with options holding a callback', () => {
    const fn = StreamReader()
      .values()
      .register('events', {
        batch: 5,
        onRegistered: () => log('ready'),
      });
    const { source } = roundTrip(fn);
    assert.match(source, /\.register\("events", \{"batch":5,"onRegistered":\(\) => log\('ready'\)\}\)$/);
  });

  test('CommandReader sugar travels with the user function inlined', () => {
    const fn = CommandReader()
      .apply((a, b) => `${a}-${b}`)
      .register({ trigger: 'join' });
    const { plan } = roundTrip(fn);
    assert.equal((plan.steps[0] as any).fn(['join', 'x', 'y']), 'x-y');
  });

  test('JavaScriptReader generators travel as source', () => {
    const fn = JavaScriptReader(function* () {
      yield* [1, 2, 3];
    }).run();
    const { plan } = roundTrip(fn);
    assert.deepEqual([...(plan.reader.defaultArg as () => Iterable<number>)()], [1, 2, 3]);
  });

  test('method shorthand, async and generator methods become function expressions', () => {
    const callbacks = {
      plus(x: number) {
        return x + 1;
      },
      async later(x: number) {
        return x;
      },
      *each() {
        yield* [1, 2];
      },
    };
    const fn = JavaScriptReader(callbacks.each).map(callbacks.plus).map(callbacks.later).run();
    const { source, plan } = roundTrip(fn);
    assert.match(source, /GB\('JavaScriptReader', function\* \(\) \{/);
    assert.match(source, /\.map\(function \(x\) \{/);
    assert.match(source, /\.map\(async function \(x\) \{/);
    assert.equal((plan.steps[0] as any).fn(1), 2);
  });

  test('builtins travel as their global name', () => {
    const fn = GB('KeysOnlyReader').map(parseInt).map(String).map(JSON.parse).map(Number).map(Math.abs).run();
    assert.equal(
      toSource(fn),
      'GB(\'KeysOnlyReader\', "*").map(parseInt).map(String).map(JSON.parse).map(Number).map(Math.abs).run()',
    );
    roundTrip(fn);
  });

  test('esbuild/tsx __name helpers are not captures', () => {
    const injected = new Function('return (r) => { const inner = __name((x) => x + 1, "inner"); return inner(r); }')();
    const { plan } = roundTrip(KeysReader().map(injected).run());
    assert.equal((plan.steps[0] as any).fn(1), 2);
  });

  test('a builder serialises as its current function', () => {
    const gb = GB();
    gb.map((r) => r.key);
    assert.equal(toSource(gb), 'GB(\'KeysReader\', "*").map((r) => r.key)');
  });
});

describe('toSource refuses what cannot travel', () => {
  test('a captured variable, naming the step and the variable', () => {
    const threshold = 10;
    assert.throws(
      () => toSource(KeysReader().filter((r) => Number(r.value) > threshold)),
      /^ReferenceError: filter callback uses "threshold" from its enclosing scope; gear functions travel as source, so callbacks cannot capture variables: pass it as a parameter that travels as JSON: withParams\(\(threshold\) => <your flow>\.run\(\)\)\(threshold\)$/,
    );
  });

  test('captures in any callback role', () => {
    const zero = 0;
    const add = (a: number, b: number) => a + b;
    assert.throws(
      () =>
        toSource(
          KeysReader().aggregateby(
            (r) => r.key,
            0,
            (_k, a) => add(a, 1),
            (_k, a, b) => a + b + zero,
          ),
        ),
      /aggregateby seqOp uses "add"/,
    );
    assert.throws(
      () => toSource(KeysReader().register({ onRegistered: () => add(1, 2) })),
      /register options "onRegistered" uses "add"/,
    );
    const items = [1];
    assert.throws(() => toSource(JavaScriptReader(() => items)), /JavaScriptReader default argument uses "items"/);
  });

  test('bound functions and native functions without a global name', () => {
    const counter = {
      n: 1,
      get(this: { n: number }) {
        return this.n;
      },
    };
    assert.throws(() => toSource(KeysReader().map(counter.get.bind(counter))), /map callback is a bound function/);
    assert.throws(
      () => toSource(KeysReader().map(String.prototype.trim as any)),
      /map callback is a native function \(trim\) with no global name/,
    );
  });

  test('values that are not JSON-safe, naming the step', () => {
    assert.throws(
      () =>
        toSource(
          KeysReader().aggregate(
            new Map(),
            (a) => a,
            (a) => a,
          ),
        ),
      /aggregate zero: Map is not JSON-safe/,
    );
    assert.throws(
      () =>
        toSource(
          KeysReader().aggregate(
            NaN,
            (a) => a,
            (a) => a,
          ),
        ),
      /aggregate zero: NaN is not JSON-safe/,
    );
    assert.throws(
      () => toSource(KeysReader().run({ when: new Date() } as RunOptions)),
      /run options "when": Date is not JSON-safe/,
    );
    assert.throws(
      () =>
        toSource(
          KeysReader().aggregate(
            10n,
            (a) => a,
            (a) => a,
          ),
        ),
      /aggregate zero: 10 is not JSON-safe/,
    );
  });

  test('classes are not callbacks', () => {
    class Mapper {}
    assert.throws(() => toSource(KeysReader().map(Mapper as any)), /map callback is a class \(Mapper\)/);
  });
});

declare function log(message: string): void;
