// Compile-time tests: this file fails to build if the types flowing through a chain regress. The
// checks sit in a function that is never called; the one runtime test only makes the file a test.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createGearsBuilder, GB, type GearsBuilder } from './builder.js';
import type { ClosedGearFunction, OpenGearFunction } from './gear-function.js';
import type { GroupRecord, KeysRecord, StreamRecord } from './plan.js';
import { createReaders } from './readers.js';
import { exactly, type Equals } from '../../test/support/types.js';

interface Chain {
  map: (...args: any[]) => unknown;
}
/** The record type at this point of a chain: what a `map` callback receives. */
type RecordsOf<F extends Chain> = Parameters<Parameters<F['map']>[0]>[0];

/** `yields<T>()(chain, true)` compiles only if the chain's records are exactly T. */
const yields =
  <Expected>() =>
  <F extends Chain>(_chain: F, _proof: Equals<RecordsOf<F>, Expected>) =>
    undefined;

const { KeysReader, KeysOnlyReader, StreamReader, JavaScriptReader, ShardsIDReader, CommandReader } = createReaders();

export function typeChecks(): void {
  // Readers yield their record types.
  yields<KeysRecord>()(KeysReader(), true);
  yields<string>()(KeysOnlyReader(), true);
  yields<StreamRecord>()(StreamReader(), true);
  yields<string>()(ShardsIDReader(), true);
  yields<string[]>()(CommandReader(), true);
  yields<number>()(
    JavaScriptReader(function* () {
      yield 1;
    }),
    true,
  );

  // map (sync or async) and the chain.
  exactly<OpenGearFunction<number>>()(KeysReader().values().map(Number), true);
  yields<number>()(
    KeysOnlyReader().map(async (k) => k.length),
    true,
  );

  // flatmap flattens iterables but not strings.
  yields<string>()(KeysOnlyReader().flatmap(), true);
  yields<string>()(
    KeysOnlyReader().flatmap((k) => k.split('')),
    true,
  );
  yields<readonly [string, 1]>()(
    KeysOnlyReader().flatmap(async (k) => [[k, 1] as const]),
    true,
  );

  // Aggregations.
  yields<number>()(KeysOnlyReader().count(), true);
  yields<GroupRecord<KeysRecord['type'], number>>()(
    KeysReader().countby((r) => r.type),
    true,
  );
  yields<GroupRecord<string, number>>()(KeysOnlyReader().countby(), true);
  yields<number>()(
    KeysOnlyReader().avg((k) => k.length),
    true,
  );
  yields<number>()(
    KeysOnlyReader().aggregate(
      0,
      (a, k) => a + k.length,
      (a, b) => a + b,
    ),
    true,
  );
  yields<GroupRecord<string, string[]>>()(
    KeysOnlyReader().groupby(
      (k) => k[0],
      (key, acc: string[] | undefined, k) => [...(acc ?? []), key, k],
    ),
    true,
  );
  yields<GroupRecord<number, string>>()(
    KeysOnlyReader().batchgroupby(
      (k) => k.length,
      async (_len, keys) => keys.join(),
    ),
    true,
  );
  yields<GroupRecord<string, number>>()(
    KeysOnlyReader().aggregateby(
      (k) => k,
      0,
      (_k, a) => a + 1,
      (_k, a, b) => a + b,
    ),
    true,
  );
  yields<number>()(
    KeysOnlyReader().accumulate((a: number | undefined, k) => (a ?? 0) + k.length),
    true,
  );
  yields<string[]>()(KeysOnlyReader().accumulate(), true);

  // Operations that keep the record type, and the aliases.
  yields<string>()(
    KeysOnlyReader()
      .sort()
      .distinct()
      .limit(3)
      .collect()
      .filter(Boolean)
      .repartition((k) => k),
    true,
  );
  yields<GroupRecord<number, number>>()(
    KeysOnlyReader()
      .flatMap((k) => [k])
      .countBy((k) => k.length),
    true,
  );

  // Sugar narrows values by key type.
  yields<unknown>()(KeysReader().values(), true);
  yields<Record<string, string>>()(KeysReader().values({ type: 'hash' }), true);
  yields<KeysRecord<string[]>>()(KeysReader().records({ type: ['list', 'set'], event: 'lpush' }), true);
  yields<Record<string, string>>()(StreamReader().values(), true);
  yields<number>()(
    CommandReader().apply((a, b) => Number(a) + Number(b)),
    true,
  );

  // Closing.
  // With convertToStr (the default) results are strings on the wire; without it they keep their type.
  exactly<ClosedGearFunction<string>>()(KeysOnlyReader().count().run(), true);
  exactly<ClosedGearFunction<number>>()(KeysOnlyReader().count().run({ convertToStr: false }), true);
  exactly<ClosedGearFunction<number>>()(KeysOnlyReader().count().run('k:*', { convertToStr: false }), true);
  exactly<number>()(
    createReaders((plan) => plan.steps.length)
      .KeysReader()
      .run(),
    true,
  );

  // The mutable builder is typed by its reader and returns itself.
  const gb = GB('KeysOnlyReader');
  exactly<GearsBuilder<string>>()(gb, true);
  exactly<GearsBuilder<number>>()(
    gb.map((k) => k.length),
    true,
  );
  exactly<ClosedGearFunction<string>>()(gb.map((k) => k.length).run(), true);
  exactly<ClosedGearFunction<number>>()(gb.map((k) => k.length).run({ convertToStr: false }), true);
  const { GB: CapturingGB } = createGearsBuilder(() => 'plan' as const);
  exactly<'plan'>()(CapturingGB().register({ mode: 'sync' }), true);

  // Wrong usages must not compile.
  // @ts-expect-error options are closed: a misspelt option is an error
  KeysReader().run({ convertToString: false });
  // @ts-expect-error options are closed for register too
  KeysReader().register({ mod: 'sync' });
  // @ts-expect-error records of KeysOnlyReader are strings
  KeysOnlyReader().map((k) => k.value);
  // @ts-expect-error reducers take (key, acc, record)
  KeysOnlyReader().groupby((k) => k, reduceWrongly);
  // @ts-expect-error unknown reader name
  GB('RedisReader');
  // @ts-expect-error not a key type
  KeysReader().values({ type: 'hashmap' });
  // @ts-expect-error limit needs a length
  KeysOnlyReader().limit();
  // @ts-expect-error a closed function cannot be extended
  KeysOnlyReader().run().map(String);
  // @ts-expect-error avg's extractor must return a number
  KeysOnlyReader().avg((k) => k);
}

const reduceWrongly = (acc: number, record: string) => acc + record.length;

test('type checks compile', () => {
  assert.equal(typeof typeChecks, 'function');
});
