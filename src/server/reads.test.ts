// Reused read buffers (reads.ts) and the writers' arena (writer.ts): bytes read into a buffer that the
// next read writes over must reach Redis and the client intact, whatever path they take.
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { cmd, RawClient, startStack, type Stack } from './harness.test.support.js';
import { SocketReads } from './reads.js';
import { BatchWriter } from './writer.js';

let stack: Stack;
before(async () => {
  stack = await startStack();
});
after(async () => {
  await stack.stop();
});

const SIZES = [0, 1, 7, 60, 300, 4000, 16383, 16384, 16385, 40000, 70000];

test('pipelines of values of every size, sent in pieces, come back exactly as stored', async () => {
  const clients = await Promise.all(Array.from({ length: 10 }, () => RawClient.connect(stack.port)));
  try {
    await Promise.all(
      clients.map(async (c, i) => {
        // seeded, so a failure can be replayed
        const sizes = fc.sample(fc.constantFrom(...SIZES), { seed: i + 1, numRuns: 120 });
        const pieces = fc.sample(fc.tuple(fc.integer({ min: 1, max: 9000 }), fc.integer({ min: 0, max: 9 })), {
          seed: i + 101,
          numRuns: 500,
        });
        let send = '';
        let want = '';
        for (let j = 0; j < sizes.length; j++) {
          const size = sizes[j];
          const value = String.fromCharCode(97 + ((i + j) % 26)).repeat(size);
          send += cmd('SET', `rb${i}:${j}`, value) + cmd('GET', `rb${i}:${j}`);
          want += `+OK\r\n$${size}\r\n${value}\r\n`;
        }
        // in pieces of random sizes, each its own read on the server, so commands span reads
        for (let at = 0, k = 0; at < send.length; k++) {
          const [n, pause] = pieces[k % pieces.length];
          c.write(send.slice(at, at + n));
          at += n;
          if (pause < 3) await new Promise((r) => setImmediate(r));
        }
        await c.expect(want, 20000);
      }),
    );
  } finally {
    for (const c of clients) c.close();
  }
});

test('commands that wait their turn keep their bytes while later reads arrive', async () => {
  const blocked = await RawClient.connect(stack.port);
  const pusher = await RawClient.connect(stack.port);
  try {
    // behind the BLPOP, on the same connection: they wait in the inbox while more reads come in
    blocked.write(cmd('BLPOP', 'rbq', '0'));
    let want = '*2\r\n$3\r\nrbq\r\n$2\r\ngo\r\n';
    for (let j = 0; j < 50; j++) {
      const value = `w${j}-`.repeat(50);
      blocked.write(cmd('SET', `rbw${j}`, value) + cmd('GET', `rbw${j}`));
      want += `+OK\r\n$${value.length}\r\n${value}\r\n`;
      // other clients' traffic fills the reused buffers meanwhile
      await pusher.roundTrip(cmd('SET', 'noise', 'x'.repeat(j * 100)), '+OK\r\n');
    }
    await pusher.roundTrip(cmd('RPUSH', 'rbq', 'go'), ':1\r\n');
    await blocked.expect(want, 10000);
    // MULTI, inline commands and RG.* take the other paths
    await blocked.roundTrip(
      cmd('MULTI') + cmd('SET', 'rbm', 'in-multi') + cmd('EXEC'),
      '+OK\r\n+QUEUED\r\n*1\r\n+OK\r\n',
    );
    await blocked.roundTrip('GET rbm\r\n', '$8\r\nin-multi\r\n');
  } finally {
    blocked.close();
    pusher.close();
  }
});

/** A server whose one accepted socket is read through SocketReads. */
async function acceptedReads(onChunk: (chunk: Buffer, reads: SocketReads) => void): Promise<{
  server: Server;
  client: Socket;
  accepted: Promise<{ socket: Socket; adopted: boolean }>;
}> {
  let resolve!: (v: { socket: Socket; adopted: boolean }) => void;
  const accepted = new Promise<{ socket: Socket; adopted: boolean }>((r) => (resolve = r));
  const server = createServer((socket) => {
    const reads: SocketReads = new SocketReads((chunk) => onChunk(chunk, reads));
    const adopted = reads.adopt(socket);
    if (!adopted) socket.on('data', (chunk: Buffer) => onChunk(chunk, reads));
    resolve({ socket, adopted });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const client = connect((server.address() as { port: number }).port, '127.0.0.1');
  await new Promise<void>((r) => client.once('connect', r));
  return { server, client, accepted };
}

test('an accepted socket reads into one buffer, a new one after a read is kept, and still ends', async () => {
  const kept: Buffer[] = [];
  const seen: string[] = [];
  let arrived: () => void = () => undefined;
  const { server, client, accepted } = await acceptedReads((chunk, reads) => {
    seen.push(chunk.toString());
    if (chunk.toString().startsWith('keep')) {
      reads.keep();
      kept.push(chunk);
    }
    arrived();
  });
  const { socket, adopted } = await accepted;
  assert.equal(adopted, true, 'this Node lets accepted sockets read into a buffer of their own');
  const send = async (s: string): Promise<void> => {
    const got = new Promise<void>((r) => (arrived = r));
    client.write(s);
    await got;
  };
  await send('keep:first');
  await send('overwrite-it-all');
  await send('again');
  assert.deepEqual(seen, ['keep:first', 'overwrite-it-all', 'again']);
  assert.equal(kept[0].toString(), 'keep:first', 'a kept read is not written over');
  const closed = new Promise<void>((r) => socket.once('close', r));
  client.end();
  await closed;
  server.close();
});

test('a writer copies what it relays, and what a full socket holds is not written over', async () => {
  // a peer that does not read, so the writer's socket fills and its writes wait with the arena's bytes
  const peers: Socket[] = [];
  const server = createServer({ pauseOnConnect: true }, (s) => peers.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const slow = connect(port, '127.0.0.1');
  await new Promise<void>((r) => slow.once('connect', r));
  const busy = connect(port, '127.0.0.1');
  await new Promise<void>((r) => busy.once('connect', r));
  try {
    const slowOut = new BatchWriter(slow);
    const busyOut = new BatchWriter(busy);
    const source = Buffer.alloc(1000);
    const expected: Buffer[] = [];
    for (let round = 0; round < 40; round++) {
      for (let k = 0; k < 400; k++) {
        source.fill(48 + ((round + k) % 10));
        slowOut.slice(source, 0, 1000);
        expected.push(Buffer.from(source));
        // written over at once, as the next read into a reused buffer would
        source.fill(0x21);
        busyOut.slice(source, 0, 1000);
      }
      await new Promise((r) => setImmediate(r));
    }
    assert.ok(slow.writableLength > 0, 'the slow peer left writes waiting');
    const slowPeer = peers.find((p) => p.remotePort === slow.localPort) as Socket;
    const want = Buffer.concat(expected);
    const got: Buffer[] = [];
    let length = 0;
    await new Promise<void>((resolve) => {
      slowPeer.on('data', (d: Buffer) => {
        got.push(d);
        length += d.length;
        if (length >= want.length) resolve();
      });
      slowPeer.resume();
    });
    assert.ok(Buffer.concat(got).equals(want));
  } finally {
    slow.destroy();
    busy.destroy();
    for (const p of peers) p.destroy();
    server.close();
  }
});
