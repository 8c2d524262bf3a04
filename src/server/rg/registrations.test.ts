import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { waitFor } from '../../../test/support/wait.js';
import { registrations, useEventStack } from './events.test.support.js';

const ID = /^[0-9a-f]{40}-\d+$/;

describe('KeysReader registrations', () => {
  const s = useEventStack();
  const call = (...args: string[]) => s.client.call(args[0], ...args.slice(1));

  it('a source that only registers replies OK; writes through the server and straight to Redis fire it', async () => {
    const source =
      "GB().foreach(async (r) => { await execute('SET', 'seen:' + r.key, JSON.stringify(r)) }).register('person:*')";
    assert.equal(await call('RG.JSEXECUTE', source), 'OK');
    await s.client.hset('person:1', 'name', 'Rick');
    await s.direct.set('person:2', 'Morty');
    await s.direct.set('animal:1', 'Snuffles');
    await waitFor(async () => (await s.direct.exists('seen:person:1', 'seen:person:2')) === 2, 'both events');
    assert.deepEqual(JSON.parse((await s.direct.get('seen:person:1'))!), {
      key: 'person:1',
      event: 'hset',
      value: { name: 'Rick' },
      type: 'hash',
    });
    assert.deepEqual(JSON.parse((await s.direct.get('seen:person:2'))!), {
      key: 'person:2',
      event: 'set',
      value: 'Morty',
      type: 'string',
    });
    assert.equal(await s.direct.exists('seen:animal:1'), 0);
  });

  it("a key's creation fires a registration once, even when a stream registration turned on `new` events", async () => {
    await call('RG.JSEXECUTE', "GB('StreamReader').register('nothing:*')");
    await call(
      'RG.JSEXECUTE',
      "GB().foreach(async (r) => { await execute('RPUSH', 'events', r.event + ' ' + r.key) }).register('once:*')",
    );
    await s.client.set('once:1', 'a');
    await s.client.set('once:1', 'b'); // handled after any event of the first write
    await waitFor(async () => (await s.direct.lrange('events', 0, -1)).length >= 2, 'both writes');
    assert.deepEqual(await s.direct.lrange('events', 0, -1), ['set once:1', 'set once:1']);
  });

  it('eventTypes, keyTypes and readValue narrow what fires and what it reads', async () => {
    await call(
      'RG.JSEXECUTE',
      "GB().foreach(async (r) => { await execute('RPUSH', 'log', r.event + ' ' + r.key + ' ' + r.type + ' ' + r.value) }).register('k*', {eventTypes: ['DEL', 'hset'], keyTypes: ['hash'], readValue: false})",
    );
    await s.client.set('k1', 'a'); // set: not an event asked for
    await s.client.hset('k2', 'f', 'v'); // fires, no value read
    await s.client.del('k1'); // del of a key now gone: its type is none, not hash
    await s.client.rpush('k3', 'x');
    await s.client.hset('k4', 'f', 'v');
    await waitFor(async () => (await s.direct.llen('log')) >= 2, 'the hset events');
    assert.deepEqual(await s.direct.lrange('log', 0, -1), ['hset k2 null null', 'hset k4 null null']);
  });

  it('expired keys fire their event; a key gone by the time it is read has type empty', async () => {
    await call(
      'RG.JSEXECUTE',
      "GB().foreach(async (r) => { await execute('SET', 'expired:' + r.key, r.type + '/' + r.value) }).register('session:*', {eventTypes: ['expired']})",
    );
    await s.client.set('session:1', 'x', 'PX', 20);
    await waitFor(async () => (await s.direct.get('expired:session:1')) === 'empty/null', 'the expired event');
  });

  it('evicted keys fire their event; the registrations of one source share its scope', async () => {
    await call(
      'RG.JSEXECUTE',
      "const evicted = []; GB().foreach((r) => { evicted.push(r.key) }).register('big:*', {eventTypes: ['evicted'], readValue: false}); GB('CommandReader').map(() => evicted.length).register({trigger: 'evictions'})",
    );
    const used = Number(/used_memory:(\d+)/.exec(await s.direct.info('memory'))![1]);
    await s.direct.config('SET', 'maxmemory-policy', 'allkeys-random');
    await s.direct.config('SET', 'maxmemory', String(used + 2_000_000));
    try {
      const big = 'x'.repeat(100_000);
      for (let i = 0; i < 60; i++) await s.client.set(`big:${i}`, big);
    } finally {
      await s.direct.config('SET', 'maxmemory', '0');
    }
    await waitFor(async () => Number(((await call('RG.TRIGGER', 'evictions')) as string[])[0]) > 0, 'evicted events');
  });

  it('RG.DUMPREGISTRATIONS keeps RedisGears 1.2 positions; failures count and set lastError; RG.UNREGISTER stops it', async () => {
    await call(
      'RG.JSEXECUTE',
      "GB('KeysReader', '*', 'failing on bad keys').foreach((r) => { if (r.key.startsWith('bad')) throw new Error('bad key ' + r.key) }).register('*', {mode: 'async_local', eventTypes: ['set']})",
    );
    await s.client.set('good', '1');
    await s.client.set('bad1', '1');
    await s.client.set('good2', '1');
    const [before] = await registrations(call);
    await waitFor(async () => (await registrations(call))[0].data.numTriggered === 3, 'three events');
    const [reg] = await registrations(call);
    const raw = ((await call('RG.DUMPREGISTRATIONS')) as unknown[][])[0];
    assert.deepEqual(
      raw.filter((_, i) => i % 2 === 0),
      ['id', 'reader', 'desc', 'RegistrationData', 'PD', 'ExecutionThreadPool'],
    );
    assert.deepEqual((raw[7] as unknown[]).filter((_, i) => i % 2 === 0).slice(0, 10), [
      'mode',
      'numTriggered',
      'numSuccess',
      'numFailures',
      'numAborted',
      'lastRunDurationMS',
      'totalRunDurationMS',
      'avgRunDurationMS',
      'lastError',
      'args',
    ]);
    assert.match(String(reg.id), ID);
    assert.equal(before.id, reg.id);
    assert.equal(reg.reader, 'KeysReader');
    assert.equal(reg.desc, 'failing on bad keys');
    assert.equal(reg.data.mode, 'async_local');
    assert.equal(reg.data.numSuccess, 2);
    assert.equal(reg.data.numFailures, 1);
    assert.equal(reg.data.numDropped, 0);
    assert.match(String(reg.data.lastError), /bad key bad1/);
    assert.deepEqual(reg.args, { regex: '*', eventTypes: ['set'], keyTypes: null, hookCommands: null });
    assert.match(String(reg.PD), /'sessionName':'[^']+'/);

    assert.equal(await call('RG.UNREGISTER', String(reg.id)), 'OK');
    assert.deepEqual(await call('RG.DUMPREGISTRATIONS'), []);
    await assert.rejects(call('RG.UNREGISTER', String(reg.id)), /not registered/);
  });

  it('registered executions show in RG.DUMPEXECUTIONS, capped by MaxExecutionsPerRegistration', async () => {
    await call('RG.CONFIGSET', 'MaxExecutionsPerRegistration', '3');
    try {
      await call('RG.JSEXECUTE', "GB().map((r) => r.key).register('e:*')");
      for (let i = 0; i < 10; i++) await s.client.set(`e:${i}`, 'v');
      await waitFor(async () => (await registrations(call))[0].data.numTriggered === 10, 'ten events');
      const listed = ((await call('RG.DUMPEXECUTIONS')) as unknown[][]).filter((e) => e[5] === 1);
      assert.equal(listed.length, 3);
      assert.deepEqual(await call('RG.GETRESULTS', String(listed[2][1])), [['e:9'], []]);
    } finally {
      await call('RG.CONFIGSET', 'MaxExecutionsPerRegistration', '100');
    }
  });

  it('RG.PAUSEREGISTRATIONS stops firing until RG.UNPAUSEREGISTRATIONS; RG.CLEARREGISTRATIONSSTATS zeroes the counters', async () => {
    await call('RG.JSEXECUTE', "GB().foreach(async (r) => { await execute('INCR', 'n') }).register('p:*')");
    const [{ id }] = await registrations(call);
    await s.client.set('p:1', 'v');
    await waitFor(async () => (await s.direct.get('n')) === '1', 'the first event');
    assert.equal(await call('RG.PAUSEREGISTRATIONS', String(id)), 'OK');
    assert.equal((await registrations(call))[0].data.status, 'paused');
    await s.client.set('p:2', 'v');
    assert.equal(await call('RG.UNPAUSEREGISTRATIONS', String(id)), 'OK');
    await s.client.set('p:3', 'v');
    await waitFor(async () => (await s.direct.get('n')) === '2', 'the event after unpausing');
    // the counters are updated once the execution has reported back, a moment after its write
    await waitFor(async () => (await registrations(call))[0].data.numTriggered === 2, 'two executions counted');
    assert.equal((await registrations(call))[0].data.numTriggered, 2);
    assert.equal(await call('RG.CLEARREGISTRATIONSSTATS'), 'OK');
    assert.equal((await registrations(call))[0].data.numTriggered, 0);
    await assert.rejects(call('RG.PAUSEREGISTRATIONS', 'nope'), /Execution nope does not exist/);
  });

  it('a flood never grows a queue past MaxPendingEvents: the excess is dropped and counted in numDropped', async () => {
    await call('RG.CONFIGSET', 'MaxPendingEvents', '10');
    try {
      // the first event's execution waits for 'open', so every later event has to queue
      await call(
        'RG.JSEXECUTE',
        "GB().foreach(async () => { while (!(await execute('GET', 'open'))) await new Promise((r) => setTimeout(r, 5)) }).register('f:*')",
      );
      const pipe = s.direct.pipeline();
      for (let i = 0; i < 100; i++) pipe.set(`f:${i}`, 'v');
      await pipe.exec();
      await waitFor(async () => (await registrations(call))[0].data.numDropped === 89, 'the excess to be dropped');
      await s.direct.set('open', '1');
      await waitFor(async () => (await registrations(call))[0].data.numSuccess === 11, 'the queued events to run');
      assert.equal((await registrations(call))[0].data.numTriggered, 11);
    } finally {
      await call('RG.CONFIGSET', 'MaxPendingEvents', '100000');
    }
  });

  it('refuses what could never fire before anything registers', async () => {
    const refused: Array<[string, RegExp]> = [
      [
        "GB().register('*', {eventTypes: ['get']})",
        /\["get"\] Redis never notifies.*valid eventTypes: append, copy_to, del/,
      ],
      ["GB('KeysOnlyReader').register()", /KeysOnlyReader reads only in batch mode.*no event mode/],
      ["GB('ShardsIDReader').register()", /ShardsIDReader reads only in batch mode/],
      ["GB().register({mode: 'later'})", /unknown mode "later"; use one of async, async_local, sync/],
      ["GB('StreamReader').register({onFailedPolicy: 'ignore'})", /unknown onFailedPolicy "ignore"/],
      ["GB().register({evenTypes: ['set']})", /unknown option evenTypes/],
      ["GB().register({keyTypes: ['text']})", /keyTypes \["text"\] are not Redis key types/],
      ["GB('CommandReader').register()", /needs a trigger name/],
      ["GB('CommandReader').register({hook: 'SET'})", /CommandReader hooks .* are not supported/],
    ];
    for (const [source, error] of refused) await assert.rejects(call('RG.JSEXECUTE', source), error, source);
    assert.deepEqual(await call('RG.DUMPREGISTRATIONS'), []);
  });
});

describe('CommandReader registrations', () => {
  const s = useEventStack();
  const call = (...args: string[]) => s.client.call(args[0], ...args.slice(1));

  it('RG.TRIGGER replies the results of the function run on [trigger, ...args]', async () => {
    assert.equal(
      await call('RG.JSEXECUTE', "GB('CommandReader').map((r) => r.join(',')).register({trigger: 'join'})"),
      'OK',
    );
    assert.deepEqual(await call('RG.TRIGGER', 'join', 'a', 'b'), ['join,a,b']);
    assert.deepEqual(await call('RG.TRIGGERONKEY', 'join', 'user:1', 'x'), ['join,user:1,x']);
    await assert.rejects(call('RG.TRIGGER', 'nope'), /subcommand not found/);
    const [reg] = await registrations(call);
    assert.deepEqual(reg.args, { trigger: 'join', inorder: 0 });
    assert.equal(reg.data.numSuccess, 2);
  });

  it('a function error is the error reply; a taken trigger is refused with a recognizable error', async () => {
    await call(
      'RG.JSEXECUTE',
      "GB('CommandReader').map(() => { throw new Error('nope') }).register({trigger: 'fails'})",
    );
    await assert.rejects(call('RG.TRIGGER', 'fails'), /nope/);
    await assert.rejects(
      call('RG.JSEXECUTE', "GB('CommandReader').register({trigger: 'fails'})"),
      /^ReplyError: ERR trigger already registered: 'fails' is taken by registration/,
    );
    assert.equal((await registrations(call)).length, 1);
  });

  it('a thread that dies under a registration is replaced and its sessions loaded again', async () => {
    await call(
      'RG.JSEXECUTE',
      "GB('CommandReader').map(() => process.exit(3)).register({trigger: 'die'}); GB('CommandReader').map(() => 'alive').register({trigger: 'alive'})",
    );
    await assert.rejects(
      call('RG.TRIGGER', 'die'),
      /Could not trigger execution, the execution thread exited with code 3/,
    );
    assert.deepEqual(await call('RG.TRIGGER', 'alive'), ['alive']);
    const dumped = await registrations(call);
    assert.equal(dumped.find((r) => r.args.trigger === 'die')!.data.numAborted, 1);
  });

  it('the function sees its source scope, shared by its executions', async () => {
    await call(
      'RG.JSEXECUTE',
      "let calls = 0; const bump = () => ++calls; GB('CommandReader').map(() => bump()).register({trigger: 'count'})",
    );
    assert.deepEqual(await call('RG.TRIGGER', 'count'), ['1']);
    assert.deepEqual(await call('RG.TRIGGER', 'count'), ['2']);
  });
});
