// AUTH, HELLO, SELECT, RESET and QUIT through the gears server (session-commands.ts): they change whose,
// which database's and which protocol's link a client's commands use, as on Redis. (AUTH and HELLO with
// passwords and ACL users: auth.test.ts, acl-users.test.ts.)
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { cmd, RawClient, startStack, type Stack } from './harness.test.support.js';

let stack: Stack;
before(async () => {
  stack = await startStack();
});
after(async () => {
  await stack.stop();
});

test('QUIT replies OK and closes; RESET before any Redis traffic is answered locally', async () => {
  const c = await RawClient.connect(stack.port);
  await c.roundTrip(cmd('RESET'), '+RESET\r\n');
  await c.roundTrip(cmd('QUIT'), '+OK\r\n');
  await c.closed;
  assert.equal(c.pending, '');
});

test('SELECT moves only the client that sent it; RESET brings it back to the database of the Redis URL', async () => {
  const c = await RawClient.connect(stack.port);
  const other = new Redis({ port: stack.port });
  try {
    // on the shared link: SELECT is undone for the other clients right after
    await c.roundTrip(cmd('SELECT', '2') + cmd('SET', 'where', 'two'), '+OK\r\n+OK\r\n');
    assert.equal(await other.get('where'), null);
    await c.roundTrip(cmd('GET', 'where'), '$3\r\ntwo\r\n');
    // with state on its own link (MULTI), the client stays in its database too
    await c.roundTrip(cmd('MULTI') + cmd('GET', 'where') + cmd('EXEC'), '+OK\r\n+QUEUED\r\n*1\r\n$3\r\ntwo\r\n');
    await c.roundTrip(cmd('RESET') + cmd('GET', 'where'), '+RESET\r\n$-1\r\n');
    await c.roundTrip(cmd('SELECT', '99'), '-ERR DB index is out of range\r\n');
    await c.roundTrip(cmd('GET', 'where'), '$-1\r\n');
    const direct2 = new Redis({ port: stack.redis.port, db: 2 });
    assert.equal(await direct2.get('where'), 'two');
    direct2.disconnect();
  } finally {
    c.close();
    other.disconnect();
  }
});

test('HELLO 3 switches the protocol of the client that sent it only', async () => {
  const c = await RawClient.connect(stack.port);
  const other = await RawClient.connect(stack.port);
  try {
    await c.roundTrip(cmd('HELLO', '3') + cmd('PING'), '%7\r\n');
    // the rest of Redis' HELLO map, up to the PING's reply
    for (let i = 0; i < 100 && !c.pending.endsWith('+PONG\r\n'); i++) await new Promise((r) => setTimeout(r, 20));
    assert.match(c.pending, /\$5\r\nproto\r\n:3\r\n/);
    await c.expect(c.pending);
    await c.roundTrip(cmd('HGETALL', 'nothing'), '%0\r\n');
    await other.roundTrip(cmd('HGETALL', 'nothing'), '*0\r\n');
  } finally {
    c.close();
    other.close();
  }
});
