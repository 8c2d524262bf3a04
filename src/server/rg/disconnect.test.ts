// A client that goes away while RG.JSEXECUTE blocks: its execution is aborted, freeing the thread;
// an UNBLOCKING execution is for anyone to collect, and goes on.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { waitFor } from '../../../test/support/wait.js';
import { startRedis } from '../../../test/support/redis.js';
import { Engine } from '../../engine/index.js';
import { cmd, RawClient } from '../harness.test.support.js';
import { GearsServer } from '../server.js';
import { gearsCommands } from './index.js';

test('a blocking RG.JSEXECUTE whose client disconnects is aborted; an UNBLOCKING one goes on', async () => {
  const redis = await startRedis();
  const engine = await Engine.start({ redisUrl: redis.url, config: { ExecutionThreads: 1 } });
  const server = new GearsServer({ redisUrl: redis.url, port: 0, commands: gearsCommands(engine) });
  const { port } = await server.listen();
  const other = new Redis({ port, lazyConnect: true });
  try {
    const leaving = await RawClient.connect(port);
    leaving.write(cmd('RG.JSEXECUTE', "GB('ShardsIDReader').map(() => { for (;;) {} }).run()"));
    await waitFor(() => engine.executions.list().some((e) => e.status === 'running'), 'the spinner to run');
    leaving.close();
    await waitFor(() => engine.executions.list().length === 0, 'the execution to be aborted');
    // the one thread is free again
    await other.connect();
    assert.deepEqual(await other.call('RG.JSEXECUTE', "GB('ShardsIDReader').map(() => 'free').run()"), [['free'], []]);

    const unblocking = await RawClient.connect(port);
    unblocking.write(
      cmd(
        'RG.JSEXECUTE',
        "GB('ShardsIDReader').map(async () => { await new Promise((r) => setTimeout(r, 200)); return 'kept'; }).run()",
        'UNBLOCKING',
      ),
    );
    await waitFor(() => /^\$\d+\r\n[0-9a-f]{40}-\d+\r\n$/.test(unblocking.pending), 'the execution id');
    const id = unblocking.pending.split('\r\n')[1];
    unblocking.close();
    assert.deepEqual(await other.call('RG.GETRESULTSBLOCKING', id), [['kept'], []]);
  } finally {
    other.disconnect();
    await server.close();
    await engine.close();
    await redis.stop();
  }
});
