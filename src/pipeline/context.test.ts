// DeferredResult and pipeline() semantics: nesting, async bodies, callbacks, errors, transactions, bad input.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Redis } from 'ioredis';
import { startRedis, type RedisProcess } from '../../test/support/redis.js';
import {
  CommandError,
  DeferredResult,
  NotExecutedError,
  connect,
  disconnect,
  pipeline,
  type Pipeline,
} from './index.js';

describe('DeferredResult', () => {
  test('reading result before the pipeline ran says so', () => {
    const ref = new DeferredResult<number>();
    assert.throws(() => ref.result, NotExecutedError);
    assert.throws(() => ref.result, /pipeline has not executed/);
    ref.set(3);
    assert.equal(ref.result, 3);
    assert.throws(() => ref.set(4), /already settled/);
  });

  test('is not a thenable: an async function may return one unawaited', async () => {
    const ref = new DeferredResult<number>();
    const returned = await (async () => ref)();
    assert.equal(returned, ref);
    assert.equal('then' in ref, false);
  });

  test('promise, map and follow', async () => {
    const ref = new DeferredResult<number>();
    const doubled = ref.map((n) => n * 2);
    const follower = new DeferredResult<number>();
    follower.follow(ref);
    const waiting = ref.promise;
    ref.set(21);
    assert.equal(await waiting, 21);
    assert.equal(doubled.result, 42);
    assert.equal(follower.result, 21);
    const failed = new DeferredResult<number>();
    failed.fail(new Error('boom'));
    assert.throws(() => failed.map((n) => n).result, /boom/);
    await assert.rejects(failed.promise, /boom/);
  });
});

describe('pipeline()', () => {
  let server: RedisProcess;
  let client: Redis;
  before(async () => {
    server = await startRedis();
    client = new Redis(server.port, '127.0.0.1');
    connect(client);
  });
  after(async () => {
    disconnect();
    client.disconnect();
    await server.stop();
  });

  test('nested pipelines send one round trip, executed by the outermost', async () => {
    let inner: DeferredResult<number> | undefined;
    const outer = pipeline((p) => {
      pipeline(p, (p2) => {
        inner = p2.incr('nest:a');
      });
      assert.throws(() => inner!.result, NotExecutedError);
      return pipeline(p, (p2) => pipeline(p2, (p3) => p3.incr('nest:a')));
    });
    assert.equal(await outer.promise, 2);
    assert.equal(inner!.result, 1);
  });

  test('a body that throws executes nothing and rethrows', async () => {
    assert.throws(
      () =>
        pipeline((p) => {
          p.set('thrown', 'x');
          throw new Error('body failed');
        }),
      /body failed/,
    );
    await pipeline((p) => {
      try {
        pipeline(p, (p2) => {
          p2.set('thrown:nested', 'x');
          throw new Error('nested failed');
        });
      } catch {
        // the caller chose to carry on: the nested commands must not run
      }
      p.set('kept', 'x');
    }).promise;
    assert.equal(await client.exists('thrown', 'thrown:nested'), 0);
    assert.equal(await client.get('kept'), 'x');
  });

  test('async bodies: the outer pipeline waits for nested ones', async () => {
    const result = await pipeline(async (p) => {
      const a = pipeline(p, async (p2) => {
        await new Promise((r) => setTimeout(r, 10));
        return p2.incr('async:a');
      });
      await Promise.resolve();
      return [a, p.incr('async:b')];
    }).promise;
    assert.deepEqual(
      result.map((r) => r.result),
      [1, 1],
    );
    const failing = pipeline(async (p) => {
      p.set('async:never', '1');
      throw new Error('async body failed');
    });
    await assert.rejects(failing.promise, /async body failed/);
    assert.equal(await client.exists('async:never'), 0);
  });

  test('onExecute callbacks run after execution, in order, and may combine results', async () => {
    const order: string[] = [];
    const sum = new DeferredResult<number>();
    await pipeline((p) => {
      const a = p.incrby('cb:a', 2);
      const b = p.incrby('cb:b', 3);
      p.onExecute(() => order.push('first'));
      pipeline(p, (p2) => p2.onExecute(() => order.push('nested')));
      p.onExecute(() => sum.set(a.result + b.result));
    }).promise;
    assert.deepEqual(order, ['first', 'nested']);
    assert.equal(sum.result, 5);
  });

  test('a failing command fails only its own result; pipe.errors lists it', async () => {
    await client.set('wrongtype', 'text');
    let pipe: Pipeline | undefined;
    const [ok, bad, after] = await pipeline((p) => {
      pipe = p;
      return [p.incr('fine'), p.incr('wrongtype'), p.get('fine')];
    }).promise;
    assert.equal(ok.result, 1);
    assert.equal(after.result, '1');
    assert.throws(
      () => bad.result,
      (err: Error) => err instanceof CommandError && /INCR "wrongtype" failed: .*not an integer/.test(err.message),
    );
    assert.equal(pipe!.errors.length, 1);
    assert.equal(pipe!.errors[0]!.command, 'incr');
    assert.deepEqual(pipe!.errors[0]!.args, ['wrongtype']);
  });

  test('transactions wrap the commands in MULTI/EXEC', async () => {
    const refs = await pipeline((p) => [p.incr('tx:a'), p.incr('tx:a'), p.get('tx:a')], { transaction: true }).promise;
    assert.deepEqual(
      refs.map((r) => r.result),
      [1, 2, '2'],
    );
    assert.throws(() => pipeline((p) => pipeline(p, () => undefined, { transaction: true })), /parent is not one/);
  });

  test('queueing after execution, or on an unknown connection, fails clearly', async () => {
    let kept: Pipeline | undefined;
    await pipeline((p) => {
      kept = p;
    }).promise;
    assert.throws(() => kept!.incr('late'), /already executed/);
    assert.throws(
      () => pipeline((p) => p.incr('x'), { name: 'users' }),
      /no Redis connection named "users".*connect\(client, \{ name: "users" \}\)/,
    );
    assert.throws(() => connect({} as never), /expected an ioredis Redis or Cluster or a node-redis client/);
    assert.throws(() => pipeline(undefined as never), /body must be a function/);
  });

  test('wrong argument types do not compile', () => {
    // Each line is a compile error that tsc checks; the body never runs.
    const never = (p: Pipeline) => {
      // @ts-expect-error incrby needs a number
      p.incrby('k', '1');
      // @ts-expect-error keys are strings
      p.get(1);
      // @ts-expect-error del needs at least one key
      p.del();
      // @ts-expect-error the result is a number, not a string
      const s: DeferredResult<string> = p.incr('k');
      return s;
    };
    assert.equal(typeof never, 'function');
  });

  test('100,000 commands: memory beyond the replies stays bounded', async () => {
    // A real collection before each reading, so only what is retained is counted.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const before = process.memoryUsage().heapUsed;
    const refs = await pipeline((p) => {
      const out: DeferredResult<number>[] = [];
      for (let i = 0; i < 100_000; i++) out.push(p.incr(`mem:${i % 100}`));
      return out;
    }).promise;
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    assert.equal(refs[99_999]!.result, 1000);
    // Each kept result is a small object; arguments are dropped once a command succeeded.
    assert.ok(grown < 100_000 * 400, `heap grew ${grown} bytes for 100,000 kept results`);
    assert.equal((refs[0] as unknown as { args: unknown[] }).args.length, 0);
  });
});
