import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createGearsBuilder, GB, GearsBuilder } from './builder.js';
import { ClosedGearFunction, OpenGearFunction } from './gear-function.js';
import type { Plan } from './plan.js';

describe('GB / GearsBuilder', () => {
  test("defaults to KeysReader over '*'", () => {
    assert.deepEqual(GB().plan.reader, { name: 'KeysReader', defaultArg: '*' });
    assert.deepEqual(new GearsBuilder().plan.reader, { name: 'KeysReader', defaultArg: '*' });
  });

  test('takes reader, default argument and description', () => {
    assert.deepEqual(GB('StreamReader', 'events', 'my stream').plan.reader, {
      name: 'StreamReader',
      defaultArg: 'events',
      desc: 'my stream',
    });
  });

  test('is callable with and without new, and both are instances', () => {
    assert.ok(GB() instanceof GearsBuilder);
    assert.ok(new GearsBuilder() instanceof GearsBuilder);
    assert.ok(GearsBuilder('KeysOnlyReader') instanceof GB);
  });

  test("normalises 'PythonReader' to 'JavaScriptReader'", () => {
    assert.equal(GB('PythonReader').plan.reader.name, 'JavaScriptReader');
  });

  test('an unknown reader is an error naming it and the valid ones', () => {
    assert.throws(
      () => GB('RedisReader' as any),
      (error: Error) =>
        error.message.includes('"RedisReader"') &&
        ['KeysReader', 'KeysOnlyReader', 'StreamReader', 'JavaScriptReader', 'ShardsIDReader', 'CommandReader'].every(
          (name) => error.message.includes(name),
        ),
    );
  });

  test('is mutable: operations change the builder and return it', () => {
    // Typed loosely on purpose: RedisGears-style code keeps using the same variable as records change.
    const gb: GearsBuilder<any> = GB();
    const same = gb.map((r) => r.key);
    assert.equal(same, gb);
    gb.filter((k) => k.startsWith('a'));
    gb.count();
    assert.deepEqual(
      gb.plan.steps.map((s) => s.op),
      ['map', 'filter', 'count'],
    );
    const closed = gb.run();
    assert.ok(closed instanceof ClosedGearFunction);
    assert.equal(closed.plan.steps.length, 3);
  });

  test('gearfunction is an immutable snapshot', () => {
    const gb = GB();
    gb.map((r) => r.key);
    const snapshot = gb.gearfunction;
    assert.ok(snapshot instanceof OpenGearFunction);
    gb.count();
    assert.equal(snapshot.plan.steps.length, 1);
    assert.equal(snapshot.count().plan.steps.length, 2);
    assert.equal(gb.plan.steps.length, 2);
  });

  test('the fourth argument holds action defaults and requirements (RedGrease extra arguments)', () => {
    const gb = GB('KeysReader', '*', undefined, { readValue: false, requirements: ['lodash'] });
    assert.deepEqual(gb.plan.requirements, ['lodash']);
    const closed = gb.run({ collect: false });
    assert.deepEqual(closed.action.options, { readValue: false, collect: false });
    assert.deepEqual(closed.requirements, ['lodash']);
  });

  test('options-only run and register', () => {
    assert.deepEqual(GB().run({ convertToStr: false }).action, { kind: 'run', options: { convertToStr: false } });
    assert.deepEqual(GB().register({ mode: 'async_local' }).action, {
      kind: 'register',
      options: { mode: 'async_local' },
    });
    assert.deepEqual(GB().register('person:*', { mode: 'sync' }).action, {
      kind: 'register',
      arg: 'person:*',
      options: { mode: 'sync' },
    });
  });
});

describe('createGearsBuilder(onClose)', () => {
  test('run and register return what onClose returns, given the closed plan', () => {
    const plans: Plan[] = [];
    const { GB: CapturingGB, GearsBuilder: CapturingBuilder } = createGearsBuilder((plan) => {
      plans.push(plan);
      return plans.length;
    });
    const gb = CapturingGB('KeysOnlyReader', 'user:*');
    gb.map((k) => k.toUpperCase());
    assert.equal(gb.run(), 1);
    assert.equal(new CapturingBuilder('StreamReader').register('s', { batch: 2 }), 2);
    assert.deepEqual(plans[0].reader, { name: 'KeysOnlyReader', defaultArg: 'user:*' });
    assert.equal(plans[0].action?.kind, 'run');
    assert.deepEqual(plans[1].action, { kind: 'register', arg: 's', options: { batch: 2 } });
  });

  test('without onClose it behaves like the exported GB', () => {
    const { GB: Plain } = createGearsBuilder();
    assert.ok(Plain().run() instanceof ClosedGearFunction);
  });

  test('builders from different factories are distinct classes of instance checks', () => {
    const { GB: A } = createGearsBuilder(() => 1);
    assert.ok(A() instanceof A);
  });
});
