// Pub/sub and MONITOR through the gears server, in RESP2 and RESP3: a PUBLISH sent straight to Redis
// reaches a subscriber connected to the server.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { cmd, RawClient, startStack, type Stack } from './harness.test.support.js';

let stack: Stack;
before(async () => {
  stack = await startStack();
});
after(async () => {
  await stack.stop();
});

function nextMessage(sub: Redis): Promise<[string, string]> {
  return new Promise((resolve) => sub.once('message', (ch: string, msg: string) => resolve([ch, msg])));
}

test('ioredis subscribers (RESP2 and RESP3) get messages published directly on Redis', async () => {
  for (const protocol of [2, 3] as const) {
    const sub = new Redis({ port: stack.port, protocol });
    try {
      assert.equal(await sub.subscribe('news', 'sport'), 2);
      const got = nextMessage(sub);
      assert.equal(await stack.direct.publish('news', `hello ${protocol}`), 1);
      assert.deepEqual(await got, ['news', `hello ${protocol}`]);
      await sub.unsubscribe('sport');
      const pgot = new Promise((resolve) => sub.once('pmessage', (...a: string[]) => resolve(a)));
      await sub.psubscribe('n*');
      await stack.direct.publish('nx', 'pattern');
      assert.deepEqual(await pgot, ['n*', 'nx', 'pattern']);
      // (ioredis 6 never settles a bare UNSUBSCRIBE while patterns remain, even against Redis itself)
      await sub.unsubscribe('news');
      await sub.punsubscribe('n*');
      // out of subscribed mode, ordinary commands work again on the same connection
      assert.equal(await sub.ping(), 'PONG');
      assert.equal(await sub.set('after-sub', '1'), 'OK');
    } finally {
      sub.disconnect();
    }
  }
});

test('node-redis RESP3 subscriber receives pushes; the same connection keeps serving commands', async () => {
  const sub = createClient({ url: `redis://127.0.0.1:${stack.port}`, RESP: 3 });
  await sub.connect();
  try {
    const got = new Promise<string>((resolve) => void sub.subscribe('n3', (m) => resolve(m)));
    await sleepUntilSubscribed('n3');
    await stack.direct.publish('n3', 'pushed');
    assert.equal(await got, 'pushed');
    assert.equal(await sub.set('rs3', 'v'), 'OK');
    await sub.unsubscribe('n3');
  } finally {
    await sub.close();
  }
});

test('node-redis RESP2 subscriber', async () => {
  const sub = createClient({ url: `redis://127.0.0.1:${stack.port}`, RESP: 2 });
  await sub.connect();
  try {
    const got = new Promise<string>((resolve) => void sub.subscribe('n2', (m) => resolve(m)));
    await sleepUntilSubscribed('n2');
    await stack.direct.publish('n2', 'array');
    assert.equal(await got, 'array');
  } finally {
    await sub.close();
  }
});

async function sleepUntilSubscribed(channel: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const [, n] = (await stack.direct.pubsub('NUMSUB', channel)) as [string, number];
    if (n > 0) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`nobody subscribed to ${channel}`);
}

test('raw RESP2: confirmations, messages, PING in subscribed mode, errors, then back to normal', async () => {
  const c = await RawClient.connect(stack.port);
  try {
    await c.roundTrip(cmd('SUBSCRIBE', 'r2'), '*3\r\n$9\r\nsubscribe\r\n$2\r\nr2\r\n:1\r\n');
    await stack.direct.publish('r2', 'm');
    await c.expect('*3\r\n$7\r\nmessage\r\n$2\r\nr2\r\n$1\r\nm\r\n');
    await c.roundTrip(cmd('PING'), '*2\r\n$4\r\npong\r\n$0\r\n\r\n');
    await c.roundTrip(cmd('GET', 'x'), "-ERR Can't execute 'get'");
    await c.expect(': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n');
    await c.roundTrip(cmd('SUBSCRIBE'), "-ERR wrong number of arguments for 'subscribe' command\r\n");
    await c.roundTrip(cmd('UNSUBSCRIBE'), '*3\r\n$11\r\nunsubscribe\r\n$2\r\nr2\r\n:0\r\n');
    // not subscribed any more: an array that looks like a message is an ordinary reply
    await c.roundTrip(
      cmd('RPUSH', 'l', 'message', 'x', 'y') + cmd('LRANGE', 'l', '0', '-1'),
      ':3\r\n*3\r\n$7\r\nmessage\r\n$1\r\nx\r\n$1\r\ny\r\n',
    );
  } finally {
    c.close();
  }
});

test('raw HELLO 3: subscribe confirmations and messages are pushes, other commands still answer', async () => {
  const c = await RawClient.connect(stack.port);
  try {
    c.write(cmd('HELLO', '3'));
    await c.expect('%7\r\n');
    await c.expect(c.pending.slice(0, c.pending.indexOf('*0\r\n') + 4));
    await c.roundTrip(
      cmd('SUBSCRIBE', 'r3') + cmd('GET', 'nothing'),
      '>3\r\n$9\r\nsubscribe\r\n$2\r\nr3\r\n:1\r\n_\r\n',
    );
    await stack.direct.publish('r3', 'p');
    await c.expect('>3\r\n$7\r\nmessage\r\n$2\r\nr3\r\n$1\r\np\r\n');
    await c.roundTrip(cmd('UNSUBSCRIBE') + cmd('PING'), '>3\r\n$11\r\nunsubscribe\r\n$2\r\nr3\r\n:0\r\n+PONG\r\n');
    // RESET goes back to RESP2
    await c.roundTrip(cmd('RESET') + cmd('GET', 'nothing'), '+RESET\r\n$-1\r\n');
  } finally {
    c.close();
  }
});

test('MONITOR streams what Redis executes, and RESET ends it', async () => {
  const c = await RawClient.connect(stack.port);
  try {
    await c.roundTrip(cmd('MONITOR'), '+OK\r\n');
    await stack.direct.set('monitored', '1');
    await c.expect('+');
    for (let i = 0; i < 100 && !c.pending.includes('"monitored"'); i++) await new Promise((r) => setTimeout(r, 10));
    assert.match(c.pending, /"set" "monitored" "1"\r\n$/);
    await c.expect(c.pending);
    await c.roundTrip(cmd('RESET'), '+RESET\r\n');
    await c.roundTrip(cmd('PING'), '+PONG\r\n');
  } finally {
    c.close();
  }
});
