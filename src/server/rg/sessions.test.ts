import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { Engine } from '../../engine/index.js';
import { waitFor } from '../../../test/support/wait.js';
import { useEventStack } from './events.test.support.js';

const version = (v: string) =>
  `GB().foreach(async (r) => { await execute('RPUSH', 'handled:' + r.key, '${v}') }).register('w:*', {eventTypes: ['set']})`;

describe('sessions (RG.JSEXECUTE ... ID <name> [UPGRADE])', () => {
  const s = useEventStack();
  const call = (...args: string[]) => s.client.call(args[0], ...args.slice(1));
  const ids = async () => ((await call('RG.DUMPREGISTRATIONS')) as unknown[][]).map((e) => String(e[1]));

  it('a taken session name is refused without UPGRADE; UPGRADE replaces its registrations', async () => {
    assert.equal(await call('RG.JSEXECUTE', version('v1'), 'ID', 'writer'), 'OK');
    const [first] = await ids();
    await assert.rejects(call('RG.JSEXECUTE', version('v2'), 'ID', 'writer'), /Session writer already exists.*UPGRADE/);
    await assert.rejects(call('RG.JSEXECUTE', version('v2'), 'UPGRADE'), /UPGRADE needs the session/);
    assert.equal(await call('RG.JSEXECUTE', version('v2'), 'ID', 'writer', 'UPGRADE'), 'OK');
    const after = await ids();
    assert.equal(after.length, 1);
    assert.notEqual(after[0], first);
    assert.match(String(((await call('RG.DUMPREGISTRATIONS')) as unknown[][])[0][9]), /'sessionName':'writer'/);
    await s.client.set('w:1', 'x');
    await waitFor(async () => (await s.direct.llen('handled:w:1')) === 1, 'the upgraded function');
    assert.deepEqual(await s.direct.lrange('handled:w:1', 0, -1), ['v2']);
    // the last registration unregistered ends the session: its name is free again
    await call('RG.UNREGISTER', after[0]);
    assert.equal(await call('RG.JSEXECUTE', version('v3'), 'ID', 'writer'), 'OK');
  });

  it('UPGRADE under a steady stream of writes: each write handled once, by the old version or the new', async () => {
    await call('RG.JSEXECUTE', version('old'), 'ID', 'steady');
    const total = 600;
    let written = 0;
    const writer = (async () => {
      for (; written < total; written++) await s.direct.set(`w:${written}`, 'x');
    })();
    await waitFor(() => written > 150, 'writes before the upgrade');
    await call('RG.JSEXECUTE', version('new'), 'ID', 'steady', 'UPGRADE');
    await writer;
    const lengths = async () => {
      const pipe = s.direct.pipeline();
      for (let i = 0; i < total; i++) pipe.llen(`handled:w:${i}`);
      return (await pipe.exec())!.map(([, n]) => Number(n));
    };
    await waitFor(async () => (await lengths()).every((n) => n >= 1), 'every write to be handled');
    assert.deepEqual(
      (await lengths()).filter((n) => n !== 1),
      [],
      'a write handled twice',
    );
    const pipe = s.direct.pipeline();
    for (let i = 0; i < total; i++) pipe.lindex(`handled:w:${i}`, 0);
    const by = (await pipe.exec())!.map(([, v]) => String(v));
    const switched = by.indexOf('new');
    assert.ok(switched > 0, 'the new version handled the later writes');
    assert.ok(by.slice(0, switched).every((v) => v === 'old') && by.slice(switched).every((v) => v === 'new'));
  });

  it('onRegistered runs when the registration starts, with its id', async () => {
    await call(
      'RG.JSEXECUTE',
      "GB().register('x:*', {onRegistered: async (id) => { await execute('SET', 'started', id) }})",
    );
    const [id] = await ids();
    await waitFor(async () => (await s.direct.get('started')) === id, 'onRegistered');
  });
});

describe('stored registrations', () => {
  const s = useEventStack();
  const call = (...args: string[]) => s.client.call(args[0], ...args.slice(1));

  it('a FLUSHALL does not drop live registrations: they fire, and the server writes them back', async () => {
    await call('RG.JSEXECUTE', version('kept'), 'ID', 'kept');
    assert.equal(await s.direct.hexists('__gearbox:sessions', 'kept'), 1);
    await s.direct.flushall();
    await s.client.set('w:1', 'x');
    await waitFor(async () => (await s.direct.llen('handled:w:1')) === 1, 'the event after FLUSHALL');
    await waitFor(async () => (await s.direct.hexists('__gearbox:sessions', 'kept')) === 1, 'the write-back');
  });

  it('a gears server restarted on the same Redis restores registrations with their ids, paused state and onRegistered', async () => {
    await call(
      'RG.JSEXECUTE',
      "GB().foreach(async (r) => { await execute('INCR', 'n:' + r.key) }).register('r:*', {onRegistered: async () => { await execute('INCR', 'starts') }})",
      'ID',
      'restored',
    );
    await call('RG.JSEXECUTE', "GB('CommandReader').map(() => 'pong').register({trigger: 'ping2'})");
    const before = (await call('RG.DUMPREGISTRATIONS')) as unknown[][];
    await call('RG.PAUSEREGISTRATIONS', String(before[1][1]));
    await waitFor(async () => (await s.direct.get('starts')) === '1', 'the first onRegistered');

    const second = await Engine.start({ redisUrl: s.redis.url, config: { ExecutionThreads: 1 } });
    const client = new Redis(s.redis.url);
    try {
      const restored = second.registrations.registry.all();
      assert.deepEqual(
        restored.map((r) => [r.id, r.paused]).sort(),
        [
          [String(before[0][1]), false],
          [String(before[1][1]), true],
        ].sort(),
      );
      await waitFor(async () => (await client.get('starts')) === '2', 'onRegistered after the restart');
      second.registrations.setPaused([String(before[1][1])], false);
      assert.deepEqual(await second.registrations.trigger('ping2', []), { results: ['pong'], errors: [] });
      // a new execution id never repeats a restored registration id
      const outcome = await second.execute("GB('ShardsIDReader').run()", { unblocking: true });
      assert.ok(outcome.kind === 'id' && !restored.some((r) => r.id === outcome.id));
    } finally {
      client.disconnect();
      await second.close();
    }
  });

  it('an unregistered registration stays unregistered after a restart', async () => {
    await call(
      'RG.JSEXECUTE',
      "GB().foreach(async (r) => { await execute('INCR', 'a:' + r.key) }).register('u:*', {eventTypes: ['set']}); GB().foreach(async (r) => { await execute('INCR', 'b:' + r.key) }).register('u:*', {eventTypes: ['set']})",
      'ID',
      'pair',
    );
    await call('RG.JSEXECUTE', "GB('CommandReader').map(() => 'pong').register({trigger: 'gone'})", 'ID', 'single');
    const before = ((await call('RG.DUMPREGISTRATIONS')) as unknown[][]).map((e) => String(e[1]));
    const [kept, dropped, single] = before;
    await call('RG.UNREGISTER', dropped);
    await call('RG.UNREGISTER', single);
    await waitFor(async () => (await s.direct.hexists('__gearbox:sessions', 'single')) === 0, 'the ended session');

    const second = await Engine.start({ redisUrl: s.redis.url, config: { ExecutionThreads: 1 } });
    try {
      assert.deepEqual(
        second.registrations.registry.all().map((r) => r.id),
        [kept],
      );
      await assert.rejects(second.registrations.trigger('gone', []), /subcommand not found/);
    } finally {
      await second.close();
    }
  });
});
