// Proxying through the gears server with real clients against a real Redis.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import type { CommandHandler, CommandTable } from './commands.js';
import { cmd, RawClient, startStack, type Stack } from './harness.test.support.js';
import { MapReply, ok } from './resp/reply.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const commands: CommandTable = new Map<string, CommandHandler>([
  // slow async echo: later commands must wait for it and replies keep request order
  [
    'test.slowecho',
    async (args: Buffer[]) => {
      await sleep(30);
      return args;
    },
  ],
  ['test.map', () => new MapReply({ proto: 1 })],
  ['test.protocol', (_args, ctx) => ctx.protocol],
  [
    'test.fail',
    () => {
      throw new Error('handler failed: check the input');
    },
  ],
  ['test.ok', () => ok()],
]);

let stack: Stack;
before(async () => {
  stack = await startStack({ commands });
});
after(async () => {
  await stack.stop();
});

test('ioredis: GET/SET, binary values, pipelines, table commands in RESP2 and RESP3', async () => {
  for (const protocol of [2, 3] as const) {
    const r = new Redis({ port: stack.port, protocol, lazyConnect: true });
    await r.connect();
    try {
      assert.equal(await r.set('a', '1'), 'OK');
      assert.equal(await r.get('a'), '1');
      const bin = Buffer.from([0, 1, 13, 10, 255]);
      await r.set('bin', bin);
      assert.deepEqual(await r.getBuffer('bin'), bin);
      assert.equal(await r.call('test.protocol'), protocol);
      assert.deepEqual(await r.call('test.map'), ['proto', 1]);
      await assert.rejects(r.call('test.fail'), /ERR handler failed: check the input/);
      const results = await r.pipeline().set('p', 'x').call('test.slowecho', 'mid').get('p').incr('n').exec();
      assert.deepEqual(results, [
        [null, 'OK'],
        [null, ['mid']],
        [null, 'x'],
        [null, 1],
      ]);
      await r.del('n');
    } finally {
      r.disconnect();
    }
  }
});

test('node-redis: GET/SET, MULTI/EXEC, WATCH conflict, table commands (RESP3 map)', async () => {
  const c = createClient({ url: `redis://127.0.0.1:${stack.port}`, RESP: 3 });
  const other = createClient({ url: `redis://127.0.0.1:${stack.port}` });
  await c.connect();
  await other.connect();
  try {
    assert.equal(await c.set('nr', 'v'), 'OK');
    assert.equal(await c.get('nr'), 'v');
    assert.deepEqual(await c.sendCommand(['test.map']), { proto: 1 });
    assert.deepEqual(await c.multi().set('m1', 'a').get('m1').exec(), ['OK', 'a']);
    // WATCH on a pinned connection: a write from another client aborts the transaction
    await c.watch('w');
    await other.set('w', 'changed');
    await assert.rejects(c.multi().set('w', 'mine').exec(), /watched keys has been changed/);
    assert.equal(await c.get('w'), 'changed');
    const fresh = await Promise.all([c.set('o1', '1'), c.sendCommand(['test.slowecho', 'x']), c.get('o1')]);
    assert.deepEqual(fresh, ['OK', ['x'], '1']);
  } finally {
    await c.close();
    await other.close();
  }
});

test('BLPOP on one client is unblocked by a push from another', async () => {
  const blocked = new Redis({ port: stack.port });
  const pusher = new Redis({ port: stack.port });
  try {
    const pending = blocked.blpop('queue', 5);
    await sleep(50);
    await pusher.rpush('queue', 'job');
    assert.deepEqual(await pending, ['queue', 'job']);
  } finally {
    blocked.disconnect();
    pusher.disconnect();
  }
});

test('one write with proxied and table commands gets replies in order, each seeing earlier writes', async () => {
  const c = await RawClient.connect(stack.port);
  try {
    c.write(
      cmd('SET', 'ord', '1') +
        cmd('test.slowecho', 'a') +
        cmd('GET', 'ord') +
        cmd('test.ok') +
        cmd('INCR', 'ord') +
        'PING\r\n',
    );
    await c.expect('+OK\r\n*1\r\n$1\r\na\r\n$1\r\n1\r\n+OK\r\n:2\r\n+PONG\r\n');
    // a handler's reply follows the protocol negotiated by an earlier HELLO in the same write
    c.write(cmd('HELLO', '3') + cmd('test.map') + cmd('test.protocol'));
    await c.expect('%7\r\n');
    await c.expect(c.pending.slice(0, c.pending.indexOf('*0\r\n') + 4));
    await c.expect('%1\r\n$5\r\nproto\r\n:1\r\n:3\r\n');
  } finally {
    c.close();
  }
});

test('SELECT, CLIENT SETNAME and COMMAND reach the pinned Redis connection', async () => {
  const r = new Redis({ port: stack.port, db: 3 });
  try {
    await r.set('in3', 'yes');
    await r.client('SETNAME', 'pinned');
    assert.equal(await r.client('GETNAME'), 'pinned');
    const direct = new Redis({ port: stack.redis.port, db: 3 });
    assert.equal(await direct.get('in3'), 'yes');
    direct.disconnect();
    const info = (await r.call('COMMAND', 'INFO', 'get')) as unknown[];
    assert.equal(info.length, 1);
  } finally {
    r.disconnect();
  }
});

test('a handler learns through ctx.signal that its client went away', async () => {
  let resolveAborted: (reason: unknown) => void = () => {};
  const aborted = new Promise((resolve) => (resolveAborted = resolve));
  const blocking: CommandHandler = (_args, ctx) =>
    new Promise<null>((resolve) => {
      ctx.signal.addEventListener('abort', () => {
        resolveAborted(ctx.signal.reason);
        resolve(null);
      });
    });
  commands.set('test.block', blocking);
  const c = await RawClient.connect(stack.port);
  c.write(cmd('test.block'));
  await sleep(30);
  c.close();
  assert.match(String(await aborted), /client connection closed/);
  commands.delete('test.block');
});

test('large values cross many chunks intact, pipelined with small ones', async () => {
  const r = new Redis({ port: stack.port });
  try {
    const big = Buffer.alloc(5 * 1024 * 1024 + 3, 'abc\r\n');
    const res = await r.pipeline().set('big', big).getBuffer('big').get('a').getBuffer('big').exec();
    assert.equal(res?.[0][1], 'OK');
    assert.ok(big.equals(res?.[1][1] as Buffer));
    assert.ok(big.equals(res?.[3][1] as Buffer));
  } finally {
    r.disconnect();
  }
});
