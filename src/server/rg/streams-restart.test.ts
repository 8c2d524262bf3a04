// A gears server process killed with SIGKILL in the middle of stream processing, then started
// again on the same Redis: every entry is processed (at least once), none is lost, nothing stays
// pending, without sending the source again (the server restores its registrations). Entries
// written while no gears server runs are processed when one comes back.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { startGearsProcess, startRedis, type GearsProcess, type RedisProcess } from '../../../test/support/redis.js';
import { waitFor } from '../../../test/support/wait.js';

const ENTRIES = 3000;
// slow enough (a few ms per batch of 10) that the kill lands in the middle of the stream
const SOURCE = `StreamReader()
  .foreach(async (r) => { await execute('SADD', 'done', r.value.n) })
  .accumulate((n) => (n ?? 0) + 1)
  .foreach(async () => { await new Promise((resolve) => setTimeout(resolve, 2)) })
  .register('orders:*', { batch: 10 })`;

function killed(gears: GearsProcess): Promise<void> {
  return new Promise((resolve) => {
    process.kill(gears.pid, 'SIGKILL');
    const poll = setInterval(() => {
      try {
        process.kill(gears.pid, 0);
      } catch {
        clearInterval(poll);
        resolve();
      }
    }, 10);
  });
}

describe('StreamReader registrations survive a killed gears server', () => {
  let redis: RedisProcess;
  let direct: Redis;
  const started: GearsProcess[] = [];

  before(async () => {
    redis = await startRedis();
    direct = new Redis(redis.url);
  });
  after(async () => {
    direct.disconnect();
    for (const gears of started) await gears.stop();
    await redis.stop();
  });

  const serve = async (): Promise<Redis> => {
    const gears = await startGearsProcess(redis.url);
    started.push(gears);
    return new Redis(gears.port, '127.0.0.1');
  };

  it('kill -9 mid-stream, restart: no entry lost, none left pending; entries written while down are processed', async () => {
    const first = await serve();
    // the session's name ties the registration to its consumer groups; the restarted server restores it
    assert.equal(await first.call('RG.JSEXECUTE', SOURCE, 'ID', 'orders'), 'OK');
    const pipeline = direct.pipeline();
    for (let n = 0; n < ENTRIES; n++) pipeline.xadd(`orders:${n % 3}`, '*', 'n', String(n));
    await pipeline.exec();
    await waitFor(async () => (await direct.scard('done')) >= ENTRIES / 10, 'processing to be under way');
    await killed(started[0]);
    first.disconnect();
    const processedBeforeRestart = await direct.scard('done');
    assert.ok(processedBeforeRestart < ENTRIES, 'the kill came too late to test anything');
    // written while no gears server runs
    for (let n = ENTRIES; n < ENTRIES + 30; n++) await direct.xadd('orders:late', '*', 'n', String(n));

    const second = await serve();
    try {
      const [restored] = (await second.call('RG.DUMPREGISTRATIONS')) as unknown[][];
      assert.equal(restored[3], 'StreamReader');
      await waitFor(async () => (await direct.scard('done')) === ENTRIES + 30, 'every entry', 60_000);
      for (const key of ['orders:0', 'orders:1', 'orders:2', 'orders:late']) {
        const groups = (await direct.xinfo('GROUPS', key)) as unknown[][];
        assert.equal(groups.length, 1);
        await waitFor(
          async () => ((await direct.xpending(key, String(groups[0][1]))) as unknown[])[0] === 0,
          `nothing pending on ${key}`,
        );
      }
    } finally {
      second.disconnect();
    }
  });
});
