// The engine's bounds: the wait queue, the executions list and each execution thread's memory.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { waitFor } from '../../test/support/wait.js';
import { startHarness, type Harness } from './engine.test.support.js';
import { GearsError } from './errors.js';

const SPIN = 'GB("ShardsIDReader").map(() => { while (true) {} }).run()';
const QUICK = 'GB("ShardsIDReader").map(() => 1).run()';

describe('one execution thread, small bounds', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ ExecutionThreads: 1, MaxQueuedExecutions: 10, MaxExecutions: 3, ExecutionMaxMemory: 64 });
  });
  after(() => h.close());

  const unblocking = async (source: string) => {
    const outcome = await h.execute(source, { unblocking: true });
    assert.equal(outcome.kind, 'id');
    return outcome.kind === 'id' ? outcome.id : '';
  };

  test('submissions beyond MaxQueuedExecutions waiting ones are refused with a clear error', async () => {
    h.engine.config.set('MaxQueuedExecutions', 2);
    const spinner = await unblocking(SPIN);
    const queued = [await unblocking(QUICK), await unblocking(QUICK)];
    await assert.rejects(h.execute(QUICK, { unblocking: true }), (err: Error) => {
      assert.ok(err instanceof GearsError);
      assert.match(err.message, /2 executions are already waiting .*MaxQueuedExecutions 2.*RG\.CONFIGSET/);
      return true;
    });
    h.engine.abort(spinner);
    for (const id of queued) assert.equal((await h.engine.resultsBlocking(id)).status, 'done');
    assert.equal((await h.execute(QUICK)).kind, 'results');
    h.engine.config.set('MaxQueuedExecutions', 10);
  });

  test('the executions list is back within MaxExecutions once running executions finish', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await unblocking(QUICK));
    const spinner = await unblocking(SPIN);
    ids.push(await unblocking(QUICK));
    h.engine.abort(spinner);
    for (const id of ids) await h.engine.resultsBlocking(id).catch(() => undefined);
    await waitFor(() => h.engine.executions.list().every((e) => e.finished), 'every execution to finish');
    assert.ok(h.engine.executions.list().length <= 3, `${h.engine.executions.list().length} executions listed`);
  });

  test('Buffers over ExecutionMaxMemory fail the execution and the thread is replaced', async () => {
    const source = `GB('ShardsIDReader').map(async () => {
      globalThis.left = 'behind';
      const held = [];
      for (let i = 0; i < 400; i++) {
        held.push(Buffer.alloc(1024 * 1024, 1));
        await new Promise((r) => setTimeout(r, 2));
      }
      return held.length;
    }).run()`;
    const outcome = await h.execute(source);
    assert.equal(outcome.kind, 'results');
    if (outcome.kind !== 'results') return;
    assert.deepEqual(outcome.results, []);
    assert.equal(outcome.errors.length, 1);
    assert.match(outcome.errors[0], /exceeded its thread's memory cap \(ExecutionMaxMemory 64 MB: .*Buffers \d+ MB\)/);
    assert.match(outcome.errors[0], /the thread was replaced/);
    // the one thread there is now is a fresh one: nothing the function left in it remains
    assert.deepEqual(await h.results("GB('ShardsIDReader').map(() => typeof globalThis.left).run()"), ['undefined']);
  });

  test('a heap over ExecutionMaxMemory fails the execution the same way', async () => {
    const source = `GB('ShardsIDReader').map(() => {
      const held = [];
      for (;;) held.push({ text: 'x'.repeat(64) + held.length });
    }).run()`;
    const outcome = await h.execute(source);
    assert.equal(outcome.kind, 'results');
    if (outcome.kind !== 'results') return;
    assert.deepEqual(outcome.errors.length, 1);
    assert.match(outcome.errors[0], /exceeded its thread's memory cap \(ExecutionMaxMemory 64 MB\)/);
    assert.deepEqual(await h.results(QUICK), ['1']);
  });

  test('ExecutionMaxMemory is fixed at start and has a floor', () => {
    assert.throws(() => h.engine.config.set('ExecutionMaxMemory', 128), /read-only/);
    assert.throws(() => h.engine.config.set('MaxQueuedExecutions', -1), /non-negative integer/);
  });
});
