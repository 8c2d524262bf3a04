import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { waitFor } from '../../../test/support/wait.js';
import { useEventStack } from './events.test.support.js';

describe("mode: 'sync' key event registrations", () => {
  const s = useEventStack();

  it('the writer sees the function’s effects when its write returns through the gears server', async () => {
    await s.client.call(
      'RG.JSEXECUTE',
      "GB().foreach(async (r) => { await execute('INCR', 'count:' + r.key) }).register('acct:*', {mode: 'sync', eventTypes: ['set', 'hset']})",
    );
    for (let i = 1; i <= 30; i++) {
      await s.client.set('acct:1', String(i));
      assert.equal(await s.client.get('count:acct:1'), String(i));
    }
    await s.client.hset('acct:2', 'f', 'v');
    assert.equal(await s.client.get('count:acct:2'), '1');
    // a pipeline keeps its replies in order while each write waits for its function
    const replies = await s.client
      .pipeline()
      .set('acct:3', 'a')
      .get('count:acct:3')
      .set('acct:3', 'b')
      .get('count:acct:3')
      .exec();
    assert.deepEqual(
      replies?.map(([, value]) => value),
      ['OK', '1', 'OK', '2'],
    );
    // transactions and scripts too
    await s.client.multi().set('acct:4', 'a').set('acct:4', 'b').exec();
    assert.equal(await s.client.get('count:acct:4'), '2');
    await s.client.eval("return redis.call('SET', KEYS[1], 'x')", 1, 'acct:5');
    assert.equal(await s.client.get('count:acct:5'), '1');
  });

  it('writes to other keys and reads are not held; a write straight to Redis fires it asynchronously', async () => {
    await s.client.call(
      'RG.JSEXECUTE',
      "GB().foreach(async (r) => { await execute('INCR', 'count:' + r.key) }).register('acct:*', {mode: 'sync'})",
    );
    assert.equal(await s.client.set('other', 'v'), 'OK');
    assert.equal(await s.client.get('count:other'), null);
    await s.direct.set('acct:9', 'v');
    await waitFor(async () => (await s.direct.get('count:acct:9')) === '1', 'the bypassing write’s event');
  });
});
