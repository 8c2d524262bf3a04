// CLIENT LIST, CLIENT KILL and INFO's connected_clients through the gears server (clients-commands.ts):
// each client of the server is one entry of Redis' client table, and the server's own links (shared
// links, links named gearbox-...) are neither listed, counted nor killed.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { CLIENT_LIST_REUSE_MS } from './clients-commands.js';
import { cmd, RawClient, stackForFile } from './harness.test.support.js';

const stack = stackForFile();

const connectedClients = async (r: Redis): Promise<number> =>
  Number(/connected_clients:(\d+)/.exec(await r.info('clients'))?.[1]);

/** Clients of the gears server that have sent a command (so a shared link is open too). */
async function gearsClients(n: number): Promise<Redis[]> {
  const out: Redis[] = [];
  for (let i = 0; i < n; i++) {
    const r = new Redis({ port: stack().port, maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on('error', () => undefined);
    await r.get('k');
    out.push(r);
  }
  return out;
}

/** A connection straight to Redis under a name the server gives its own links. */
async function serverLikeLink(): Promise<Redis> {
  const r = new Redis({ port: stack().redis.port, connectionName: 'gearbox-test-own' });
  await r.ping();
  return r;
}

test('CLIENT LIST and INFO show each client once and none of the server own links', async () => {
  const [a, b] = await gearsClients(2);
  const own = await serverLikeLink();
  const direct = new Redis({ port: stack().redis.port, connectionName: 'direct-one' });
  await direct.ping();
  try {
    const lines = String(await a.client('LIST'))
      .trim()
      .split('\n');
    assert.ok(!lines.some((l) => l.includes('name=gearbox-')), 'no link of the server is listed');
    assert.ok(
      lines.some((l) => l.includes('name=direct-one')),
      'clients of Redis itself are listed',
    );
    // the gears server's two clients (their own links) and the direct client: no shared link
    assert.equal(lines.length, 3, lines.join('\n'));
    assert.equal(await connectedClients(a), 3);
    // the raw count on Redis also has the shared link and the server-named link
    assert.ok((await connectedClients(direct)) >= 5);
    // RESP3 answers INFO with a verbatim string: rewritten the same way
    const c3 = await RawClient.connect(stack().port);
    c3.write(cmd('HELLO', '3'));
    await c3.until(/modules\r\n\*0\r\n/);
    c3.write(cmd('INFO', 'clients'));
    await c3.until(/^=\d+\r\ntxt:# Clients\r\nconnected_clients:4\r\n/);
    c3.close();
    // sections without connected_clients go to Redis untouched
    assert.match(await a.info('server'), /redis_version:/);
    // a client that just left is not counted, even if Redis has not freed its link yet
    await new Promise((resolve) => setTimeout(resolve, CLIENT_LIST_REUSE_MS));
    b.disconnect();
    while (stack().server.connections > 1) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(await connectedClients(a), 2);
  } finally {
    for (const r of [a, b, own, direct]) r.disconnect();
  }
});

test('CLIENT KILL SKIPME yes/no kills every client but the server own links, as Redis counts them', async () => {
  const [me, x, y] = await gearsClients(3);
  const own = await serverLikeLink();
  const direct = new Redis({ port: stack().redis.port, retryStrategy: () => null });
  direct.on('error', () => undefined);
  await direct.ping();
  // a connection straight to Redis is counted from a CLIENT LIST at most this old
  await new Promise((resolve) => setTimeout(resolve, CLIENT_LIST_REUSE_MS));
  try {
    const before = await connectedClients(me);
    assert.equal(before, 4);
    const closes = [x, y, direct].map((r) => once(r, 'end'));
    assert.equal(await me.call('CLIENT', 'KILL', 'SKIPME', 'yes'), before - 1);
    await Promise.all(closes);
    assert.equal(await own.ping(), 'PONG', 'a link of the server survives');
    assert.equal(await connectedClients(me), 1);
    assert.equal(await me.get('k'), null, 'the caller goes on');
    // the caller too: the reply, then its connection closes
    const [z] = await gearsClients(1);
    const raw = await RawClient.connect(stack().port);
    await raw.roundTrip(cmd('PING'), '+PONG\r\n');
    await raw.roundTrip(cmd('CLIENT', 'KILL', 'SKIPME', 'no'), ':3\r\n');
    await raw.closed;
    z.disconnect();
  } finally {
    for (const r of [me, x, y, own, direct]) r.disconnect();
  }
});

test('CLIENT KILL by address (old form), by id and by user, and its errors, as Redis answers them', async () => {
  const [me, victim] = await gearsClients(2);
  try {
    const info = String(await victim.client('INFO'));
    const addr = /addr=(\S+)/.exec(info)?.[1] as string;
    const id = /id=(\d+)/.exec(info)?.[1] as string;
    const victimEnds = once(victim, 'end');
    assert.equal(await me.call('CLIENT', 'KILL', addr), 'OK');
    await victimEnds;
    await assert.rejects(me.call('CLIENT', 'KILL', addr), /^ReplyError: ERR No such client$/);
    const [again] = await gearsClients(1);
    const againId = /id=(\d+)/.exec(String(await again.client('INFO')))?.[1] as string;
    assert.equal(await me.call('CLIENT', 'KILL', 'ID', id), 0, 'a killed client is gone');
    const againEnds = once(again, 'end');
    assert.equal(await me.call('CLIENT', 'KILL', 'ID', againId, 'SKIPME', 'yes'), 1);
    await againEnds;
    // a server link is never a match, whatever the filter
    const own = await serverLikeLink();
    const ownId = String(await own.client('ID'));
    assert.equal(await me.call('CLIENT', 'KILL', 'ID', ownId), 0);
    assert.equal(await me.call('CLIENT', 'KILL', 'USER', 'default', 'TYPE', 'normal'), 0);
    own.disconnect();
    // Redis' own errors, for the same arguments
    await assert.rejects(me.call('CLIENT', 'KILL'), /wrong number of arguments for 'client\|kill' command/);
    await assert.rejects(me.call('CLIENT', 'KILL', 'TYPE', 'wrong_type'), /ERR Unknown client type 'wrong_type'/);
    await assert.rejects(me.call('CLIENT', 'KILL', 'USER', 'nobody'), /ERR No such user 'nobody'/);
    await assert.rejects(me.call('CLIENT', 'KILL', 'ID', '0'), /greater than 0/);
    await assert.rejects(me.call('CLIENT', 'KILL', 'SKIPME', 'maybe'), /ERR syntax error/);
  } finally {
    me.disconnect();
    victim.disconnect();
  }
});

test('inside MULTI, CLIENT KILL is refused (EXECABORT), INFO is queued; a user without the right gets NOPERM', async () => {
  const c = await RawClient.connect(stack().port);
  await stack().direct.call('ACL', 'SETUSER', 'noclient', 'on', '>pw', '~*', '+@all', '-client');
  const limited = new Redis({ port: stack().port, username: 'noclient', password: 'pw' });
  const own = await serverLikeLink();
  try {
    // queued, Redis would run it at EXEC without the server's filter: refused as Redis refuses what it cannot queue
    await c.roundTrip(
      cmd('MULTI') + cmd('CLIENT', 'KILL', 'TYPE', 'normal'),
      '+OK\r\n-ERR Command not allowed inside a transaction\r\n',
    );
    await c.roundTrip(cmd('EXEC'), '-EXECABORT Transaction discarded because of previous errors.\r\n');
    assert.equal(await own.ping(), 'PONG', 'no link of the server was killed');
    await c.roundTrip(cmd('MULTI') + cmd('INFO', 'keyspace') + cmd('EXEC'), '+OK\r\n+QUEUED\r\n*1\r\n$');
    await assert.rejects(limited.call('CLIENT', 'KILL', 'SKIPME', 'yes'), /NOPERM/);
    await assert.rejects(limited.client('LIST'), /NOPERM/);
  } finally {
    c.close();
    limited.disconnect();
    own.disconnect();
    await stack().direct.call('ACL', 'DELUSER', 'noclient');
  }
});

test('a client of the server named like the server links is still listed, counted and killable', async () => {
  const [me, named] = await gearsClients(2);
  try {
    await named.call('CLIENT', 'SETNAME', 'gearbox-me');
    assert.match(String(await named.call('CLIENT', 'LIST')), /name=gearbox-me /);
    const id = String(await named.call('CLIENT', 'ID'));
    assert.match(String(await me.call('CLIENT', 'LIST')), new RegExp(`id=${id} .*name=gearbox-me `));
    const namedEnds = once(named, 'end');
    assert.equal(await me.call('CLIENT', 'KILL', 'ID', id), 1);
    await namedEnds;
  } finally {
    me.disconnect();
    named.disconnect();
  }
});

test('a subscribed client: RESP2 gets Redis refusal, RESP3 gets the filtered answer', async () => {
  const own = await serverLikeLink();
  const ownId = String(await own.client('ID'));
  const c2 = await RawClient.connect(stack().port);
  const c3 = await RawClient.connect(stack().port);
  try {
    await c2.roundTrip(cmd('SUBSCRIBE', 'ch'), '*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n');
    c2.write(cmd('CLIENT', 'KILL', 'ID', ownId));
    await c2.until(/^-ERR Can't execute 'client\|kill'[^\r]*\r\n/);
    c3.write(cmd('HELLO', '3'));
    await c3.until(/modules\r\n\*0\r\n/);
    await c3.roundTrip(cmd('SUBSCRIBE', 'ch'), '>3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n');
    await c3.roundTrip(cmd('CLIENT', 'KILL', 'ID', ownId), ':0\r\n');
    assert.equal(await own.ping(), 'PONG');
  } finally {
    c2.close();
    c3.close();
    own.disconnect();
  }
});
