import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ClosedGearFunction, OpenGearFunction } from './gear-function.js';
import type { Plan, RegisterOptions } from './plan.js';
import { GB } from './builder.js';
import { createReaders } from './readers.js';

const { KeysReader, StreamReader, ShardsIDReader, JavaScriptReader, CommandReader } = createReaders();
const double = (r: number) => r * 2;

describe('immutability', () => {
  test('each operation returns a new function and leaves the old one unchanged', () => {
    const sad = KeysReader();
    const a = sad.map((r) => r.key);
    const b = sad.aggregateby(
      (r) => r.type,
      0,
      (_k, acc) => acc + 1,
      (_k, acc, r) => acc + r,
    );
    assert.notEqual(a, sad);
    assert.notEqual(b, sad);
    assert.deepEqual(sad.plan.steps, []);
    assert.deepEqual(
      a.plan.steps.map((s) => s.op),
      ['map'],
    );
    assert.deepEqual(
      b.plan.steps.map((s) => s.op),
      ['aggregateby'],
    );
  });

  test('plans are frozen', () => {
    const fn = KeysReader().map(double as any);
    assert.ok(Object.isFrozen(fn.plan));
    assert.ok(Object.isFrozen(fn.plan.steps));
    assert.ok(Object.isFrozen(fn.plan.steps[0]));
    assert.throws(() => (fn.plan.steps as any[]).push({ op: 'count' }));
  });

  test('closing does not change the open function', () => {
    const open = KeysReader().count();
    const closed = open.run('k:*');
    assert.equal(open.plan.action, undefined);
    assert.ok(closed instanceof ClosedGearFunction);
    assert.equal(closed.plan.action.kind, 'run');
  });
});

describe('run and register', () => {
  test('run(arg, options) keeps the argument and the options', () => {
    const closed = KeysReader().run('k:*', { convertToStr: false, collect: true });
    assert.deepEqual(closed.action, { kind: 'run', arg: 'k:*', options: { convertToStr: false, collect: true } });
  });

  test('run() and register() without arguments', () => {
    assert.deepEqual(KeysReader().run().action, { kind: 'run', options: {} });
    assert.deepEqual(KeysReader().register().action, { kind: 'register', options: {} });
  });

  test('options-only calls take the object as options', () => {
    assert.deepEqual(KeysReader().run({ noScan: true }).action, { kind: 'run', options: { noScan: true } });
    assert.deepEqual(KeysReader().register({ mode: 'sync', eventTypes: ['set'] }).action, {
      kind: 'register',
      options: { mode: 'sync', eventTypes: ['set'] },
    });
  });

  test('a generator object or function is an argument, not options', () => {
    const gen = function* () {
      yield 1;
    };
    assert.equal(JavaScriptReader(gen).run(gen).action.arg, gen);
    const iterator = gen();
    assert.equal(JavaScriptReader(gen).run(iterator).action.arg, iterator);
  });

  test('undefined options are dropped so equal calls build equal plans', () => {
    assert.deepEqual(KeysReader().run('x', { collect: undefined }).action, { kind: 'run', arg: 'x', options: {} });
  });

  test('options that are not an object are refused', () => {
    assert.throws(() => KeysReader().run('x', 'y' as any), /run\(arg, options\): options must be a plain object/);
  });

  test('requirements in the options go to the plan, not the action', () => {
    const closed = KeysReader()
      .map(double as any, { requirements: ['a'] })
      .run({ requirements: ['b'], collect: false });
    assert.deepEqual(closed.requirements, ['a', 'b']);
    assert.deepEqual(closed.action.options, { collect: false });
  });

  test('reader options become action defaults, and the call overrides them', () => {
    const fn = KeysReader('k:*', { readValue: false, desc: 'keys', noScan: true });
    assert.deepEqual(fn.plan.reader, { name: 'KeysReader', defaultArg: 'k:*', desc: 'keys' });
    assert.deepEqual(fn.run({ noScan: false }).action.options, { readValue: false, noScan: false });
    assert.deepEqual(fn.register('k:*').action.options, { readValue: false, noScan: true });
  });

  test('batch-only readers cannot be registered', () => {
    assert.throws(() => ShardsIDReader().register(), /ShardsIDReader reads only in batch mode.*use run\(\)/);
    assert.throws(() => JavaScriptReader(function* () {}).register(), /JavaScriptReader reads only in batch mode/);
  });

  test("register options are checked against the reader: another reader's option, a non-boolean flag, a non-string pattern", () => {
    const any = (options: object) => options as RegisterOptions;
    const cases: Array<[() => unknown, RegExp]> = [
      [
        () => StreamReader().register('s', any({ eventTypes: ['set'] })),
        /eventTypes is an option of KeysReader registrations/,
      ],
      [() => StreamReader().register('s', any({ keyTypes: ['hash'] })), /keyTypes is an option of KeysReader/],
      [() => KeysReader().register('k:*', any({ batch: 10 })), /batch is an option of StreamReader registrations/],
      [() => KeysReader().register('k:*', any({ trimStream: false })), /trimStream is an option of StreamReader/],
      [() => CommandReader().register(any({ trigger: 't', eventTypes: ['set'] })), /eventTypes .* CommandReader one/],
      [() => KeysReader().register('k:*', any({ trigger: 't' })), /trigger is an option of CommandReader/],
      [() => KeysReader().register('k:*', any({ readValue: 'no' })), /readValue must be true or false, got "no"/],
      [() => StreamReader().register('s', any({ trimStream: 0 })), /trimStream must be true or false, got 0/],
      [
        () => KeysReader().register(42 as unknown as string),
        /key pattern must be a string such as 'person:\*', got 42/,
      ],
      [() => StreamReader().register(['s'] as unknown as string), /stream pattern must be a string/],
    ];
    for (const [register, message] of cases) assert.throws(register, message);
    assert.doesNotThrow(() => StreamReader().register('s', { batch: 2, trimStream: false }));
    assert.doesNotThrow(() => KeysReader().register('k:*', { eventTypes: ['set'], readValue: false }));
  });

  test('CommandReader registration needs a trigger or a hook', () => {
    assert.throws(() => CommandReader().register(), /needs a trigger name/);
    const options = (fn: ClosedGearFunction) => fn.action.options as RegisterOptions;
    assert.equal(options(CommandReader().register({ trigger: 'hello' })).trigger, 'hello');
    assert.equal(options(CommandReader().register({ hook: 'SET' })).hook, 'SET');
  });

  test('CommandReader cannot run: it can only be registered', () => {
    assert.throws(() => CommandReader().run(), /CommandReader can only be registered: register\(\{ trigger/);
  });

  test('a JavaScriptReader run needs a generator (or an iterable)', () => {
    assert.throws(() => GB('JavaScriptReader').run('*'), /needs a generator function .* got "\*"/);
    assert.equal(GB('JavaScriptReader').run([1, 2]).action.arg instanceof Array, true);
  });

  test('steps refuse what is not a callback, naming the step and what they got', () => {
    assert.throws(
      () => KeysReader().map(1 as never),
      /^TypeError: map\(callback\): callback must be a function, got 1 \(number\)$/,
    );
    assert.throws(() => GB().filter('x' as never), /filter\(callback\): callback must be a function, got "x"/);
    assert.throws(() => GB().aggregate(0, 1 as never, 2 as never), /aggregate\(zero, seqOp, combOp\): seqOp/);
    assert.throws(() => GB().countby(0 as never), /countby\(extractor\?\): extractor must be a function, got 0/);
    assert.throws(() => GB().limit(1.5), /limit\(length, start\): length must be a non-negative integer/);
    // the builder is left as it was
    const gb = GB().map((r) => r);
    assert.throws(() => gb.map(null as never));
    assert.equal(gb.plan.steps.length, 1);
  });

  test('StreamReader registers on a stream pattern', () => {
    const closed = StreamReader().register('events', { batch: 10, onFailedPolicy: 'retry', trimStream: false });
    assert.deepEqual(closed.action, {
      kind: 'register',
      arg: 'events',
      options: { batch: 10, onFailedPolicy: 'retry', trimStream: false },
    });
  });
});

describe('closing hooks', () => {
  test('createReaders(onClose) hands the plan to the hook and returns its result', () => {
    const seen: Plan[] = [];
    const readers = createReaders((plan) => {
      seen.push(plan);
      return 'captured' as const;
    });
    const result: 'captured' = readers.KeysReader().values().count().run();
    assert.equal(result, 'captured');
    assert.equal(seen.length, 1);
    assert.deepEqual(
      seen[0].steps.map((s) => s.op),
      ['map', 'count'],
    );
    assert.equal(seen[0].action?.kind, 'run');
  });

  test('without a hook, run returns a ClosedGearFunction', () => {
    assert.ok(KeysReader().run() instanceof ClosedGearFunction);
    assert.ok(KeysReader() instanceof OpenGearFunction);
  });
});
