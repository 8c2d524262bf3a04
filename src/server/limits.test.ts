// The per-client limits against real Redis: maxclients, the query and output buffer limits, the
// tighter limits before AUTH, back-pressure on a client that does not read, and failed AUTH.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, test } from 'node:test';
import { capturedLogger } from '../../test/support/log.js';
import { waitFor } from '../../test/support/wait.js';
import { cmd, RawClient, startStack } from './harness.test.support.js';
import { parseOutputLimit, parseSize } from './limits.js';

const MB = 1024 * 1024;

describe('client limits', () => {
  test("maxclients: one connection too many gets Redis' error and is closed", async () => {
    const log = capturedLogger();
    const stack = await startStack({ limits: { maxClients: 2 }, logger: log.logger });
    const a = await RawClient.connect(stack.port);
    const b = await RawClient.connect(stack.port);
    try {
      await a.roundTrip(cmd('PING'), '+PONG\r\n');
      const c = await RawClient.connect(stack.port);
      await c.expect('-ERR max number of clients reached\r\n');
      await c.closed;
      assert.match(log.text(), /refusing client 127\.0\.0\.1:\d+: maxclients 2 reached/);
      b.close();
      await waitFor(() => stack.server.connections === 1, 'the second client to be gone');
      const d = await RawClient.connect(stack.port);
      await d.roundTrip(cmd('PING'), '+PONG\r\n');
      d.close();
    } finally {
      a.close();
      b.close();
      await stack.stop();
    }
  });

  test('client-query-buffer-limit: a command larger than the limit closes the connection, logged', async () => {
    const log = capturedLogger();
    const stack = await startStack({ limits: { queryBufferLimit: MB }, logger: log.logger });
    const big = await RawClient.connect(stack.port);
    const probe = await RawClient.connect(stack.port);
    try {
      big.write(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${4 * MB}\r\n`);
      big.write(Buffer.alloc(2 * MB, 'x'));
      await big.closed;
      assert.match(
        log.text(),
        /closing client 127\.0\.0\.1:\d+: query buffer \d+ MB over client-query-buffer-limit 1 MB/,
      );
      await probe.roundTrip(cmd('PING'), '+PONG\r\n');
    } finally {
      big.close();
      probe.close();
      await stack.stop();
    }
  });

  test('before AUTH: a client flooding the server is closed within its first replies', async () => {
    const log = capturedLogger();
    const stack = await startStack({ password: 'pw', logger: log.logger });
    try {
      // 60 MB of pipelined PING, never reading: each would be answered NOAUTH
      const flood = connect(stack.port, '127.0.0.1');
      flood.on('error', () => undefined);
      const closed = new Promise<void>((resolve) => flood.on('close', () => resolve()));
      const chunk = Buffer.from('PING\r\n'.repeat(10000));
      for (let i = 0; i < 1000 && !flood.destroyed; i++) flood.write(chunk);
      await waitFor(
        () => /closing client 127\.0\.0\.1:\d+: output \d+ KB before AUTH, over 64 KB/.test(log.text()),
        'the flood to be closed',
      );
      flood.resume();
      await closed;
      const probe = await RawClient.connect(stack.port);
      await probe.roundTrip(cmd('AUTH', 'pw') + cmd('PING'), '+OK\r\n+PONG\r\n');
      probe.close();
    } finally {
      await stack.stop();
    }
  });

  test('client-output-buffer-limit normal hard: replies piling up for a client that does not read close it', async () => {
    const log = capturedLogger();
    const stack = await startStack({
      limits: {
        output: { normal: { hard: 4 * MB, soft: 0, softSeconds: 0 }, pubsub: { hard: 0, soft: 0, softSeconds: 0 } },
      },
      logger: log.logger,
    });
    const setter = await RawClient.connect(stack.port);
    try {
      await setter.roundTrip(cmd('SET', 'big', 'v'.repeat(MB)), '+OK\r\n');
      const greedy = connect(stack.port, '127.0.0.1');
      greedy.on('error', () => undefined);
      const closed = new Promise<void>((resolve) => greedy.on('close', () => resolve()));
      greedy.pause();
      greedy.write(cmd('GET', 'big').repeat(64));
      await waitFor(
        () =>
          /closing client 127\.0\.0\.1:\d+: output \d+ MB over client-output-buffer-limit normal hard 4 MB/.test(
            log.text(),
          ),
        'the output limit to close the client',
      );
      // a paused socket sees the close only once it reads what came before it
      greedy.resume();
      await closed;
      await setter.roundTrip(cmd('STRLEN', 'big'), `:${MB}\r\n`);
    } finally {
      setter.close();
      await stack.stop();
    }
  });

  test('client-output-buffer-limit pubsub: a subscriber that does not read is disconnected, logged, memory bounded', async () => {
    const log = capturedLogger();
    const stack = await startStack({
      limits: {
        output: { normal: { hard: 0, soft: 0, softSeconds: 0 }, pubsub: { hard: 2 * MB, soft: 0, softSeconds: 0 } },
      },
      logger: log.logger,
    });
    const sub = connect(stack.port, '127.0.0.1');
    sub.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => sub.on('close', () => resolve()));
    try {
      await new Promise<void>((resolve) => sub.once('connect', () => resolve()));
      const confirmed = new Promise<void>((resolve) => sub.once('data', () => resolve()));
      sub.write(cmd('SUBSCRIBE', 'flood'));
      await confirmed;
      sub.pause();
      const before = process.memoryUsage().arrayBuffers;
      let peak = 0;
      const message = 'm'.repeat(64 * 1024);
      // 256 MB published straight to Redis, far more than the limit; the subscriber never reads
      for (let i = 0; i < 4096 && !/closing client/.test(log.text()); i++) {
        await stack.direct.publish('flood', message);
        if (i % 64 === 0) peak = Math.max(peak, process.memoryUsage().arrayBuffers - before);
      }
      await waitFor(
        () =>
          /closing client 127\.0\.0\.1:\d+: output \d+ MB over client-output-buffer-limit pubsub hard 2 MB/.test(
            log.text(),
          ),
        'the pubsub output limit to close the subscriber',
      );
      sub.resume();
      await closed;
      assert.ok(peak < 32 * MB, `the server held ${Math.round(peak / MB)} MB for a subscriber that did not read`);
    } finally {
      sub.destroy();
      await stack.stop();
    }
  });

  test('back-pressure: a client that sends without reading is not read until it reads, then gets every reply', async () => {
    const stack = await startStack();
    const client = connect(stack.port, '127.0.0.1');
    try {
      await new Promise<void>((resolve) => client.once('connect', () => resolve()));
      client.pause();
      // 200 MB each way, beyond what the kernel's socket buffers can hold: loopback buffers grow up to
      // net.ipv4.tcp_rmem's and tcp_wmem's maximums (32 MB and 4 MB here, each way), and 40 MB, then once
      // 100 MB, were all absorbed; few enough commands that a loaded machine gets through them quickly
      const commands = 50000;
      const arg = 'x'.repeat(4000);
      const payload = Buffer.from(cmd('ECHO', arg).repeat(100));
      for (let i = 0; i < commands / 100; i++) client.write(payload);
      await waitFor(() => stack.server.clientsNotRead === 1, 'the server to stop reading the client', 60_000);
      assert.ok(client.writableLength > 0, 'the server read everything although the client did not read');
      let received = 0;
      const reply = Buffer.from(`$${arg.length}\r\n${arg}\r\n`).length;
      const all = new Promise<void>((resolve) =>
        client.on('data', (d: Buffer) => {
          received += d.length;
          if (received === commands * reply) resolve();
        }),
      );
      client.resume();
      await all;
      assert.equal(stack.server.clientsNotRead, 0);
    } finally {
      client.destroy();
      await stack.stop();
    }
  });

  test('failed AUTH is logged with the address, slowed, and the connection closed after three', async () => {
    const log = capturedLogger();
    const stack = await startStack({ password: 'right', logger: log.logger });
    const c = await RawClient.connect(stack.port);
    try {
      const wrong = '-WRONGPASS invalid username-password pair or user is disabled.\r\n';
      c.write(cmd('AUTH', 'nope1') + cmd('AUTH', 'nope2') + cmd('AUTH', 'nope3') + cmd('AUTH', 'right'));
      await c.expect(wrong + wrong + wrong);
      await c.closed;
      assert.equal(c.pending, '');
      const text = log.text();
      assert.match(text, /failed AUTH from 127\.0\.0\.1:\d+ \(1 of 3\)/);
      assert.match(text, /failed AUTH from 127\.0\.0\.1:\d+ \(3 of 3\); closing the connection/);
      assert.ok(!text.includes('nope'), 'the log shows a tried password');
    } finally {
      c.close();
      await stack.stop();
    }
  });

  test('sizes and output limits are written as in redis.conf', () => {
    assert.equal(parseSize('1gb', 'x'), 1024 * MB);
    assert.equal(parseSize('64mb', 'x'), 64 * MB);
    assert.equal(parseSize('512kb', 'x'), 512 * 1024);
    assert.equal(parseSize('1000', 'x'), 1000);
    assert.throws(() => parseSize('lots', 'client-query-buffer-limit'), /client-query-buffer-limit takes a size/);
    assert.deepEqual(parseOutputLimit('pubsub 32mb 8mb 60'), {
      klass: 'pubsub',
      limit: { hard: 32 * MB, soft: 8 * MB, softSeconds: 60 },
    });
    assert.throws(() => parseOutputLimit('replica 1mb 1mb 1'), /normal or pubsub/);
    assert.throws(() => parseOutputLimit('normal 1mb'), /<class> <hard> <soft> <soft-seconds>/);
  });
});
