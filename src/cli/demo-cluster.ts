// `npm run demo -- --cluster`: the cluster sections of RedisGears' introduction (Distributed Processing,
// Local vs. Global, Repartitioning Data) on a private 3-primary Redis Cluster with a gears server
// beside each primary, all started and stopped by pid here.
import { Cluster, Redis } from 'ioredis';
import { startCluster } from './cluster-processes.js';
import { startGearsProcess, type GearsProcess } from './processes.js';
import { PERSONS, show } from './demo.js';

const FLOWS = [
  {
    title: 'ShardsIDReader: one record per shard',
    source: `GB('ShardsIDReader').run()`,
  },
  {
    title: 'every person, read on the shard that holds it, collected here',
    source: `GB().map((x) => x.key).sort().run('person:*')`,
  },
  {
    title: 'run({collect: false}): only the persons of the shard the function was sent to',
    source: `GB().map((x) => x.key).run('person:*', { collect: false })`,
  },
  {
    title: 'persons per family, counted across shards (countby: local counts, repartitioned, summed)',
    source: `GB().countby((x) => x.value.name.split(' ')[1]).sort().run('person:*')`,
  },
  {
    title: 'Repartitioning Data: each family head count written by the shard that owns the family key',
    source: `GB()
  .localgroupby((x) => x.value.name.split(' ')[1], (k, a) => (a ?? 0) + 1)
  .repartition((x) => x.key)
  .localgroupby((x) => x.key, (k, a, r) => (a ?? 0) + r.value)
  .foreach(async (x) => { await execute('SET', x.key, String(x.value)); })
  .map((x) => x.key + ' = ' + x.value + ', written where hashtag() is ' + hashtag())
  .run('person:*')`,
  },
];

export async function demoClusterCommand(): Promise<void> {
  const cluster = await startCluster();
  console.log(
    `started a Redis Cluster: ${cluster.processes.map((p) => `pid ${p.pid} on 127.0.0.1:${p.port}`).join(', ')}`,
  );
  const gears: GearsProcess[] = [];
  const data = new Cluster(cluster.nodes.map((n) => ({ host: n.host, port: n.port })));
  let client: Redis | undefined;
  try {
    for (const node of cluster.nodes) {
      const g = await startGearsProcess(`redis://127.0.0.1:${node.port}`, ['--log-level', 'warn']);
      gears.push(g);
      console.log(`started gears server pid ${g.pid} on 127.0.0.1:${g.port} beside 127.0.0.1:${node.port}`);
    }
    for (const [key, name, age] of PERSONS) await data.hset(key, { name, age });
    console.log(`loaded ${PERSONS.length} persons through a cluster client; each lives on the shard of its slot`);
    client = new Redis(gears[0].url);
    const info = (await client.call('RG.INFOCLUSTER')) as unknown[];
    console.log(`\n== RG.INFOCLUSTER on 127.0.0.1:${gears[0].port}: my id ${String(info[1])}`);
    for (const shard of info[4] as unknown[][])
      console.log(
        `   shard ${String(shard[1])} at ${String(shard[3])}:${String(shard[5])}, slots ${String(shard[11])}-${String(shard[13])}`,
      );
    for (const flow of FLOWS) {
      console.log(`\n-- source:\n${flow.source}`);
      show(flow.title, await client.call('RG.JSEXECUTE', flow.source));
    }
    console.log('\n== the family head counts, read back with GET through the cluster client');
    for (const family of ['Smith', 'Sanchez', 'Pibbles']) console.log(`   GET ${family} -> ${await data.get(family)}`);
  } finally {
    client?.disconnect();
    data.disconnect();
    for (const g of gears) {
      await g.stop();
      console.log(`stopped gears server pid ${g.pid}`);
    }
    await cluster.stop();
    console.log(`stopped redis-server pids ${cluster.processes.map((p) => p.pid).join(', ')}`);
  }
}
