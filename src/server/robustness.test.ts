// Bad clients and a Redis that goes away.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { freePort, startRedis } from '../../test/support/redis.js';
import { cmd, RawClient, startStack } from './harness.test.support.js';
import { GearsServer } from './server.js';

test('malformed RESP closes only that connection, after answering what came before', async () => {
  const stack = await startStack();
  const good = await RawClient.connect(stack.port);
  const bad = await RawClient.connect(stack.port);
  try {
    await good.roundTrip(cmd('SET', 'g', '1'), '+OK\r\n');
    bad.write(cmd('SET', 'b', '2') + '*2\r\n:1\r\n');
    await bad.expect("+OK\r\n-ERR Protocol error: expected '$', got ':'\r\n");
    await bad.closed;
    await good.roundTrip(cmd('GET', 'g'), '$1\r\n1\r\n');
    const junk = await RawClient.connect(stack.port);
    junk.write('*abc\r\n');
    await junk.expect('-ERR Protocol error: invalid multibulk length\r\n');
    await junk.closed;
    for (let i = 0; i < 100 && stack.server.connections > 1; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(stack.server.connections, 1);
  } finally {
    good.close();
    bad.close();
    await stack.stop();
  }
});

test('a frame cut off after a bad type byte (`*1\\r\\n{`) cannot end the server, before or after AUTH', async () => {
  const stack = await startStack({ password: 'pw' });
  try {
    for (const prefix of ['', cmd('AUTH', 'pw')]) {
      const bad = await RawClient.connect(stack.port);
      bad.write(prefix + '*1\r\n{');
      await new Promise((r) => setTimeout(r, 50));
      bad.write('\r\n');
      await bad.expect((prefix ? '+OK\r\n' : '') + "-ERR Protocol error: expected '$', got '{'\r\n");
      await bad.closed;
      const probe = await RawClient.connect(stack.port);
      await probe.roundTrip(cmd('AUTH', 'pw') + cmd('PING'), '+OK\r\n+PONG\r\n');
      probe.close();
    }
  } finally {
    await stack.stop();
  }
});

test('inline commands over a raw socket, as from telnet', async () => {
  const stack = await startStack();
  const c = await RawClient.connect(stack.port);
  try {
    await c.roundTrip('PING\r\n', '+PONG\r\n');
    await c.roundTrip("SET \"spaced key\" 'it\\'s'\n", '+OK\r\n');
    await c.roundTrip('GET "spaced key"\r\n', "$4\r\nit's\r\n");
    c.write('ECH');
    c.write('O hi\r\n');
    await c.expect('$2\r\nhi\r\n');
    // empty lines, and zero or negative multibulk counts are skipped, as Redis does
    await c.roundTrip('\r\n  \r\n*0\r\n*-10\r\nPING\r\n', '+PONG\r\n');
  } finally {
    c.close();
    await stack.stop();
  }
});

test('Redis stopped: clear errors, nothing hangs, server survives; restarted: works again', async () => {
  const redisPort = await freePort();
  let redis = await startRedis([], redisPort);
  const server = new GearsServer({ redisUrl: redis.url, port: 0, commands: new Map() });
  const { port } = await server.listen();
  const client = new Redis({ port, maxRetriesPerRequest: 0, retryStrategy: () => 100 });
  client.on('error', () => {});
  const raw = await RawClient.connect(port);
  try {
    assert.equal(await client.set('k', 'v'), 'OK');
    await raw.roundTrip(cmd('SET', 'r', '1'), '+OK\r\n');
    // a command blocked on Redis when it dies gets an error instead of hanging
    const blocked = await RawClient.connect(port);
    blocked.write(cmd('BLPOP', 'never', '0'));
    await new Promise((r) => setTimeout(r, 50));
    await redis.stop();
    // as on Redis, a client whose connection Redis closed sees its connection close
    await blocked.closed;
    await raw.roundTrip(
      cmd('GET', 'r'),
      `-ERR gearbox: cannot reach Redis at 127.0.0.1:${redisPort} (ECONNREFUSED): start Redis or check --redis\r\n`,
    );
    await assert.rejects(client.get('k'), /cannot reach Redis at 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    redis = await startRedis([], redisPort);
    await raw.roundTrip(cmd('SET', 'r', '2') + cmd('GET', 'r'), '+OK\r\n$1\r\n2\r\n');
    assert.equal(await client.set('k', 'again'), 'OK');
  } finally {
    raw.close();
    client.disconnect();
    await server.close();
    await redis.stop();
  }
});

test('a subscriber whose Redis link dies is disconnected, so its client library resubscribes', async () => {
  const stack = await startStack();
  const c = await RawClient.connect(stack.port);
  try {
    await c.roundTrip(cmd('SUBSCRIBE', 'x'), '*3\r\n$9\r\nsubscribe\r\n$1\r\nx\r\n:1\r\n');
    await stack.redis.stop();
    await c.closed;
  } finally {
    c.close();
    await stack.stop();
  }
});

test('the server refuses a Redis URL it cannot use and a busy port, saying what to do', async () => {
  assert.throws(() => new GearsServer({ redisUrl: 'http://x', commands: new Map() }), /unsupported Redis URL scheme/);
  assert.throws(
    () => new GearsServer({ redisUrl: 'redis://127.0.0.1:1', commands: new Map([['RG.X', () => null]]) }),
    /must be lower-case/,
  );
  const a = new GearsServer({ redisUrl: 'redis://127.0.0.1:1', port: 0, commands: new Map() });
  const { port } = await a.listen();
  const b = new GearsServer({ redisUrl: 'redis://127.0.0.1:1', port, commands: new Map() });
  await assert.rejects(b.listen(), /EADDRINUSE.*pick another --port/);
  await a.close();
});

test('a Redis URL with password and db: its credentials are not lent to a client that has not authenticated', async () => {
  const redis = await startRedis(['--requirepass', 'rpass']);
  const server = new GearsServer({
    redisUrl: `redis://:rpass@127.0.0.1:${redis.port}/2`,
    port: 0,
    commands: new Map(),
  });
  const { port } = await server.listen();
  const c = await RawClient.connect(port);
  try {
    await c.roundTrip(cmd('SET', 'in2', 'x'), '-NOAUTH Authentication required.\r\n');
    await c.roundTrip(cmd('AUTH', 'wrong'), '-WRONGPASS invalid username-password pair or user is disabled.\r\n');
    // the database of the URL is kept, also after RESET
    await c.roundTrip(cmd('AUTH', 'rpass') + cmd('SET', 'in2', 'x'), '+OK\r\n+OK\r\n');
    await c.roundTrip(cmd('RESET') + cmd('GET', 'in2'), '+RESET\r\n-NOAUTH Authentication required.\r\n');
    await c.roundTrip(cmd('AUTH', 'rpass') + cmd('GET', 'in2'), '+OK\r\n$1\r\nx\r\n');
    const direct = new Redis({ port: redis.port, password: 'rpass', db: 2 });
    assert.equal(await direct.get('in2'), 'x');
    direct.disconnect();
  } finally {
    c.close();
    await server.close();
    await redis.stop();
  }
});

test('--password with wrong credentials in the Redis URL: a clear error saying to fix the URL', async () => {
  const redis = await startRedis(['--requirepass', 'rpass']);
  const wrong = new GearsServer({
    redisUrl: `redis://:nope@127.0.0.1:${redis.port}`,
    port: 0,
    password: 'pw',
    commands: new Map(),
  });
  const { port } = await wrong.listen();
  const w = await RawClient.connect(port);
  try {
    await w.roundTrip(
      cmd('AUTH', 'pw') + cmd('GET', 'a'),
      `+OK\r\n-ERR gearbox: Redis at 127.0.0.1:${redis.port} refused the credentials or database of --redis (WRONGPASS`,
    );
  } finally {
    w.close();
    await wrong.close();
    await redis.stop();
  }
});

test('a client writing an endless line gets the protocol error and a closed connection, as from Redis', async () => {
  const stack = await startStack();
  const c = await RawClient.connect(stack.port);
  try {
    c.write('*\x00');
    for (let i = 0; i < 80; i++) c.write('payload'.repeat(128));
    await c.expect('-ERR Protocol error: too big mbulk count string\r\n');
    await c.closed;
  } finally {
    c.close();
    await stack.stop();
  }
});
