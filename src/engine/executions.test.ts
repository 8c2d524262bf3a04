// Executions: UNBLOCKING ids, the executions list, results, drop, abort, MaxExecutions, profiling,
// and an endless function that must not stall the engine.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError } from './config.js';
import { GearsError } from './errors.js';
import { useHarness } from './engine.test.support.js';

const h = useHarness(async (harness) => {
  await harness.flush();
  for (const e of harness.engine.executions.list()) if (e.finished) harness.engine.drop(e.id);
});

const SPIN = "GB('JavaScriptReader', function* () { yield 1; }).map(() => { while (true) {} }).run()";
const QUICK = "GB('JavaScriptReader', function* () { yield 1; yield 2; }).map((x) => x * 2).run()";
/** Runs until the key `release` exists, so a test decides when it finishes. */
const GATED = `GB('JavaScriptReader', function* () { yield 1; }).map(async () => {
  while ((await execute('EXISTS', 'release')) === 0) await new Promise((r) => setTimeout(r, 5));
  return 'released';
}).run()`;

async function unblocking(source: string): Promise<string> {
  const outcome = await h.execute(source, { unblocking: true });
  assert.equal(outcome.kind, 'id');
  return (outcome as { id: string }).id;
}

async function waitUntil(predicate: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await predicate())) await new Promise((r) => setTimeout(r, 5));
}

describe('UNBLOCKING executions', () => {
  test('return an id <40 hex>-<n>, are listed, and keep their results until dropped', async () => {
    const id = await unblocking(QUICK);
    assert.match(id, /^[0-9a-f]{40}-\d+$/);
    assert.ok(id.startsWith(`${h.engine.shardId}-`));
    const execution = await h.engine.resultsBlocking(id);
    assert.equal(execution.status, 'done');
    assert.deepEqual(execution.results, ['2', '4']);
    assert.deepEqual(execution.errors, []);
    assert.ok(h.engine.executions.list().some((e) => e.id === id));
    assert.equal(h.engine.results(id), execution);
    assert.equal(h.engine.find(id), execution);
    h.engine.drop(id);
    assert.ok(!h.engine.executions.list().some((e) => e.id === id));
    assert.throws(() => h.engine.results(id), GearsError);
    assert.throws(() => h.engine.drop(id), GearsError);
  });

  test('ids are distinct and increasing', async () => {
    const a = await unblocking(QUICK);
    const b = await unblocking(QUICK);
    const seq = (id: string) => Number(id.split('-')[1]);
    assert.ok(seq(b) > seq(a));
    await h.engine.resultsBlocking(a);
    await h.engine.resultsBlocking(b);
  });

  test('results of a running execution is an error, resultsBlocking waits, drop needs it finished', async () => {
    const id = await unblocking(GATED);
    await waitUntil(() => h.engine.find(id).status === 'running');
    assert.throws(() => h.engine.results(id), /still running/);
    assert.throws(() => h.engine.drop(id), /abort it first/);
    const waiting = h.engine.resultsBlocking(id);
    await h.client.set('release', '1');
    const execution = await waiting;
    assert.deepEqual(execution.results, ['released']);
    assert.deepEqual(h.engine.results(id).results, ['released']);
  });

  test('resultsBlocking rejects when its caller goes away; the execution goes on', async () => {
    const id = await unblocking(GATED);
    const controller = new AbortController();
    const waiting = h.engine.resultsBlocking(id, controller.signal);
    controller.abort();
    await assert.rejects(waiting, GearsError);
    await h.client.set('release', '1');
    assert.equal((await h.engine.resultsBlocking(id)).status, 'done');
  });

  test('unknown ids are errors', async () => {
    assert.throws(() => h.engine.find('nope'), GearsError);
    assert.throws(() => h.engine.results('nope'), GearsError);
    assert.throws(() => h.engine.abort('nope'), GearsError);
    await assert.rejects(h.engine.resultsBlocking('nope'), GearsError);
  });

  test('a source that fails while being evaluated: an unblocking execution finishes with the error', async () => {
    const id = await unblocking("throw new Error('boom at top level');");
    const execution = await h.engine.resultsBlocking(id);
    assert.equal(execution.status, 'done');
    assert.ok(execution.errors.some((e) => e.includes('boom at top level')));
  });
});

describe('blocking executions', () => {
  test('are listed while they run and not kept once they finish', async () => {
    const pending = h.execute(GATED);
    await waitUntil(() => h.engine.executions.list().length === 1);
    const [running] = h.engine.executions.list();
    assert.ok(!running.finished);
    await h.client.set('release', '1');
    assert.deepEqual(await pending, { kind: 'results', results: ['released'], errors: [] });
    assert.deepEqual(h.engine.executions.list(), []);
    assert.throws(() => h.engine.find(running.id), GearsError);
  });
});

describe('MaxExecutions', () => {
  test('trims finished executions, oldest first', async () => {
    h.engine.config.set('MaxExecutions', 3);
    try {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const id = await unblocking(QUICK);
        await h.engine.resultsBlocking(id);
        ids.push(id);
      }
      assert.deepEqual(
        h.engine.executions.list().map((e) => e.id),
        ids.slice(2),
      );
      h.engine.config.set('MaxExecutions', 1);
      assert.deepEqual(
        h.engine.executions.list().map((e) => e.id),
        ids.slice(4),
      );
    } finally {
      h.engine.config.set('MaxExecutions', 1000);
    }
  });

  test('running executions are never trimmed', async () => {
    h.engine.config.set('MaxExecutions', 1);
    try {
      const running = await unblocking(GATED);
      const done = await unblocking(QUICK);
      await h.engine.resultsBlocking(done);
      const later = await unblocking(QUICK);
      await h.engine.resultsBlocking(later);
      const listed = h.engine.executions.list().map((e) => e.id);
      assert.ok(listed.includes(running), JSON.stringify(listed));
      assert.ok(!listed.includes(done));
      await h.client.set('release', '1');
      assert.deepEqual((await h.engine.resultsBlocking(running)).results, ['released']);
    } finally {
      h.engine.config.set('MaxExecutions', 1000);
    }
  });
});

describe('abort', () => {
  test('an endless function does not stall the engine, and abort stops it', async () => {
    const id = await unblocking(SPIN);
    await waitUntil(() => h.engine.find(id).status === 'running');
    // the other thread still serves executions while the first one spins
    assert.deepEqual(await h.execute(QUICK), { kind: 'results', results: ['2', '4'], errors: [] });
    h.engine.abort(id);
    const execution = await h.engine.resultsBlocking(id);
    assert.equal(execution.status, 'aborted');
    assert.ok(execution.errors.length > 0);
    assert.throws(() => h.engine.abort(id), /already finished/);
    // the thread it ran on was replaced: two executions still run side by side
    const [a, b] = await Promise.all([h.execute(QUICK), h.execute(QUICK)]);
    assert.deepEqual(a, b);
  });

  test('an endless top-level loop is aborted too', async () => {
    const id = await unblocking('while (true) {}');
    await waitUntil(() => h.engine.find(id).status === 'running');
    h.engine.abort(id);
    assert.equal((await h.engine.resultsBlocking(id)).status, 'aborted');
  });

  test('a queued execution can be aborted before it starts', async () => {
    const spinners = [await unblocking(SPIN), await unblocking(SPIN)];
    try {
      const queued = await unblocking(QUICK);
      assert.equal(h.engine.find(queued).status, 'created');
      h.engine.abort(queued);
      assert.equal((await h.engine.resultsBlocking(queued)).status, 'aborted');
    } finally {
      for (const id of spinners) h.engine.abort(id);
      for (const id of spinners) assert.equal((await h.engine.resultsBlocking(id)).status, 'aborted');
    }
    assert.deepEqual((await h.execute(QUICK)).kind, 'results');
  });

  test('aborting a finished execution is an error', async () => {
    const id = await unblocking(QUICK);
    await h.engine.resultsBlocking(id);
    assert.throws(() => h.engine.abort(id), GearsError);
    assert.equal(h.engine.find(id).status, 'done');
  });

  test('a blocking execution that is aborted settles', async () => {
    const pending = h.execute(SPIN);
    await waitUntil(() => h.engine.executions.list().some((e) => e.status === 'running'));
    const [running] = h.engine.executions.list();
    h.engine.abort(running.id);
    const outcome = await pending;
    assert.equal(outcome.kind, 'results');
    assert.ok((outcome as { errors: string[] }).errors.length > 0);
  });
});

describe('profiling and steps', () => {
  const BUSY =
    "GB('JavaScriptReader', function* () { yield 1; yield 2; }).map((x) => { const end = Date.now() + 3; while (Date.now() < end) {} return x; }).count().run()";

  test('ProfileExecutions on: step durations are recorded', async () => {
    h.engine.config.set('ProfileExecutions', true);
    try {
      const id = await unblocking(BUSY);
      const execution = await h.engine.resultsBlocking(id);
      assert.deepEqual(execution.results, ['2']);
      assert.ok(execution.stepReports.length > 0);
      const map = execution.stepReports.find((s) => s.kind === 'map');
      assert.ok(map && map.durationMs > 0, JSON.stringify(execution.stepReports));
    } finally {
      h.engine.config.set('ProfileExecutions', false);
    }
  });

  test('ProfileExecutions off: no step durations', async () => {
    const id = await unblocking(BUSY);
    const execution = await h.engine.resultsBlocking(id);
    assert.ok(execution.stepReports.every((s) => s.durationMs === 0));
  });

  test('an execution describes its lowered steps', async () => {
    const id = await unblocking(BUSY);
    const execution = await h.engine.resultsBlocking(id);
    assert.deepEqual(
      execution.steps.map((s) => s.type),
      ['map', 'accumulate', 'collect', 'accumulate'],
    );
    assert.equal(execution.recordsRead, 2);
  });
});

describe('config and stats', () => {
  test('set/get/lookup, read-only and invalid values', () => {
    const config = h.engine.config;
    assert.equal(config.get('ExecutionThreads'), 2);
    assert.throws(() => config.set('ExecutionThreads', 4), ConfigError);
    assert.throws(() => config.set('MaxExecutions', 'many'), ConfigError);
    config.set('MaxExecutions', '500');
    assert.equal(config.get('MaxExecutions'), 500);
    config.set('MaxExecutions', 1000);
    config.set('someUserKey', 12);
    assert.equal(config.lookup('someUserKey'), '12');
    assert.equal(config.lookup('absent'), undefined);
  });

  test('stats reports the memory of the JavaScript runtime', () => {
    const stats = h.engine.stats();
    assert.ok(stats.CurrAllocated > 0);
    assert.ok(stats.PeakAllocated >= stats.CurrAllocated);
    assert.ok(stats.TotalAllocated > 0);
  });
});
