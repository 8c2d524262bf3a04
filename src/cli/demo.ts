// `npm run demo`: the flows of RedisGears' introduction, as gear functions in JavaScript, run on a
// private Redis and gears server that the demo starts and stops itself.
import { Redis } from 'ioredis';
import { startGearsProcess, startRedis } from './processes.js';

export const PERSONS: Array<[string, string, number]> = [
  ['person:1', 'Rick Sanchez', 70],
  ['person:2', 'Morty Smith', 14],
  ['person:3', 'Summer Smith', 17],
  ['person:4', 'Beth Smith', 35],
  ['person:5', 'Shrimply Pibbles', 87],
];

interface Flow {
  readonly title: string;
  readonly source: string;
}

const FLOWS: Flow[] = [
  { title: 'Every person (KeysReader over person:*)', source: `GB().run('person:*')` },
  {
    title: 'filter: only the keys that start with person:',
    source: `GB().filter((x) => x.key.startsWith('person:')).map((x) => x.key).sort().run()`,
  },
  {
    title: 'map: each person to their age',
    source: `GB().filter((x) => x.key.startsWith('person:')).map((x) => Number(x.value.age)).sort().run()`,
  },
  {
    title: 'maximum age, by accumulate',
    source: `GB().map((x) => Number(x.value.age)).accumulate((a, r) => Math.max(a ?? r, r)).run('person:*')`,
  },
  {
    title: 'average age, by aggregate (sum and count, combined across shards)',
    source: `GB()
  .map((x) => Number(x.value.age))
  .aggregate([0, 0], (a, r) => [a[0] + r, a[1] + 1], (a, r) => [a[0] + r[0], a[1] + r[1]])
  .map((x) => x[0] / x[1])
  .run('person:*')`,
  },
  {
    title: 'persons per family name, by countby',
    source: `GB().countby((x) => x.value.name.split(' ')[1]).sort().run('person:*')`,
  },
  {
    title: 'persons per family name, by localgroupby then groupby',
    source: `GB()
  .localgroupby((x) => x.value.name.split(' ')[1], (k, a, r) => (a ?? 0) + 1)
  .groupby((x) => x.key, (k, a, r) => (a ?? 0) + r.value)
  .sort()
  .run('person:*')`,
  },
];

export function show(title: string, reply: unknown): void {
  const [results, errors] = reply as [string[], string[]];
  console.log(`\n== ${title}`);
  for (const r of results) console.log(`   ${r}`);
  if (errors.length > 0) console.log(`   errors: ${errors.join('; ')}`);
}

export async function demoCommand(): Promise<void> {
  const redis = await startRedis();
  console.log(`started redis-server pid ${redis.pid} on 127.0.0.1:${redis.port}`);
  const gears = await startGearsProcess(redis.url, ['--log-level', 'warn']);
  console.log(`started gears server pid ${gears.pid} on 127.0.0.1:${gears.port}`);
  const client = new Redis(gears.url);
  try {
    for (const [key, name, age] of PERSONS) await client.hset(key, { name, age });
    await client.set('foo', 'bar');
    console.log(`loaded ${PERSONS.length} persons and the key foo through the gears server`);
    for (const flow of FLOWS) {
      console.log(`\n-- source:\n${flow.source}`);
      show(flow.title, await client.call('RG.JSEXECUTE', flow.source));
    }
    const id = String(
      await client.call('RG.JSEXECUTE', `GB().map((x) => x.value.name).sort().run('person:*')`, 'UNBLOCKING'),
    );
    console.log(`\n== UNBLOCKING: RG.JSEXECUTE replied execution id ${id}`);
    await client.call('RG.GETRESULTSBLOCKING', id);
    const dump = (await client.call('RG.DUMPEXECUTIONS')) as unknown[][];
    console.log('   RG.DUMPEXECUTIONS:');
    for (const entry of dump) console.log(`     ${entry[1]}  ${entry[3]}`);
    show(`RG.GETRESULTS ${id}`, await client.call('RG.GETRESULTS', id));
  } finally {
    client.disconnect();
    await gears.stop();
    console.log(`\nstopped gears server pid ${gears.pid}`);
    await redis.stop();
    console.log(`stopped redis-server pid ${redis.pid}`);
  }
}
