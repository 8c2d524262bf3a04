// A real 3-primary Redis Cluster with a gears server process beside each primary, for the cluster
// tests. Named *.test.support.ts so the package does not ship it.
import { Cluster, Redis } from 'ioredis';
import { startCluster, type RedisClusterProcess } from '../../test/support/cluster.js';
import { startGearsProcess, type GearsProcess } from '../../test/support/redis.js';

export interface GearsClusterHarness {
  readonly redis: RedisClusterProcess;
  /** The gears server of each primary, in the order of redis.nodes. */
  readonly gears: GearsProcess[];
  /** A Redis Cluster client for seeding data. */
  readonly data: Cluster;
  /** A client of the i-th gears server. */
  client(i: number): Redis;
  /** Starts (again) the gears server of the i-th primary. */
  startGears(i: number): Promise<GearsProcess>;
  stop(): Promise<void>;
}

export async function startGearsCluster(): Promise<GearsClusterHarness> {
  const redis = await startCluster();
  const gears: GearsProcess[] = [];
  const clients: Redis[] = [];
  const startGears = async (i: number) => {
    const process = await startGearsProcess(`redis://127.0.0.1:${redis.nodes[i].port}`, [
      '--threads',
      '2',
      '--log-level',
      'silent',
    ]);
    gears[i] = process;
    return process;
  };
  try {
    for (let i = 0; i < redis.nodes.length; i++) await startGears(i);
  } catch (err) {
    await Promise.all(gears.map((g) => g?.stop()));
    await redis.stop();
    throw err;
  }
  const data = new Cluster(redis.nodes.map((n) => ({ host: n.host, port: n.port })));
  return {
    redis,
    gears,
    data,
    client(i) {
      const client = new Redis(gears[i].url, { maxRetriesPerRequest: 1 });
      client.on('error', () => undefined); // a test may stop the server under it
      clients.push(client);
      return client;
    },
    startGears,
    async stop() {
      for (const c of clients) c.disconnect();
      data.disconnect();
      await Promise.all(gears.map((g) => g.stop()));
      await redis.stop();
    },
  };
}

/**
 * Waits until `client`'s RG.DUMPEXECUTIONS shows execution `id` with `status`; fails at once if it
 * shows one of `never` instead.
 */
export async function untilListed(client: Redis, id: string, status: string, never: string[] = []): Promise<void> {
  for (;;) {
    const listed = (await client.call('RG.DUMPEXECUTIONS')) as unknown[][];
    const shown = listed.find((e) => e[1] === id)?.[3];
    if (shown === status) return;
    if (never.includes(String(shown))) throw new Error(`execution ${id} is ${String(shown)}, not ${status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
