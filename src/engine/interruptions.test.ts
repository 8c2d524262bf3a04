// Honest executions: cut short by Redis going away, a dying thread or an abort, an execution ends
// `aborted` with one error naming the cause and how far it got; identical errors are counted.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { capturedLogger } from '../../test/support/log.js';
import { startRedis } from '../../test/support/redis.js';
import { waitFor } from '../../test/support/wait.js';
import { Engine } from './engine.js';
import { startHarness } from './engine.test.support.js';

// one record read, then a Redis write for each of many records made from it
const WRITER = `GB('ShardsIDReader')
  .flatmap(() => Array.from({ length: 20000 }, (_, i) => i))
  .map(async (i) => { await execute('SET', 'progress', String(i)); return i; })
  .run()`;

describe('an execution cut short', () => {
  test('by Redis going away: aborted, one error with the cause and the records read', async () => {
    const h = await startHarness({ ExecutionThreads: 1 });
    try {
      const outcome = await h.execute(WRITER, { unblocking: true });
      assert.equal(outcome.kind, 'id');
      if (outcome.kind !== 'id') return;
      await waitFor(async () => Number(await h.client.get('progress')) > 100, 'the execution to write');
      await h.server.stop();
      const execution = await h.engine.resultsBlocking(outcome.id);
      assert.equal(execution.status, 'aborted', execution.errors.join('\n'));
      assert.deepEqual(execution.results, []);
      assert.equal(execution.errors.length, 1, execution.errors.join('\n'));
      assert.match(
        execution.errors[0],
        new RegExp(
          `^lost the connection to Redis at 127\\.0\\.0\\.1:${h.server.port} during the execution .*\\(after 1 record read\\)$`,
        ),
      );
    } finally {
      await h.close();
    }
  });

  test('by its thread dying: aborted with the exit code; by RG.ABORTEXECUTION: aborted', async () => {
    const h = await startHarness({ ExecutionThreads: 1 });
    try {
      const died = await h.execute("GB('ShardsIDReader').map(() => process.exit(3)).run()");
      assert.deepEqual(died, {
        kind: 'results',
        results: [],
        errors: ['the execution thread exited with code 3 (after 0 records read)'],
      });
      const spin = await h.execute("GB('ShardsIDReader').map(() => { for (;;) {} }).run()", { unblocking: true });
      if (spin.kind !== 'id') return assert.fail('expected an id');
      await waitFor(() => h.engine.find(spin.id).status === 'running', 'the spinner to start');
      h.engine.abort(spin.id);
      const aborted = await h.engine.resultsBlocking(spin.id);
      assert.equal(aborted.status, 'aborted');
      assert.deepEqual(aborted.errors, ['Execution was aborted (after 0 records read)']);
    } finally {
      await h.close();
    }
  });

  test('identical errors are counted, not repeated', async () => {
    const h = await startHarness();
    try {
      const outcome = await h.run(`GB('ShardsIDReader')
        .flatmap(() => [1, 2, 3, 4, 5])
        .map((n) => { if (n === 5) throw new Error('five'); throw new Error('boom'); })
        .run()`);
      assert.deepEqual(outcome, { results: [], errors: ['boom (4 times)', 'five'] });
    } finally {
      await h.close();
    }
  });

  test('a blocking execution whose caller goes away is aborted; an UNBLOCKING one goes on', async () => {
    const h = await startHarness({ ExecutionThreads: 2 });
    try {
      const gone = new AbortController();
      const blocking = h.execute("GB('ShardsIDReader').map(() => { for (;;) {} }).run()", { signal: gone.signal });
      await waitFor(() => h.engine.executions.list().some((e) => e.status === 'running'), 'it to run');
      gone.abort();
      const outcome = await blocking;
      assert.deepEqual(outcome, {
        kind: 'results',
        results: [],
        errors: ['Execution was aborted (after 0 records read)'],
      });
      const kept = await h.execute(
        "GB('ShardsIDReader').map(async () => { await new Promise((r) => setTimeout(r, 100)); return 'done'; }).run()",
        { unblocking: true, signal: AbortSignal.abort() },
      );
      if (kept.kind !== 'id') return assert.fail('expected an id');
      const execution = await h.engine.resultsBlocking(kept.id);
      assert.equal(execution.status, 'done');
      assert.deepEqual(execution.results, ['done']);
    } finally {
      await h.close();
    }
  });
});

test("CLIENT KILL TYPE normal on the engine's links: it reconnects and says what happened", async () => {
  const redis = await startRedis();
  const { logger, lines } = capturedLogger();
  const engine = await Engine.start({ redisUrl: redis.url, config: { ExecutionThreads: 1 }, logger });
  const admin = new Redis(redis.url);
  try {
    assert.equal((await engine.execute("GB('ShardsIDReader').map(() => 1).run()")).kind, 'results');
    assert.ok(Number(await admin.call('CLIENT', 'KILL', 'TYPE', 'normal')) >= 2);
    const after = await engine.execute("GB('ShardsIDReader').map(() => 2).run()");
    assert.deepEqual(after, { kind: 'results', results: ['2'], errors: [] });
    const log = lines.join('');
    assert.match(
      log,
      /Redis at 127\.0\.0\.1:\d+ closed the engine's connection \(CLIENT KILL, a timeout or a restart\); reconnecting/,
    );
    assert.doesNotMatch(log, /start Redis/);
  } finally {
    admin.disconnect();
    await engine.close();
    await redis.stop();
  }
});
