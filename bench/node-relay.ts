// The floor for a Redis proxy written on Node: a hand-written relay with nothing but what any
// multiplexing proxy needs (one link to Redis shared by every client, replies paired in order,
// writes batched per event loop turn, as the gears server does). It knows only the RESP2 replies
// redis-benchmark's SET and GET see, and checks nothing: a baseline for bench/proxy.ts and
// bench/proxy-instructions.sh, never a server to use.
//
//   node dist/bench/node-relay.js <redis port> <listen port>
import { Buffer } from 'node:buffer';
import { connect, createServer, type Socket } from 'node:net';

const LF = 10;

interface Client {
  readonly socket: Socket;
  out: Buffer[];
  dirty: boolean;
}

/** The end of the RESP2 reply at buf[i] (simple, error, integer, bulk, array); -1 if it is not all in buf. */
function replyEnd(buf: Buffer, i: number): number {
  const nl = buf.indexOf(LF, i);
  if (nl < 0) return -1;
  const type = buf[i];
  if (type !== 0x24 && type !== 0x2a) return nl + 1;
  const n = Number(buf.toString('latin1', i + 1, nl - 1));
  if (type === 0x24) return n < 0 ? nl + 1 : nl + 1 + n + 2 <= buf.length ? nl + 1 + n + 2 : -1;
  let j = nl + 1;
  for (let k = 0; k < n && j >= 0; k++) j = replyEnd(buf, j);
  return j;
}

/** The end of the RESP array command at buf[i]; -1 if it is not all in buf. */
function commandEnd(buf: Buffer, i: number): number {
  let nl = buf.indexOf(LF, i);
  if (nl < 0) return -1;
  const n = Number(buf.toString('latin1', i + 1, nl - 1));
  let j = nl + 1;
  for (let k = 0; k < n; k++) {
    nl = buf.indexOf(LF, j);
    if (nl < 0) return -1;
    j = nl + 1 + Number(buf.toString('latin1', j + 1, nl - 1)) + 2;
  }
  return j <= buf.length ? j : -1;
}

/** Calls `each` with every whole frame of the stream, keeping an incomplete one for the next chunk. */
function framer(end: (buf: Buffer, i: number) => number, each: (frame: Buffer) => void): (chunk: Buffer) => void {
  let carry: Buffer | null = null;
  return (chunk) => {
    const buf = carry === null ? chunk : Buffer.concat([carry, chunk]);
    carry = null;
    let i = 0;
    while (i < buf.length) {
      const e = end(buf, i);
      if (e < 0) {
        carry = buf.subarray(i);
        return;
      }
      each(buf.subarray(i, e));
      i = e;
    }
  };
}

export function startNodeRelay(redisPort: number, port: number, ready: () => void): void {
  const redis = connect(redisPort, '127.0.0.1');
  redis.setNoDelay(true);
  const owners: Client[] = [];
  let head = 0;
  let toRedis: Buffer[] = [];
  let dirty: Client[] = [];
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (toRedis.length > 0) redis.write(toRedis.length === 1 ? toRedis[0] : Buffer.concat(toRedis));
    toRedis = [];
    const clients = dirty;
    dirty = [];
    for (const c of clients) {
      c.dirty = false;
      c.socket.write(c.out.length === 1 ? c.out[0] : Buffer.concat(c.out));
      c.out = [];
    }
  };
  const schedule = (): void => {
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  const replies = framer(replyEnd, (reply) => {
    const c = owners[head++];
    if (head === owners.length) head = owners.length = 0;
    c.out.push(reply);
    if (!c.dirty) {
      c.dirty = true;
      dirty.push(c);
    }
  });
  redis.on('data', (chunk: Buffer) => {
    replies(chunk);
    schedule();
  });
  createServer((socket) => {
    socket.setNoDelay(true);
    const c: Client = { socket, out: [], dirty: false };
    const commands = framer(commandEnd, (command) => {
      owners.push(c);
      toRedis.push(command);
    });
    socket.on('data', (chunk: Buffer) => {
      commands(chunk);
      schedule();
    });
    socket.on('error', () => {});
  }).listen(port, '127.0.0.1', ready);
}

const [redisPort, port] = process.argv.slice(2).map(Number);
if (redisPort && port) startNodeRelay(redisPort, port, () => console.log('ready'));
