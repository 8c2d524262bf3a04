// What happens when a gears server of a cluster is missing, dies during a run, or comes back; and a
// gears server pointed at a replica.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort, startRedis } from '../../test/support/redis.js';
import { startGearsCluster, type GearsClusterHarness } from './cluster.test.support.js';

const CLI = new URL('../cli/main.js', import.meta.url).pathname;

let cluster: GearsClusterHarness;
let ids: string[];

before(async () => {
  cluster = await startGearsCluster();
  ids = await Promise.all(
    cluster.redis.nodes.map(async (n) => {
      const redis = new Redis(n.port, n.host);
      try {
        return String(await redis.call('CLUSTER', 'MYID'));
      } finally {
        redis.disconnect();
      }
    }),
  );
});

after(async () => {
  await cluster?.stop();
});

type Reply = [unknown[], unknown[]];

test('a primary without a gears server: executions fail at once, naming it; once it is back they run again', async () => {
  const client = cluster.client(0);
  await cluster.gears[2].stop();
  await assert.rejects(client.call('RG.JSEXECUTE', 'GB().count().run()'), (err: Error) => {
    assert.match(
      err.message,
      new RegExp(`shard ${ids[2]} \\(127\\.0\\.0\\.1:${cluster.redis.nodes[2].port}\\) has no gears server`),
    );
    assert.match(err.message, /gearbox serve --redis/);
    return true;
  });
  await cluster.startGears(2);
  assert.deepEqual(await client.call('RG.JSEXECUTE', `GB('ShardsIDReader').count().run()`), [['3'], []]);
});

test('a gears server killed during a run: the execution is aborted after ExecutionMaxIdleTime, naming the shard; the others keep serving', async () => {
  const clients = [0, 1, 2].map((i) => cluster.client(i));
  for (const c of clients) await c.call('RG.CONFIGSET', 'ExecutionMaxIdleTime', '500');
  const id = String(
    await clients[0].call(
      'RG.JSEXECUTE',
      `GB('ShardsIDReader').map(async (id) => { if (id === '${ids[2]}') await new Promise((r) => setTimeout(r, 600000)); return id; }).run()`,
      'UNBLOCKING',
    ),
  );
  for (;;) {
    const listed = (await clients[2].call('RG.DUMPEXECUTIONS')) as unknown[][];
    if (listed.some((e) => e[1] === id && e[3] === 'running')) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  process.kill(cluster.gears[2].pid, 'SIGKILL');
  const [, errors] = (await clients[0].call('RG.GETRESULTSBLOCKING', id)) as Reply;
  assert.ok(
    errors.some((e) =>
      String(e).includes(`shard ${ids[2]} (127.0.0.1:${cluster.redis.nodes[2].port}) stopped answering`),
    ),
    String(errors),
  );
  const [plan] = (await clients[0].call('RG.GETEXECUTION', id)) as unknown[][];
  assert.equal((plan[3] as unknown[])[1], 'aborted');
  assert.equal(await clients[1].call('PING'), 'PONG');

  await cluster.startGears(2);
  assert.deepEqual(await cluster.client(1).call('RG.JSEXECUTE', `GB('ShardsIDReader').count().run()`), [['3'], []]);
});

test('a gears server pointed at a replica without --standby refuses to start, saying to point it at a primary or pass --standby', async () => {
  const dir = await mkdtemp(join(process.env.TMPDIR ?? tmpdir(), 'gearbox-replica-'));
  const replica = await startRedis([
    '--cluster-enabled',
    'yes',
    '--cluster-config-file',
    join(dir, 'nodes.conf'),
    '--dir',
    dir,
  ]);
  const link = new Redis(replica.port, '127.0.0.1', { maxRetriesPerRequest: 1 });
  try {
    const primary = cluster.redis.nodes[0];
    await link.call('CLUSTER', 'MEET', primary.host, String(primary.port));
    for (;;) {
      try {
        await link.call('CLUSTER', 'REPLICATE', ids[0]);
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 100)); // the primary is not known yet
      }
    }
    const port = await freePort();
    const outcome = await promisify(execFile)(process.execPath, [
      CLI,
      'serve',
      '--redis',
      replica.url,
      '--port',
      String(port),
    ]).then(
      () => ({ code: 0, stderr: '' }),
      (err: { code: number; stderr: string }) => err,
    );
    assert.equal(outcome.code, 1);
    assert.match(
      outcome.stderr.trim(),
      /^gearbox serve: the Redis at redis:\/\/127\.0\.0\.1:\d+ is a replica: point --redis at a primary, or pass --standby/,
    );
    assert.equal(outcome.stderr.trim().split('\n').length, 1);
  } finally {
    await link.call('CLUSTER', 'RESET').catch(() => undefined);
    link.disconnect();
    await replica.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
