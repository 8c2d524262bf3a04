// Stateless commands of many clients share links to Redis; a client that holds state (a
// transaction, a blocking command, a database of its own) keeps Redis' semantics for itself only.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MAX_LINKS_PER_SETUP } from './link/shared.js';
import { cmd, RawClient, startStack, type Stack } from './harness.test.support.js';

let stack: Stack;
before(async () => {
  stack = await startStack();
});
after(async () => {
  await stack.stop();
});

/** Redis connections whose last command was one of `names`. */
const linksThatRan = async (...names: string[]): Promise<number> =>
  String(await stack.direct.call('CLIENT', 'LIST', 'TYPE', 'normal'))
    .trim()
    .split('\n')
    .filter((line) => names.some((n) => line.includes(` cmd=${n} `))).length;

test('twenty clients sending stateless commands share a few links', async () => {
  const clients = await Promise.all(Array.from({ length: 20 }, () => RawClient.connect(stack.port)));
  try {
    await Promise.all(
      clients.map((c, i) =>
        c.roundTrip(
          cmd('SET', `mx${i}`, String(i)) + cmd('GETRANGE', `mx${i}`, '0', '-1'),
          `+OK\r\n$${String(i).length}\r\n${i}\r\n`,
        ),
      ),
    );
    assert.ok((await linksThatRan('getrange')) <= MAX_LINKS_PER_SETUP);
  } finally {
    for (const c of clients) c.close();
  }
});

test('clients that only send stateless commands open no connection to Redis; one that needs its own takes a spare', async () => {
  const redisClients = async (): Promise<number> =>
    String(await stack.direct.call('CLIENT', 'LIST', 'TYPE', 'normal'))
      .trim()
      .split('\n').length;
  const first = await RawClient.connect(stack.port);
  await first.roundTrip(cmd('PING'), '+PONG\r\n');
  const before = await redisClients();
  const clients = await Promise.all(Array.from({ length: 30 }, () => RawClient.connect(stack.port)));
  try {
    await Promise.all(clients.map((c, i) => c.roundTrip(cmd('SET', `sp${i}`, 'v'), '+OK\r\n')));
    assert.ok((await redisClients()) <= before + MAX_LINKS_PER_SETUP, 'thirty clients, no connection of their own');
    // a spare is ready for this setup, so the BLPOP is on Redis before the RPUSH sent right after it
    clients[0].write(cmd('BLPOP', 'spq', '0'));
    await clients[1].roundTrip(cmd('RPUSH', 'spq', 'x'), ':1\r\n');
    await clients[0].expect('*2\r\n$3\r\nspq\r\n$1\r\nx\r\n');
  } finally {
    first.close();
    for (const c of clients) c.close();
  }
});

test('a blocked client does not hold up the others, and gets its reply', async () => {
  const blocked = await RawClient.connect(stack.port);
  const other = await RawClient.connect(stack.port);
  try {
    blocked.write(cmd('BLPOP', 'mq', '0'));
    await other.roundTrip(cmd('PING'), '+PONG\r\n');
    await other.roundTrip(cmd('RPUSH', 'mq', 'job'), ':1\r\n');
    await blocked.expect('*2\r\n$2\r\nmq\r\n$3\r\njob\r\n');
    // back on the shared link, in order
    await blocked.roundTrip(cmd('SET', 'after', '1') + cmd('GET', 'after'), '+OK\r\n$1\r\n1\r\n');
  } finally {
    blocked.close();
    other.close();
  }
});

test('MULTI, WATCH and SELECT stay with the client that sent them', async () => {
  const a = await RawClient.connect(stack.port);
  const b = await RawClient.connect(stack.port);
  try {
    await a.roundTrip(cmd('SELECT', '3') + cmd('SET', 'where', 'db3'), '+OK\r\n+OK\r\n');
    await b.roundTrip(cmd('GET', 'where'), '$-1\r\n');
    await a.roundTrip(cmd('GET', 'where'), '$3\r\ndb3\r\n');
    await a.roundTrip(cmd('SELECT', '0') + cmd('GET', 'where'), '+OK\r\n$-1\r\n');
    await a.roundTrip(cmd('WATCH', 'w') + cmd('MULTI') + cmd('SET', 'w', 'a'), '+OK\r\n+OK\r\n+QUEUED\r\n');
    // b's commands run while a's transaction is open, and its write to the watched key aborts it
    await b.roundTrip(cmd('SET', 'w', 'b'), '+OK\r\n');
    await a.roundTrip(cmd('EXEC') + cmd('GET', 'w'), '*-1\r\n$1\r\nb\r\n');
    await a.roundTrip(cmd('SELECT', '99'), '-ERR DB index is out of range\r\n');
  } finally {
    a.close();
    b.close();
  }
});

test('pipelines from many clients keep each client’s reply order', async () => {
  const clients = await Promise.all(Array.from({ length: 8 }, () => RawClient.connect(stack.port)));
  try {
    await Promise.all(
      clients.map(async (c, i) => {
        let send = '';
        let want = '';
        for (let j = 0; j < 200; j++) {
          send += cmd('INCR', `order${i}`);
          want += `:${j + 1}\r\n`;
        }
        await c.roundTrip(send, want);
      }),
    );
  } finally {
    for (const c of clients) c.close();
  }
});

test('CLIENT PAUSE WRITE: reads and UNPAUSE do not queue behind another client’s paused write', async () => {
  const admin = await RawClient.connect(stack.port);
  const writer = await RawClient.connect(stack.port);
  try {
    await admin.roundTrip(cmd('CLIENT', 'PAUSE', '60000', 'WRITE'), '+OK\r\n');
    writer.write(cmd('SET', 'paused', '1'));
    await new Promise((r) => setTimeout(r, 150));
    await admin.roundTrip(cmd('GET', 'paused'), '$-1\r\n');
    await admin.roundTrip(cmd('CLIENT', 'UNPAUSE'), '+OK\r\n');
    await writer.expect('+OK\r\n');
  } finally {
    admin.close();
    writer.close();
  }
});

test('a MONITOR sent right after a SELECT shows no setup command of the links the server opens for it', async () => {
  const first = await RawClient.connect(stack.port);
  const taker = await RawClient.connect(stack.port);
  const monitor = await RawClient.connect(stack.port);
  const writer = await RawClient.connect(stack.port);
  try {
    // spares set up for database 6; one is taken, so the next SELECT 6 opens another
    await first.roundTrip(cmd('SELECT', '6'), '+OK\r\n');
    await new Promise((r) => setTimeout(r, 100));
    await taker.roundTrip(cmd('SELECT', '6') + cmd('MULTI') + cmd('EXEC'), '+OK\r\n+OK\r\n*0\r\n');
    await new Promise((r) => setTimeout(r, 100));
    await monitor.roundTrip(cmd('SELECT', '6') + cmd('MONITOR'), '+OK\r\n+OK\r\n');
    await writer.roundTrip(cmd('SET', 'seen', '1'), '+OK\r\n');
    const line = await monitor.until(/\+[^\r]*\r\n/);
    assert.match(line[0], /"SET" "seen" "1"/);
  } finally {
    for (const c of [first, taker, monitor, writer]) c.close();
  }
});
