// --password: nothing runs before AUTH; Redis' own replies and wording.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import type { CommandHandler } from './commands.js';
import { cmd, RawClient, startStack, type Stack } from './harness.test.support.js';

let stack: Stack;
let handlerRuns = 0;
before(async () => {
  const commands = new Map<string, CommandHandler>([
    [
      'test.count',
      () => {
        handlerRuns++;
        return handlerRuns;
      },
    ],
  ]);
  stack = await startStack({ password: 's3cret', commands });
});
after(async () => {
  await stack.stop();
});

const NOAUTH = '-NOAUTH Authentication required.\r\n';
const WRONGPASS = '-WRONGPASS invalid username-password pair or user is disabled.\r\n';

test('without AUTH nothing runs: not a handler, not a proxied command', async () => {
  const c = await RawClient.connect(stack.port);
  try {
    await c.roundTrip(cmd('test.count') + cmd('SET', 'secret', 'x') + 'PING\r\n', NOAUTH + NOAUTH + NOAUTH);
    assert.equal(handlerRuns, 0);
    await c.roundTrip(
      cmd('HELLO', '3'),
      '-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time\r\n',
    );
    await c.roundTrip(cmd('AUTH', 'wrong'), WRONGPASS);
    await c.roundTrip(cmd('AUTH', 'bob', 's3cret'), WRONGPASS);
    await c.roundTrip(cmd('AUTH'), "-ERR wrong number of arguments for 'auth' command\r\n");
    await c.roundTrip(cmd('AUTH', 'a', 'b', 'c'), '-ERR syntax error\r\n');
    await c.roundTrip(cmd('test.count'), NOAUTH);
    // an unauthenticated client cannot make the server buffer big requests
    await c.roundTrip('*20\r\n', '-ERR Protocol error: unauthenticated multibulk length\r\n');
    await c.closed;
  } finally {
    c.close();
  }
  const direct = new Redis({ port: stack.redis.port });
  assert.equal(await direct.exists('secret'), 0);
  direct.disconnect();
});

test('AUTH password and AUTH default password open the connection; RESET closes it again', async () => {
  const c = await RawClient.connect(stack.port);
  try {
    await c.roundTrip(cmd('AUTH', 's3cret') + cmd('test.count'), '+OK\r\n:1\r\n');
    await c.roundTrip(cmd('SET', 'k', 'v') + cmd('GET', 'k'), '+OK\r\n$1\r\nv\r\n');
    // a failed AUTH does not log an authenticated client out (as in Redis)
    await c.roundTrip(cmd('AUTH', 'nope') + cmd('GET', 'k'), WRONGPASS + '$1\r\nv\r\n');
    await c.roundTrip(cmd('RESET') + cmd('GET', 'k'), '+RESET\r\n' + NOAUTH);
    await c.roundTrip(cmd('AUTH', 'default', 's3cret') + cmd('GET', 'k'), '+OK\r\n$1\r\nv\r\n');
  } finally {
    c.close();
  }
});

test('HELLO 3 AUTH authenticates and switches protocol; a wrong password in HELLO is refused', async () => {
  const c = await RawClient.connect(stack.port);
  try {
    await c.roundTrip(cmd('HELLO', '3', 'AUTH', 'default', 'bad'), WRONGPASS);
    await c.roundTrip(cmd('HELLO', '4'), '-NOPROTO unsupported protocol version\r\n');
    await c.roundTrip(cmd('HELLO', '3', 'AUTH', 'default'), "-ERR Syntax error in HELLO option 'AUTH'\r\n");
    c.write(cmd('HELLO', '3', 'AUTH', 'default', 's3cret', 'SETNAME', 'h3'));
    await c.expect('%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n');
    await c.expect(c.pending.slice(0, c.pending.indexOf('*0\r\n') + 4));
    await c.roundTrip(cmd('GET', 'missing') + cmd('CLIENT', 'GETNAME'), '_\r\n$2\r\nh3\r\n');
  } finally {
    c.close();
  }
});

test('ioredis and node-redis with the password work, with a wrong one they are refused', async () => {
  const r = new Redis({ port: stack.port, password: 's3cret' });
  assert.equal(await r.set('io', '1'), 'OK');
  r.disconnect();
  const n = createClient({ url: `redis://:s3cret@127.0.0.1:${stack.port}`, RESP: 3 });
  await n.connect();
  assert.equal(await n.get('io'), '1');
  await n.close();
  const bad = createClient({ url: `redis://:wrong@127.0.0.1:${stack.port}`, socket: { reconnectStrategy: false } });
  bad.on('error', () => {});
  await assert.rejects(bad.connect(), /WRONGPASS/);
});
