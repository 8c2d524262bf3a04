// A proxied value costs the server about its own size while it passes through (issue 9): a command or
// reply that spans many reads is forwarded in the pieces it arrived in, never joined into a second copy.
// Measured as the server's live ArrayBuffer memory (after a collection, so garbage does not count),
// sampled while a 64 MB SET and then a GET of it pass through an in-process server.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startStack, type Stack } from './harness.test.support.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const MB = 1024 * 1024;
const SIZE = 64 * MB;

let stack: Stack;
before(async () => {
  stack = await startStack();
});
after(async () => {
  await stack.stop();
});

function liveArrayBuffers(): number {
  gc();
  return process.memoryUsage().arrayBuffers;
}

/** Sends `bytes` to the server and resolves with how many reply bytes came once `done` says so. */
async function exchange(bytes: Buffer[], done: (received: Buffer[], total: number) => boolean): Promise<number> {
  const socket = connect(stack.port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let peak = 0;
  const sample = setInterval(() => (peak = Math.max(peak, liveArrayBuffers())), 5);
  try {
    await new Promise<void>((resolve, reject) => {
      const head: Buffer[] = [];
      let total = 0;
      socket.on('data', (chunk: Buffer) => {
        total += chunk.length;
        // only the first bytes are kept (to check the reply); the rest is dropped as it comes
        if (head.length < 4) head.push(chunk);
        if (done(head, total)) resolve();
      });
      socket.on('error', reject);
      socket.on('close', () => reject(new Error('the server closed the connection')));
      for (const b of bytes) socket.write(b);
    });
  } finally {
    clearInterval(sample);
    socket.destroy();
  }
  return peak;
}

test('a 64 MB value costs the server at most about its size while SET and GET carry it', async () => {
  const value = Buffer.alloc(SIZE, 'v');
  const header = Buffer.from(`*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$${SIZE}\r\n`);
  const crlf = Buffer.from('\r\n');
  const baseline = liveArrayBuffers();

  const setPeak = await exchange([header, value, crlf], (head) => Buffer.concat(head).toString() === '+OK\r\n');
  const setCost = setPeak - baseline;
  assert.ok(setCost <= 1.3 * SIZE, `SET held ${(setCost / MB).toFixed(1)} MB for a ${SIZE / MB} MB value`);

  const replyHeader = `$${SIZE}\r\n`;
  const getPeak = await exchange(
    [Buffer.from('*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n')],
    (head, total) => total === replyHeader.length + SIZE + 2,
  );
  const getCost = getPeak - baseline;
  assert.ok(getCost <= 1.3 * SIZE, `GET held ${(getCost / MB).toFixed(1)} MB for a ${SIZE / MB} MB value`);
  assert.equal(await stack.direct.strlen('big'), SIZE);
});
