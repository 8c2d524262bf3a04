// A stand-by gears server beside a plain (non-cluster) replica: it fires nothing while the primary's
// server does, takes over the registrations and stream positions when its replica is promoted
// (REPLICAOF NO ONE), and the old primary's server steps down when its Redis becomes a replica.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { startGearsProcess, startRedis, type GearsProcess, type RedisProcess } from '../../test/support/redis.js';
import { waitThrough } from '../../test/support/wait.js';

let primary: RedisProcess;
let replica: RedisProcess;
let gears: GearsProcess[] = [];
const links: Redis[] = [];

function link(url: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  links.push(redis);
  return redis;
}

before(async () => {
  primary = await startRedis();
  replica = await startRedis(['--replicaof', '127.0.0.1', String(primary.port)]);
  const flags = ['--threads', '1', '--log-level', 'silent'];
  // outside a cluster only a server started with --standby follows its Redis' role (README, stand-by servers)
  const standby = [...flags, '--standby'];
  gears = [await startGearsProcess(primary.url, standby), await startGearsProcess(replica.url, standby)];
});

after(async () => {
  for (const l of links) l.disconnect();
  await Promise.all(gears.map((g) => g.stop()));
  await replica?.stop();
  await primary?.stop();
});

const waitFor = waitThrough;

const registrations = async (g: GearsProcess) => ((await link(g.url).call('RG.DUMPREGISTRATIONS')) as unknown[]).length;

test('promoted, the stand-by fires the registrations from where the old primary left them; the old one steps down', async () => {
  const [first, second] = gears.map((g) => link(g.url));
  assert.equal(
    await first.call(
      'RG.JSEXECUTE',
      `GB().foreach(async (r) => { await execute('INCR', 'fired') }).register('ev:*', {eventTypes: ['set']})`,
    ),
    'OK',
  );
  assert.equal(
    await first.call(
      'RG.JSEXECUTE',
      `GB('StreamReader').foreach(async (r) => { await execute('INCR', 'streamed') }).register('s:*')`,
    ),
    'OK',
  );
  const writer = link(primary.url);
  await writer.set('ev:1', 'x');
  await writer.xadd('s:1', '*', 'n', '1');
  await waitFor(
    'the primary fired',
    async () => (await writer.get('fired')) === '1' && (await writer.get('streamed')) === '1',
  );
  assert.equal(await registrations(gears[1]), 0);
  await assert.rejects(
    second.call('RG.JSEXECUTE', 'GB().count().run()'),
    /: READONLY this gears server stands by beside a replica of 127\.0\.0\.1:\d+: send this to the gears server of that primary/,
  );
  await waitFor('the replica has it all', async () => Number(await writer.call('WAIT', '1', '1000')) === 1);

  const promoted = link(replica.url);
  await promoted.call('REPLICAOF', 'NO', 'ONE');
  await writer.call('REPLICAOF', '127.0.0.1', String(replica.port));
  await waitFor('the stand-by took over', async () => (await registrations(gears[1])) === 2);
  await waitFor('the old primary server stood down', async () => {
    const err = (await first.call('RG.JSEXECUTE', 'GB().count().run()').catch((e: Error) => e)) as Error;
    return err instanceof Error && err.message.startsWith('READONLY');
  });
  assert.equal(await registrations(gears[0]), 0);

  await promoted.set('ev:2', 'x');
  const last = String(await promoted.xadd('s:1', '*', 'n', '2'));
  await waitFor('the promoted fired', async () => (await promoted.get('fired')) === '2');
  await waitFor('the promoted acknowledged the new entry', async () => {
    const [group] = (await promoted.call('XINFO', 'GROUPS', 's:1')) as unknown[][];
    const field = (name: string) => String(group[group.indexOf(name) + 1]);
    return field('last-delivered-id') === last && field('pending') === '0';
  });
  // the entry processed before the failover was not processed again: the group's position replicated
  assert.equal(await promoted.get('streamed'), '2');
  assert.deepEqual(await second.call('RG.JSEXECUTE', `GB().count().run('ev:*')`), [['2'], []]);
});
