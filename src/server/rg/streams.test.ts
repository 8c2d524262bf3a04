// StreamReader registrations against a real Redis: a consumer group per registration, every
// matching stream (created later too), batch/duration, XACK after success, onFailedPolicy,
// trimStream, pause, unregister, UPGRADE hand-over, and bad options.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { waitFor } from '../../../test/support/wait.js';
import { registrations, useEventStack } from './events.test.support.js';

/** A function that records each entry it sees ('<key>/<id>' in set `seen`) and each batch's size. */
const RECORDING = `.foreach(async (r) => { await execute('SADD', 'seen', r.key + '/' + r.id) })
  .accumulate((n) => (n ?? 0) + 1)
  .foreach(async (n) => { await execute('RPUSH', 'batches', String(n)) })`;

describe('StreamReader registrations', () => {
  const s = useEventStack();
  const call = (...args: string[]) => s.client.call(args[0], ...args.slice(1));
  const register = (options: string, prefix = 'in:*', steps = RECORDING) =>
    call('RG.JSEXECUTE', `StreamReader()${steps}.register('${prefix}', ${options})`);
  const seen = async () => (await s.direct.smembers('seen')).sort();
  const batches = async () => (await s.direct.lrange('batches', 0, -1)).map(Number);
  const dump = async () => (await registrations(call)).find((r) => r.reader === 'StreamReader')!;
  const pending = async (key: string, group: string) => ((await s.direct.xpending(key, group)) as unknown[])[0];

  it('reads every matching stream, those created later included, each entry once; acknowledges and trims', async () => {
    const before = await s.direct.xadd('in:a', '*', 'n', '1');
    await s.direct.xadd('other', '*', 'n', 'x');
    assert.equal(await register('{}'), 'OK');
    const later = await s.direct.xadd('in:b', '*', 'n', '2');
    const third = await s.direct.xadd('in:a', '*', 'n', '3');
    // a batch's size is pushed a step after its entries are seen: wait for both
    await waitFor(async () => (await seen()).length === 3 && (await batches()).length >= 3, 'three entries');
    assert.deepEqual(await seen(), [`in:a/${before}`, `in:a/${third}`, `in:b/${later}`].sort());
    assert.deepEqual(await batches(), [1, 1, 1]);
    // the counters are updated when each execution ends, after its last step
    await waitFor(async () => (await dump()).data.numSuccess === 3, 'three executions counted');
    const reg = await dump();
    const group = (await s.direct.xinfo('GROUPS', 'in:a')) as unknown[][];
    assert.equal(group.length, 1);
    assert.match(String(group[0][1]), /^gearbox:/);
    await waitFor(async () => (await s.direct.xlen('in:a')) + (await s.direct.xlen('in:b')) === 0, 'trimmed');
    assert.equal(await pending('in:a', String(group[0][1])), 0);
    assert.equal(await s.direct.xlen('other'), 1);
    assert.equal(reg.data.numTriggered, 3);
    assert.equal(reg.data.numSuccess, 3);
    assert.deepEqual(reg.args, {
      batchSize: 1,
      durationMS: 0,
      stream: 'in:*',
      trimStream: 1,
      onFailedPolicy: 'continue',
      retryInterval: 1,
    });
    assert.equal(reg.data.status, 'OK');
    assert.equal(typeof reg.data.lastEstimatedLagMS, 'number');
  });

  it('batch: an execution per `batch` entries; duration runs a smaller batch once it has waited', async () => {
    await register('{ batch: 3 }');
    for (let i = 0; i < 7; i++) await s.direct.xadd('in:x', '*', 'i', String(i));
    await waitFor(async () => (await batches()).length === 2, 'two full batches');
    assert.deepEqual(await batches(), [3, 3]);
    // the seventh waits for two more (duration 0), and stays unacknowledged meanwhile
    assert.equal((await seen()).length, 6);
    await s.direct.xadd('in:x', '*', 'i', '7');
    await s.direct.xadd('in:x', '*', 'i', '8');
    await waitFor(async () => (await batches()).length === 3, 'third batch');
    assert.deepEqual(await batches(), [3, 3, 3]);

    await call('RG.UNREGISTER', String((await dump()).id));
    await s.direct.del('batches', 'seen');
    await register('{ batch: 100, duration: 50 }');
    for (let i = 0; i < 5; i++) await s.direct.xadd('in:y', '*', 'i', String(i));
    await waitFor(
      async () => (await batches()).reduce((a, b) => a + b, 0) >= 5 && (await seen()).length === 5,
      'the duration to pass',
    );
    assert.ok((await batches()).every((n) => n < 100));
    assert.equal(
      (await batches()).reduce((a, b) => a + b, 0),
      5,
    );
  });

  it('batch holds across streams: entries waiting on several streams at once still run `batch` at a time', async () => {
    // streams created after the registration, found while it is paused, so that its first read
    // finds entries on all three at once (a loaded machine gets there by the timing of the first test)
    await register('{ batch: 2 }');
    const id = String((await dump()).id);
    assert.equal(await call('RG.PAUSEREGISTRATIONS', id), 'OK');
    const written = [
      `in:p/${await s.direct.xadd('in:p', '*', 'n', '1')}`,
      `in:q/${await s.direct.xadd('in:q', '*', 'n', '2')}`,
      `in:q/${await s.direct.xadd('in:q', '*', 'n', '3')}`,
      `in:r/${await s.direct.xadd('in:r', '*', 'n', '4')}`,
    ];
    for (const key of ['in:p', 'in:q', 'in:r'])
      await waitFor(async () => ((await s.direct.xinfo('GROUPS', key)) as unknown[]).length === 1, `${key} found`);
    assert.equal(await call('RG.UNPAUSEREGISTRATIONS', id), 'OK');
    await waitFor(
      async () => (await seen()).length === 4 && (await batches()).reduce((a, b) => a + b, 0) === 4,
      'four entries',
    );
    assert.deepEqual(await batches(), [2, 2]);
    assert.deepEqual(await seen(), written.sort());
    await waitFor(async () => (await dump()).data.numSuccess === 2, 'two executions counted');
    for (const key of ['in:p', 'in:q', 'in:r'])
      await waitFor(async () => (await s.direct.xlen(key)) === 0, `${key} trimmed`);
  });

  it('each registration has its own group and sees every entry; trimming waits for the slowest group', async () => {
    await register('{ trimStream: false }', 'in:*', ".foreach(async (r) => { await execute('SADD', 'first', r.id) })");
    await register('{}', 'in:*', ".foreach(async (r) => { await execute('SADD', 'second', r.id) })");
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await s.direct.xadd('in:shared', '*', 'i', String(i)))!);
    await waitFor(
      async () => (await s.direct.scard('first')) === 20 && (await s.direct.scard('second')) === 20,
      'both registrations to see every entry',
    );
    assert.equal(((await s.direct.xinfo('GROUPS', 'in:shared')) as unknown[]).length, 2);
    // the second registration trims as it goes, yet the first (trimStream false) lost nothing
    assert.deepEqual((await s.direct.smembers('first')).sort(), [...ids].sort());
  });

  it('a group that is behind keeps its entries: trimming never drops what another group has not read', async () => {
    // an application's own consumer group on the stream, reading nothing
    await s.direct.xadd('in:app', '*', 'i', '0');
    await s.direct.xgroup('CREATE', 'in:app', 'application', '0');
    await register('{}');
    for (let i = 1; i < 10; i++) await s.direct.xadd('in:app', '*', 'i', String(i));
    await waitFor(async () => (await seen()).length === 10, 'ten entries');
    assert.equal(await s.direct.xlen('in:app'), 10);
  });

  it('onFailedPolicy continue (default): the failure is counted with lastError, the next entries go on', async () => {
    await register(
      '{}',
      'in:*',
      ".foreach((r) => { if (r.value.bad) throw new Error('bad entry ' + r.value.bad) })" + RECORDING,
    );
    await s.direct.xadd('in:c', '*', 'ok', '1');
    await s.direct.xadd('in:c', '*', 'bad', '2');
    await s.direct.xadd('in:c', '*', 'ok', '3');
    await waitFor(async () => {
      const { data } = await dump();
      return data.numTriggered === 3 && Number(data.numSuccess) + Number(data.numFailures) === 3;
    }, 'three executions');
    const reg = await dump();
    assert.equal(reg.data.numFailures, 1);
    assert.equal(reg.data.numSuccess, 2);
    assert.equal(reg.data.lastError, 'bad entry 2');
    assert.equal((await seen()).length, 2);
    await waitFor(async () => (await s.direct.xlen('in:c')) === 0, 'all acknowledged and trimmed');
  });

  it('onFailedPolicy abort: the registration stops with status ABORTED and the batch stays pending', async () => {
    await register(
      "{ onFailedPolicy: 'abort' }",
      'in:*',
      ".foreach((r) => { if (r.value.bad) throw new Error('stop here') })" + RECORDING,
    );
    await s.direct.xadd('in:d', '*', 'ok', '1');
    await waitFor(async () => (await seen()).length === 1, 'the first entry');
    await s.direct.xadd('in:d', '*', 'bad', '2');
    await waitFor(async () => (await dump()).data.status === 'ABORTED', 'status ABORTED');
    await s.direct.xadd('in:d', '*', 'ok', '3');
    const reg = await dump();
    assert.equal(reg.data.numFailures, 1);
    assert.equal(reg.data.lastError, 'stop here');
    const [group] = (await s.direct.xinfo('GROUPS', 'in:d')) as unknown[][];
    assert.ok(Number(await pending('in:d', String(group[1]))) >= 1);
    assert.equal((await seen()).length, 1);
    assert.equal(await s.direct.xlen('in:d'), 2);
  });

  it('onFailedPolicy retry: the same batch runs again after onFailedRetryInterval seconds until it succeeds', async () => {
    await register(
      "{ onFailedPolicy: 'retry', onFailedRetryInterval: 0.05, batch: 2 }",
      'in:*',
      ".foreach(async (r) => { if ((await execute('INCR', 'attempts:' + r.id)) < 3) throw new Error('not yet') })" +
        RECORDING,
    );
    const a = await s.direct.xadd('in:r', '*', 'i', '1');
    const b = await s.direct.xadd('in:r', '*', 'i', '2');
    await waitFor(
      async () => (await seen()).length === 2 && (await batches()).length >= 1,
      'the batch to succeed on its third run',
    );
    assert.deepEqual(await batches(), [2]);
    assert.equal(await s.direct.get(`attempts:${a}`), '3');
    assert.equal(await s.direct.get(`attempts:${b}`), '3');
    await waitFor(async () => (await dump()).data.numSuccess === 1, 'the execution counted');
    const reg = await dump();
    assert.equal(reg.data.numFailures, 2);
    assert.equal(reg.data.numSuccess, 1);
    assert.equal(reg.data.status, 'OK');
  });

  it('paused, entries wait in the stream; unpaused, they run; unregistered, the group is gone', async () => {
    await register('{}');
    const id = String((await dump()).id);
    assert.equal(await call('RG.PAUSEREGISTRATIONS', id), 'OK');
    assert.equal((await dump()).data.status, 'PAUSED');
    await s.direct.xadd('in:p', '*', 'i', '1');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await seen()).length, 0);
    assert.equal(await call('RG.UNPAUSEREGISTRATIONS', id), 'OK');
    await waitFor(async () => (await seen()).length === 1, 'the entry after unpausing');
    assert.equal(await call('RG.UNREGISTER', id), 'OK');
    await waitFor(async () => ((await s.direct.xinfo('GROUPS', 'in:p')) as unknown[]).length === 0, 'group destroyed');
  });

  it('a stream deleted and created again is read again', async () => {
    await register('{}');
    await s.direct.xadd('in:gone', '*', 'i', '1');
    await waitFor(async () => (await seen()).length === 1, 'first entry');
    await s.direct.del('in:gone');
    const again = await s.direct.xadd('in:gone', '*', 'i', '2');
    await waitFor(async () => (await seen()).includes(`in:gone/${again}`), 'the entry of the new stream');
  });

  it('an UPGRADE under a steady stream of entries: each one handled once, by the old version or the new', async () => {
    const version = (v: number) =>
      `StreamReader().foreach(async (r) => { await execute('HINCRBY', 'handled', r.id, 1); await execute('HSET', 'by', r.id, '${v}') }).register('in:*', { batch: 5, duration: 20 })`;
    assert.equal(await call('RG.JSEXECUTE', version(1), 'ID', 'steady'), 'OK');
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        await s.direct.xadd('in:steady', '*', 'n', String(written++));
        if (written % 20 === 0) await new Promise((r) => setTimeout(r, 1));
      }
    })();
    await waitFor(async () => (await s.direct.hlen('handled')) > 50, 'the first version at work');
    assert.equal(await call('RG.JSEXECUTE', version(2), 'ID', 'steady', 'UPGRADE'), 'OK');
    await waitFor(async () => (await s.direct.hvals('by')).includes('2'), 'the second version at work');
    writing = false;
    await writer;
    await waitFor(async () => (await s.direct.hlen('handled')) === written, 'every entry handled');
    const counts = await s.direct.hvals('handled');
    assert.ok(
      counts.every((c) => c === '1'),
      'an entry was handled twice',
    );
    assert.equal((await registrations(call)).length, 1);
  });

  it('bad options are refused before anything registers', async () => {
    const refused = async (options: string, message: RegExp) => {
      await assert.rejects(register(options), message);
      assert.deepEqual(await registrations(call), []);
    };
    await refused(
      "{ onFailedPolicy: 'explode' }",
      /unknown onFailedPolicy "explode"; use one of continue, abort, retry/,
    );
    await refused('{ batch: 0 }', /batch must be a positive integer, got 0/);
    await refused("{ duration: '5' }", /duration must be a positive number/);
    await refused('{ onFailedRetryInterval: -1 }', /onFailedRetryInterval must be a positive number/);
    await refused("{ mode: 'sync' }", /StreamReader registrations are asynchronous/);
    await refused('{ batchSize: 10 }', /unknown option batchSize/);
  });
});
