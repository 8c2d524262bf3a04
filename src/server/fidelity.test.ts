// Commands that Redis answers in unusual ways, answered through the gears server as Redis answers
// them: CLIENT REPLY, a killed connection. (SYNC/PSYNC: tunnel.test.ts; RG.* in MULTI and in RESP2
// subscribed mode: rg-gate.test.ts.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cmd, RawClient, RG_TEST_COMMANDS, stackForFile } from './harness.test.support.js';

const stack = stackForFile({ commands: RG_TEST_COMMANDS });

test('CLIENT REPLY OFF, SKIP and ON are honoured, for proxied and RG.* commands alike', async () => {
  const c = await RawClient.connect(stack().port);
  try {
    c.write(cmd('CLIENT', 'REPLY', 'OFF') + cmd('SET', 'r', '1') + cmd('rg.test') + cmd('GET', 'r'));
    c.write(cmd('CLIENT', 'REPLY', 'ON') + cmd('GET', 'r'));
    await c.expect('+OK\r\n$1\r\n1\r\n');
    c.write(cmd('CLIENT', 'REPLY', 'SKIP') + cmd('INCR', 'r') + cmd('rg.test') + cmd('GET', 'r'));
    await c.expect('$3\r\nran\r\n$1\r\n2\r\n');
    c.write(cmd('CLIENT', 'REPLY', 'SKIP') + cmd('rg.test') + cmd('PING'));
    await c.expect('+PONG\r\n');
    assert.equal(c.pending, '');
  } finally {
    c.close();
  }
});

test("Redis killing a client's connection closes that client", async () => {
  const c = await RawClient.connect(stack().port);
  try {
    c.write(cmd('CLIENT', 'ID'));
    await new Promise((r) => setTimeout(r, 50));
    const id = /^:(\d+)\r\n$/.exec(c.pending)?.[1];
    assert.ok(id, `CLIENT ID answered ${JSON.stringify(c.pending)}`);
    assert.equal(await stack().direct.client('KILL', 'ID', id), 1);
    await c.closed;
  } finally {
    c.close();
  }
});
