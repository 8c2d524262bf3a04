// The gate in front of RG.* (rg-gate.ts): refused where Redis refuses a command it cannot run there,
// run otherwise. (The ACL part of the gate: acl-users.test.ts.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cmd, RawClient, RG_TEST_COMMANDS, stackForFile } from './harness.test.support.js';

const stack = stackForFile({ commands: RG_TEST_COMMANDS });

test('RG.* inside MULTI is refused like a command Redis cannot queue: EXEC answers EXECABORT', async () => {
  const c = await RawClient.connect(stack().port);
  try {
    await c.roundTrip(
      cmd('MULTI') + cmd('SET', 'tx', '1') + cmd('rg.test') + cmd('EXEC'),
      '+OK\r\n+QUEUED\r\n-ERR Command not allowed inside a transaction\r\n' +
        '-EXECABORT Transaction discarded because of previous errors.\r\n',
    );
    assert.equal(await stack().direct.exists('tx'), 0);
    await c.roundTrip(cmd('rg.test'), '$3\r\nran\r\n');
  } finally {
    c.close();
  }
});

test('RG.* while subscribed: refused in RESP2 as Redis refuses other commands, allowed in RESP3', async () => {
  const c = await RawClient.connect(stack().port);
  try {
    await c.roundTrip(cmd('SUBSCRIBE', 'ch'), '*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n');
    await c.roundTrip(
      cmd('rg.test'),
      "-ERR Can't execute 'rg.test': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n",
    );
    await c.roundTrip(cmd('RESET') + cmd('HELLO', '3'), '+RESET\r\n%7\r\n');
    await c.expect(c.pending.slice(0, c.pending.indexOf('*0\r\n') + 4));
    await c.roundTrip(cmd('SUBSCRIBE', 'ch'), '>3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n');
    await c.roundTrip(cmd('rg.test'), '$3\r\nran\r\n');
  } finally {
    c.close();
  }
});
