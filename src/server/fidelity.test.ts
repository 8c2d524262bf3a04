// Commands that Redis answers in unusual ways, answered through the gears server as Redis answers
// them: SYNC/PSYNC, CLIENT REPLY, a killed connection, RG.* in MULTI and in RESP2 subscribed mode.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import type { CommandTable } from './commands.js';
import { cmd, RawClient, startStack, type Stack } from './harness.test.support.js';

const commands: CommandTable = new Map([['rg.test', () => 'ran']]);

let stack: Stack;
before(async () => {
  // no wait for more replicas before a full sync starts
  stack = await startStack({ commands, redisArgs: ['--repl-diskless-sync-delay', '0'] });
});
after(async () => {
  await stack.stop();
});

test('SYNC through the server is a byte tunnel: redis-cli --rdb takes a backup', async () => {
  await stack.direct.set('backed-up', 'yes');
  const dir = await mkdtemp(join(tmpdir(), 'gearbox-rdb-'));
  try {
    const file = join(dir, 'dump.rdb');
    await promisify(execFile)('redis-cli', ['-p', String(stack.port), '--rdb', file], { timeout: 20_000 });
    const rdb = await readFile(file);
    assert.equal(rdb.toString('latin1', 0, 5), 'REDIS');
    assert.ok(rdb.includes('backed-up'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('PSYNC answers +FULLRESYNC and the RDB, as from Redis', async () => {
  const c = await RawClient.connect(stack.port);
  try {
    c.write(cmd('PSYNC', '?', '-1'));
    // Redis may send newlines (keepalives) first
    for (let i = 0; i < 100 && !c.pending.includes('+FULLRESYNC '); i++) await new Promise((r) => setTimeout(r, 20));
    assert.match(c.pending, /^\n*\+FULLRESYNC [0-9a-f]{40} \d+\r\n/);
  } finally {
    c.close();
  }
});

test('CLIENT REPLY OFF, SKIP and ON are honoured, for proxied and RG.* commands alike', async () => {
  const c = await RawClient.connect(stack.port);
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
  const c = await RawClient.connect(stack.port);
  try {
    c.write(cmd('CLIENT', 'ID'));
    await new Promise((r) => setTimeout(r, 50));
    const id = /^:(\d+)\r\n$/.exec(c.pending)?.[1];
    assert.ok(id, `CLIENT ID answered ${JSON.stringify(c.pending)}`);
    assert.equal(await stack.direct.client('KILL', 'ID', id), 1);
    await c.closed;
  } finally {
    c.close();
  }
});

test('RG.* inside MULTI is refused like a command Redis cannot queue: EXEC answers EXECABORT', async () => {
  const c = await RawClient.connect(stack.port);
  try {
    await c.roundTrip(
      cmd('MULTI') + cmd('SET', 'tx', '1') + cmd('rg.test') + cmd('EXEC'),
      '+OK\r\n+QUEUED\r\n-ERR Command not allowed inside a transaction\r\n' +
        '-EXECABORT Transaction discarded because of previous errors.\r\n',
    );
    assert.equal(await stack.direct.exists('tx'), 0);
    await c.roundTrip(cmd('rg.test'), '$3\r\nran\r\n');
  } finally {
    c.close();
  }
});

test('RG.* while subscribed: refused in RESP2 as Redis refuses other commands, allowed in RESP3', async () => {
  const c = await RawClient.connect(stack.port);
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
