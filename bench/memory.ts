// The gears server's memory under load (issue 9): peak RSS with 1,000 idle connections, 200 busy ones,
// a flood from a client that never reads, and 2,000 queued submissions. The baseline is redis-server
// itself under the same load (the C server the gears server fronts), measured in the same run; the
// ratio compares how much each one's RSS grew.
import { connect, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { startGearsProcess, startRedis } from '../test/support/redis.js';
import { encode, rssMb, table } from './support.js';

const IDLE = 1000;
const BUSY = 200;
const BUSY_ROUNDS = 50;
const BUSY_PIPELINE = 100;
const FLOOD_MB = 256;
const QUEUED = 2000;

interface Row {
  readonly scenario: string;
  readonly gearsMb: number;
  readonly redisMb: number;
}

async function open(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return socket;
}

/** Sends `bytes` and waits until `replyBytes` have come back. */
function roundTrip(socket: Socket, bytes: string, replyBytes: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const onData = (d: Buffer) => {
      seen += d.length;
      if (seen >= replyBytes) {
        socket.off('data', onData);
        resolve();
      }
    };
    socket.on('data', onData);
    socket.write(bytes);
  });
}

function rssOf(pid: number): number | undefined {
  try {
    return rssMb(pid);
  } catch {
    return undefined; // the process is gone
  }
}

/** Peak RSS growth (MB) of `pid` while `load` runs; NaN when the process died under it. */
async function growth(pid: number, load: () => Promise<void>): Promise<number> {
  const start = rssOf(pid) ?? NaN;
  let peak = start;
  let died = false;
  const timer = setInterval(() => {
    const now = rssOf(pid);
    if (now === undefined) died = true;
    else peak = Math.max(peak, now);
  }, 20);
  try {
    await load();
  } catch {
    died = true;
  } finally {
    clearInterval(timer);
  }
  return died || rssOf(pid) === undefined ? NaN : peak - start;
}

async function idle(port: number): Promise<void> {
  const sockets: Socket[] = [];
  for (let i = 0; i < IDLE; i++) {
    const s = await open(port);
    await roundTrip(s, encode(['PING']), 7);
    sockets.push(s);
  }
  await new Promise((r) => setTimeout(r, 300));
  for (const s of sockets) s.destroy();
}

async function busy(port: number): Promise<void> {
  const value = 'v'.repeat(100);
  const batch = Array.from(
    { length: BUSY_PIPELINE / 2 },
    (_, i) => encode(['SET', `b:${i}`, value]) + encode(['GET', `b:${i}`]),
  ).join('');
  const replyBytes = (BUSY_PIPELINE / 2) * (5 + `$100\r\n${value}\r\n`.length);
  const sockets = await Promise.all(Array.from({ length: BUSY }, () => open(port)));
  await Promise.all(
    sockets.map(async (s) => {
      for (let r = 0; r < BUSY_ROUNDS; r++) await roundTrip(s, batch, replyBytes);
    }),
  );
  for (const s of sockets) s.destroy();
}

/** A client pipelines FLOOD_MB of GETs of a 1 KB value and never reads; stops once the server stops taking them. */
async function flood(port: number): Promise<void> {
  const setup = await open(port);
  await roundTrip(setup, encode(['SET', 'flood', 'x'.repeat(1024)]), 5);
  setup.destroy();
  const s = await open(port);
  s.pause();
  const chunk = Buffer.from(encode(['GET', 'flood']).repeat(64 * 1024));
  let sent = 0;
  while (sent < FLOOD_MB * 1024 * 1024) {
    if (!s.write(chunk)) {
      const drained = await Promise.race([
        new Promise<boolean>((r) => s.once('drain', () => r(true))),
        new Promise<boolean>((r) => setTimeout(() => r(false), 1000)),
      ]);
      if (!drained || s.destroyed) break; // the server no longer reads (or closed the client)
    }
    sent += chunk.length;
  }
  s.destroy();
}

/**
 * An ioredis client for one scenario, disconnected whatever happens, so it cannot go on reconnecting
 * (and printing ECONNREFUSED) once the servers stop; its errors surface through the commands' promises.
 */
async function withClient(port: number, use: (client: Redis) => Promise<void>): Promise<void> {
  const client = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 1 });
  client.on('error', () => undefined);
  try {
    await use(client);
  } finally {
    client.disconnect();
  }
}

const SOURCE = `GB('ShardsIDReader').map(async () => { await new Promise((r) => setTimeout(r, 1)); return 1; }).run()`;

function queued(gearsPort: number): Promise<void> {
  return withClient(gearsPort, async (client) => {
    // every execution is kept until its results are read (the list keeps MaxExecutions of them)
    await client.call('RG.CONFIGSET', 'MaxQueuedExecutions', String(QUEUED + 10), 'MaxExecutions', String(QUEUED + 10));
    const ids = await Promise.all(
      Array.from({ length: QUEUED }, () => client.call('RG.JSEXECUTE', SOURCE, 'UNBLOCKING') as Promise<string>),
    );
    await Promise.all(ids.map((id) => client.call('RG.GETRESULTSBLOCKING', id)));
  });
}

/** The baseline for queued submissions: the same 2,000 sources kept in a Redis list. */
function queuedInRedis(redisPort: number): Promise<void> {
  return withClient(redisPort, async (client) => {
    await Promise.all(Array.from({ length: QUEUED }, (_, i) => client.rpush('queue', `${i}:${SOURCE}`)));
    await client.del('queue');
  });
}

export async function benchMemory(): Promise<Row[]> {
  console.log('\n## Memory under load (issue 9): peak RSS growth, gears server vs redis-server\n');
  const server = await startRedis(['--maxclients', '5000']);
  const gears = await startGearsProcess(server.url, ['--log-level', 'warn']);
  const rows: Row[] = [];
  try {
    console.log(
      `gears server RSS at start ${rssMb(gears.pid).toFixed(0)} MB, redis-server ${rssMb(server.pid).toFixed(0)} MB`,
    );
    const both = async (scenario: string, load: (port: number) => Promise<void>, baseline = load) => {
      console.log(`${scenario}...`);
      const gearsMb = await growth(gears.pid, () => load(gears.port));
      const redisMb = await growth(server.pid, () => baseline(server.port));
      rows.push({ scenario, gearsMb, redisMb });
    };
    await both(`${IDLE} idle connections`, idle);
    await both(`${BUSY} busy connections (${BUSY_ROUNDS} x ${BUSY_PIPELINE} pipelined SET/GET)`, busy);
    await both(`a client pipelining ${FLOOD_MB} MB of GET without reading`, flood);
    await both(
      `${QUEUED} queued RG.JSEXECUTE UNBLOCKING (Redis: the sources in a list)`,
      (port) => queued(port).catch((err: Error) => console.log(`queued submissions failed: ${err.message}`)),
      queuedInRedis,
    );
    console.log(
      table(
        ['scenario', 'gears server', 'redis-server', 'ratio'],
        rows.map((r) => [
          r.scenario,
          Number.isNaN(r.gearsMb) ? 'the server died' : `+${r.gearsMb.toFixed(0)} MB`,
          `+${r.redisMb.toFixed(0)} MB`,
          r.redisMb >= 1 ? `${(r.gearsMb / r.redisMb).toFixed(1)}x` : 'n/a',
        ]),
      ),
    );
    return rows;
  } finally {
    await gears.stop();
    await server.stop();
  }
}
