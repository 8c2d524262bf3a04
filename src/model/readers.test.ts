import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KeysRecord } from './plan.js';
import { createReaders, readerName } from './readers.js';
import { CommandReaderFunction, KeysReaderFunction, selectionFilter, StreamReaderFunction } from './sugar.js';

const readers = createReaders();
const { KeysReader, KeysOnlyReader, StreamReader, JavaScriptReader, PythonReader, ShardsIDReader, CommandReader } =
  readers;

const record = (key: string, type: KeysRecord['type'], event: string | null, value: unknown): KeysRecord => ({
  key,
  type,
  event,
  value,
});
const sample = [
  record('s', 'string', 'set', 'v'),
  record('h', 'hash', 'hset', { f: '1' }),
  record('l', 'list', 'lpush', ['a']),
];

/** Applies a plan's filter/map steps to records, as the engine would (enough to test sugar). */
function apply(steps: readonly any[], records: readonly unknown[]): unknown[] {
  let out = [...records];
  for (const step of steps) {
    if (step.op === 'filter') out = out.filter((r) => step.fn(r));
    else if (step.op === 'map') out = out.map((r) => step.fn(r));
    else throw new Error(`unexpected step ${step.op}`);
  }
  return out;
}

describe('reader constructors', () => {
  test('name, default argument and description', () => {
    assert.deepEqual(KeysReader().plan.reader, { name: 'KeysReader', defaultArg: '*' });
    assert.deepEqual(KeysReader('user:*', { desc: 'users' }).plan.reader, {
      name: 'KeysReader',
      defaultArg: 'user:*',
      desc: 'users',
    });
    assert.deepEqual(KeysOnlyReader('k*').plan.reader, { name: 'KeysOnlyReader', defaultArg: 'k*' });
    assert.deepEqual(StreamReader().plan.reader, { name: 'StreamReader', defaultArg: '*' });
    assert.deepEqual(ShardsIDReader().plan.reader, { name: 'ShardsIDReader', defaultArg: '*' });
    assert.deepEqual(CommandReader().plan.reader, { name: 'CommandReader', defaultArg: '*' });
  });

  test('JavaScriptReader (and PythonReader) take the generator as default argument', () => {
    const gen = function* () {
      yield 1;
    };
    assert.deepEqual(JavaScriptReader(gen).plan.reader, { name: 'JavaScriptReader', defaultArg: gen });
    assert.deepEqual(PythonReader(gen).plan.reader, { name: 'JavaScriptReader', defaultArg: gen });
    assert.throws(() => JavaScriptReader('nope' as any), /pass a generator function/);
  });

  test('reader-specific sugar lives on the reader only', () => {
    assert.ok(KeysReader() instanceof KeysReaderFunction);
    assert.ok(StreamReader() instanceof StreamReaderFunction);
    assert.ok(CommandReader() instanceof CommandReaderFunction);
    assert.equal((KeysReader().map((r) => r) as any).values, undefined);
  });

  test('readerName validates and normalises', () => {
    assert.equal(readerName('PythonReader'), 'JavaScriptReader');
    assert.equal(readerName('StreamReader'), 'StreamReader');
    assert.throws(() => readerName('keysreader'), /Unknown reader "keysreader"/);
  });
});

describe('KeysReader sugar', () => {
  test('values() maps to the value, with no filter', () => {
    const fn = KeysReader().values();
    assert.deepEqual(
      fn.plan.steps.map((s) => s.op),
      ['map'],
    );
    assert.deepEqual(apply(fn.plan.steps, sample), ['v', { f: '1' }, ['a']]);
  });

  test('values({type}) filters by key type, one or several', () => {
    assert.deepEqual(apply(KeysReader().values({ type: 'hash' }).plan.steps, sample), [{ f: '1' }]);
    assert.deepEqual(apply(KeysReader().values({ type: ['string', 'list'] }).plan.steps, sample), ['v', ['a']]);
  });

  test('event filters by the keyspace event (null in batch, so nothing passes then)', () => {
    assert.deepEqual(apply(KeysReader().keys({ type: ['string', 'hash'], event: 'hset' }).plan.steps, sample), ['h']);
    assert.deepEqual(apply(KeysReader().keys({ event: 'set' }).plan.steps, [record('x', 'string', null, 'v')]), []);
  });

  test('keys() maps to the key name', () => {
    assert.deepEqual(apply(KeysReader().keys().plan.steps, sample), ['s', 'h', 'l']);
  });

  test('records() keeps whole records, filtered, without a step when nothing is selected', () => {
    assert.deepEqual(KeysReader().records().plan.steps, []);
    assert.ok(!(KeysReader().records() instanceof KeysReaderFunction));
    assert.deepEqual(apply(KeysReader().records({ type: 'list' }).plan.steps, sample), [sample[2]]);
  });

  test('the filter carries its selection in its own source (it must travel without a closure)', () => {
    const filter = selectionFilter({ type: 'hash', event: ['hset', 'hdel'] })!;
    assert.equal(
      filter.toString(),
      '(record) => ["hash"].includes(record.type) && ["hset","hdel"].includes(record.event)',
    );
    assert.equal(selectionFilter({}), undefined);
  });
});

describe('StreamReader sugar', () => {
  const entry = { key: 'events', id: '1-0', value: { a: '1' } };
  test('values(), keys(), records()', () => {
    assert.deepEqual(apply(StreamReader().values().plan.steps, [entry]), [{ a: '1' }]);
    assert.deepEqual(apply(StreamReader().keys().plan.steps, [entry]), ['events']);
    assert.deepEqual(StreamReader().records().plan.steps, []);
  });
});

describe('CommandReader sugar', () => {
  const trigger = ['greet', 'a', 'b', 'c'];
  test('args() drops the trigger name', () => {
    assert.deepEqual(apply(CommandReader().args().plan.steps, [trigger]), [['a', 'b', 'c']]);
  });

  test('args(maxCount) truncates', () => {
    assert.deepEqual(apply(CommandReader().args(2).plan.steps, [trigger]), [['a', 'b']]);
    assert.deepEqual(apply(CommandReader().args(0).plan.steps, [trigger]), [[]]);
    assert.throws(() => CommandReader().args(-1), /non-negative integer/);
  });

  test('apply(fn) calls fn with the arguments', () => {
    const fn = CommandReader().apply((...args) => args.join('+'));
    assert.deepEqual(apply(fn.plan.steps, [trigger]), ['a+b+c']);
  });
});
