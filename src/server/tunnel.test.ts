// SYNC/PSYNC through the gears server: the connection becomes a byte tunnel to Redis (tunnel.ts), so
// backups and replicas work as against Redis itself.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { cmd, RawClient, startStack, type Stack } from './harness.test.support.js';

let stack: Stack;
before(async () => {
  // no wait for more replicas before a full sync starts
  stack = await startStack({ redisArgs: ['--repl-diskless-sync-delay', '0'] });
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
