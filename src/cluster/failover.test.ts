// A 3-primary Redis Cluster with a replica per primary and a gears server beside every node (stand-bys
// beside the replicas): what a stand-by serves, resharding, a planned failover (CLUSTER FAILOVER) and an
// unplanned one (the primary killed), each followed by registrations firing once and distributed counts.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import calculateSlot from 'cluster-key-slot';
import { Cluster, Redis } from 'ioredis';
import { startCluster, type RedisClusterProcess } from '../../test/support/cluster.js';
import { startGearsProcess, type GearsProcess } from '../../test/support/redis.js';
import { tagForSlot } from '../runtime/index.js';
import { waitThrough } from '../../test/support/wait.js';

const run = promisify(execFile);

interface NodeView {
  readonly id: string;
  readonly port: number;
  readonly primary: boolean;
  /** The primary's id, for a replica. */
  readonly of: string | undefined;
  readonly slots: ReadonlyArray<readonly [number, number]>;
}

let redis: RedisClusterProcess;
let data: Cluster;
/** Gears server beside each Redis, by the Redis' port. */
const gears = new Map<number, GearsProcess>();
const clients: Redis[] = [];
const KEYS = 300;

before(async () => {
  // a short node timeout: the unplanned failover happens within seconds
  redis = await startCluster({ replicas: 1, extraArgs: ['--cluster-node-timeout', '2000'] });
  const views = await layout();
  await Promise.all(
    views.map(async (node) => {
      const flags = ['--threads', '2', '--log-level', 'silent', ...(node.primary ? [] : ['--standby'])];
      gears.set(node.port, await startGearsProcess(`redis://127.0.0.1:${node.port}`, flags));
    }),
  );
  data = new Cluster(
    redis.nodes.map((n) => ({ host: n.host, port: n.port })),
    { scaleReads: 'master' },
  );
  data.on('error', () => undefined); // a test kills a primary
  for (let i = 0; i < KEYS; i++) await data.set(`n:${i}`, String(i));
});

after(async () => {
  for (const c of clients) c.disconnect();
  data?.disconnect();
  await Promise.all([...gears.values()].map((g) => g.stop()));
  await redis?.stop();
});

/** The cluster as a live node sees it: every node, primaries with their slots. */
async function layout(): Promise<NodeView[]> {
  for (const node of redis.nodes) {
    const link = new Redis(node.port, node.host, { maxRetriesPerRequest: 1, retryStrategy: () => null });
    link.on('error', () => undefined);
    try {
      const text = String(await link.call('CLUSTER', 'NODES'));
      return text
        .trim()
        .split('\n')
        .map((line) => line.split(' '))
        .filter(([, , flags]) => !flags.includes('fail') && !flags.includes('noaddr'))
        .map(([id, address, flags, of, , , , , ...slots]) => ({
          id,
          port: Number(address.split('@')[0].split(':')[1]),
          primary: flags.includes('master'),
          of: of === '-' ? undefined : of,
          slots: slots.filter((s) => !s.startsWith('[')).map((s) => s.split('-').map(Number) as [number, number]),
        }))
        .map((n) => ({ ...n, slots: n.slots.map(([from, to]) => [from, to ?? from] as const) }));
    } catch {
      // this node is down: ask the next
    } finally {
      link.disconnect();
    }
  }
  throw new Error('no node of the cluster answers');
}

function client(port: number): Redis {
  const c = new Redis(gears.get(port)!.url, { maxRetriesPerRequest: 1 });
  c.on('error', () => undefined);
  clients.push(c);
  return c;
}

const waitFor = waitThrough;

/** A key of the form `${prefix}{tag}` whose slot `node` serves. */
function keyOn(node: NodeView, prefix: string): string {
  for (let i = 0; ; i++) {
    const slot = calculateSlot(String(i));
    if (node.slots.some(([from, to]) => slot >= from && slot <= to)) return `${prefix}{${i}}`;
  }
}

type Info = [string, string, string, string, unknown[][]];

/** RG.INFOCLUSTER's shards as id -> run id. */
async function infoShards(c: Redis): Promise<Map<string, string | null>> {
  const info = (await c.call('RG.INFOCLUSTER')) as Info;
  return new Map(info[4].map((s) => [String(s[1]), s[9] === null ? null : String(s[9])]));
}

async function myRunId(port: number): Promise<string> {
  return String(((await client(port).call('RG.INFOCLUSTER')) as Info)[3]);
}

async function count(port: number): Promise<unknown> {
  return client(port).call('RG.JSEXECUTE', `GB().count().run('n:*')`);
}

/** Waits until every primary's gears server sees every primary with its gears server's run id. */
async function settled(): Promise<NodeView[]> {
  let primaries: NodeView[] = [];
  await waitFor('every gears server shows the new layout in RG.INFOCLUSTER', async () => {
    primaries = (await layout()).filter((n) => n.primary && n.slots.length > 0);
    const runIds = await Promise.all(primaries.map((p) => myRunId(p.port)));
    const expected = new Map(primaries.map((p, i) => [p.id, runIds[i]]));
    const seen = await Promise.all(primaries.map((p) => infoShards(client(p.port))));
    return seen.every((shards) => JSON.stringify([...shards].sort()) === JSON.stringify([...expected].sort()));
  });
  return primaries;
}

const SOURCE = `GB().foreach(async (r) => { await execute('INCR', 'fired:' + r.key) }).register('ev:*', {eventTypes: ['set']})`;

test('a stand-by refuses what writes as Redis refuses a replica, naming its primary; reads and proxied commands work as on the replica', async () => {
  const views = await layout();
  const replica = views.find((n) => !n.primary)!;
  const primary = views.find((n) => n.id === replica.of)!;
  const standby = client(replica.port);
  const refused = (err: Error) => {
    assert.match(err.message, /^READONLY this gears server stands by beside a replica of 127\.0\.0\.1:\d+: send/);
    assert.ok(err.message.includes(`127.0.0.1:${primary.port}:`), `${err.message} names ${primary.port}`);
    return true;
  };
  await assert.rejects(standby.call('RG.JSEXECUTE', 'GB().count().run()'), refused);
  await assert.rejects(standby.call('RG.JSEXECUTE', SOURCE), refused);
  await assert.rejects(standby.call('RG.UNREGISTER', 'x'), refused);
  await assert.rejects(standby.call('RG.TRIGGER', 'x'), refused);
  assert.deepEqual(await standby.call('RG.DUMPEXECUTIONS'), []);
  assert.deepEqual(await standby.call('RG.DUMPREGISTRATIONS'), []);
  assert.equal(String(((await standby.call('RG.INFOCLUSTER')) as Info)[1]), replica.id);
  assert.deepEqual(
    [...(await infoShards(standby)).keys()].sort(),
    views
      .filter((n) => n.primary)
      .map((n) => n.id)
      .sort(),
  );
  const direct = new Redis(replica.port, '127.0.0.1', { maxRetriesPerRequest: 1 });
  try {
    const key = keyOn(primary, 'n:');
    const answer = async (c: Redis) => c.set(key, 'x').catch((err: Error) => err.message);
    assert.equal(await answer(standby), await answer(direct));
    assert.equal(await standby.call('READONLY'), 'OK');
    assert.equal(await standby.call('DBSIZE'), await direct.call('DBSIZE'));
  } finally {
    direct.disconnect();
  }
});

test('resharding: the gears servers pick up the moved slots by themselves, and counts stay right from every node', async () => {
  const primaries = (await layout()).filter((n) => n.primary);
  const [from, to] = primaries;
  await run('redis-cli', [
    '--cluster',
    'reshard',
    `127.0.0.1:${from.port}`,
    '--cluster-from',
    from.id,
    '--cluster-to',
    to.id,
    '--cluster-slots',
    '200',
    '--cluster-yes',
  ]);
  const after = await settled();
  assert.notDeepEqual(after.find((p) => p.id === from.id)!.slots, from.slots);
  // RG.INFOCLUSTER everywhere shows each shard's new lowest and highest slot
  const bounds = (slots: NodeView['slots']) => [
    Math.min(...slots.map(([a]) => a)),
    Math.max(...slots.map(([, b]) => b)),
  ];
  const expected = after.map((p) => [p.id, ...bounds(p.slots)].join(' ')).sort();
  for (const p of after) {
    const info = (await client(p.port).call('RG.INFOCLUSTER')) as Info;
    assert.deepEqual(info[4].map((s) => [s[1], s[11], s[13]].join(' ')).sort(), expected);
  }
  for (const p of after) assert.deepEqual(await count(p.port), [[String(KEYS)], []]);
  for (const p of after) assert.equal(await client(p.port).call('RG.REFRESHCLUSTER'), 'OK');
  for (const p of after) assert.deepEqual(await count(p.port), [[String(KEYS)], []]);
});

/** Registers SOURCE from one primary's gears server; waits until the replicas hold the stored registrations. */
async function registerEverywhere(): Promise<void> {
  const primaries = (await layout()).filter((n) => n.primary && n.slots.length > 0);
  const first = client(primaries[0].port);
  if (((await first.call('RG.DUMPREGISTRATIONS')) as unknown[]).length === 0)
    assert.equal(await first.call('RG.JSEXECUTE', SOURCE), 'OK');
  for (const p of primaries)
    await waitFor(`the registration is on ${p.id}`, async () => {
      return ((await client(p.port).call('RG.DUMPREGISTRATIONS')) as unknown[]).length === 1;
    });
  const replicas = (await layout()).filter((n) => !n.primary);
  for (const r of replicas) {
    // the shard's own keys live under the tag of its lowest slot (src/engine/identity.ts)
    const lowest = Math.min(...primaries.find((p) => p.id === r.of)!.slots.map(([from]) => from));
    const stored = `__gearbox:{${tagForSlot(lowest)}}:sessions`;
    let seen = '';
    try {
      await waitFor(`the registrations replicated to ${r.id}`, async () => {
        const link = new Redis(r.port, '127.0.0.1', { maxRetriesPerRequest: 1 });
        try {
          await link.call('READONLY'); // a cluster replica redirects reads otherwise
          seen = JSON.stringify([await link.hkeys(stored), await link.keys('__gearbox:*')]);
          return (await link.hlen(stored)) === 1;
        } finally {
          link.disconnect();
        }
      });
    } catch (err) {
      throw new Error(`${(err as Error).message}: ${stored} ${seen}`, { cause: err });
    }
  }
}

/** Writes a key of `node`'s slots and waits until the registration fired for it; returns how often it did. */
async function fire(node: NodeView): Promise<number> {
  const key = keyOn(node, 'ev:');
  // keyOn picks the same key for the same slots in every test, and a shard promoted twice (CLUSTER
  // FAILOVER, then the kill) owns the same slots: count from what the earlier test left
  const before = Number(await data.get(`fired:${key}`));
  await data.set(key, '1');
  let fired = 0;
  await waitFor(`the registration fired for ${key}`, async () => {
    fired = Number(await data.get(`fired:${key}`)) - before;
    return fired > 0;
  });
  return fired;
}

/** numTriggered of the single registration a gears server holds (RG.DUMPREGISTRATIONS). */
async function triggered(port: number): Promise<number> {
  const [reg] = (await client(port).call('RG.DUMPREGISTRATIONS')) as unknown[][];
  const stats = reg[7] as unknown[];
  return Number(stats[stats.indexOf('numTriggered') + 1]);
}

test('CLUSTER FAILOVER: the stand-by takes over (registrations, INFOCLUSTER, distributed runs), the old primary steps down', async () => {
  await registerEverywhere();
  const before = await layout();
  const replica = before.find((n) => !n.primary)!;
  const primary = before.find((n) => n.id === replica.of)!;
  const promote = new Redis(replica.port, '127.0.0.1', { maxRetriesPerRequest: 1 });
  try {
    assert.equal(await promote.call('CLUSTER', 'FAILOVER'), 'OK');
  } finally {
    promote.disconnect();
  }
  await waitFor('the old primary is a replica', async () =>
    (await layout()).some((n) => n.id === primary.id && !n.primary),
  );
  const demoted = client(primary.port);
  await waitFor('the old primary gears server stands by', async () => {
    const err = (await demoted.call('RG.JSEXECUTE', 'GB().count().run()').catch((e: Error) => e)) as Error;
    return err instanceof Error && err.message.includes(`stands by beside a replica of 127.0.0.1:${replica.port}`);
  });
  assert.deepEqual(await demoted.call('RG.DUMPREGISTRATIONS'), []);
  const primaries = await settled();
  assert.ok(primaries.some((p) => p.id === replica.id));
  await waitFor('the promoted gears server restored the registration', async () => {
    return ((await client(replica.port).call('RG.DUMPREGISTRATIONS')) as unknown[]).length === 1;
  });
  const promoted = primaries.find((p) => p.id === replica.id)!;
  assert.equal(await fire(promoted), 1);
  assert.equal(await triggered(replica.port), 1);
  for (const p of primaries) assert.deepEqual(await count(p.port), [[String(KEYS)], []]);
  const ids = (await client(replica.port).call('RG.JSEXECUTE', `GB('ShardsIDReader').run()`)) as unknown[][];
  assert.deepEqual(ids[0].map(String).sort(), primaries.map((p) => p.id).sort());
});

test('a primary killed: the cluster fails over, the stand-by beside its replica takes over and serves', async () => {
  await registerEverywhere();
  const before = await layout();
  const replica = before.find((n) => !n.primary)!;
  const victim = before.find((n) => n.id === replica.of)!;
  const process_ = redis.processes.find((p) => p.port === victim.port)!;
  process.kill(process_.pid, 'SIGKILL');
  await waitFor('the replica is promoted', async () =>
    (await layout()).some((n) => n.id === replica.id && n.primary && n.slots.length > 0),
  );
  await waitFor('the promoted gears server restored the registration', async () => {
    return ((await client(replica.port).call('RG.DUMPREGISTRATIONS')) as unknown[]).length === 1;
  });
  const primaries = await settled();
  const promoted = primaries.find((p) => p.id === replica.id)!;
  assert.equal(await fire(promoted), 1);
  for (const p of primaries) assert.deepEqual(await count(p.port), [[String(KEYS)], []]);
});
