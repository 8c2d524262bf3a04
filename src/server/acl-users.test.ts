// Redis' own ACL users through the gears server: AUTH and HELLO ... AUTH are checked by Redis, the
// client's commands reach Redis as that user, and RG.* are gated by that user's rights.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import type { CommandTable } from './commands.js';
import { waitFor } from '../../test/support/wait.js';
import { GRANT_TTL_MS } from './grants.js';
import { cmd, RawClient, startStack, type Stack } from './harness.test.support.js';
import { GearsServer } from './server.js';

const ran = (): string => 'ran';
const commands: CommandTable = new Map([
  ['rg.jsexecute', ran],
  ['rg.configset', ran],
  ['rg.trigger', ran],
  ['rg.dumpexecutions', ran],
]);

let stack: Stack;
let admin: Redis;
let server: GearsServer;
let port: number;
before(async () => {
  stack = await startStack({ redisArgs: ['--requirepass', 'adminpw'] });
  admin = new Redis({ port: stack.redis.port, password: 'adminpw' });
  await admin.call('ACL', 'SETUSER', 'reader', 'on', '>readpw', '~*', '+@read', '+ping', '+acl|whoami');
  await admin.call('ACL', 'SETUSER', 'caller', 'on', '>callpw', '~*', '+@read', '+ping', '+fcall');
  await admin.call('ACL', 'SETUSER', 'dev', 'on', '>devpw', '~*', '&*', '+@all');
  // the engine's credentials are in the URL; clients do not get them
  server = new GearsServer({
    redisUrl: `redis://:adminpw@127.0.0.1:${stack.redis.port}`,
    port: 0,
    commands,
  });
  port = (await server.listen()).port;
});
after(async () => {
  admin.disconnect();
  await server.close();
  await stack.stop();
});

const NOAUTH = '-NOAUTH Authentication required.\r\n';
const noperm = (name: string, needs: string): string =>
  `-NOPERM this user has no permissions to run the '${name}' command: it needs the rights for ${needs}\r\n`;

test('a client that has not authenticated gets NOAUTH from Redis, for proxied and RG.* commands', async () => {
  const c = await RawClient.connect(port);
  try {
    await c.roundTrip(cmd('GET', 'k') + cmd('rg.dumpexecutions') + cmd('rg.jsexecute', 'x'), NOAUTH.repeat(3));
    await c.roundTrip(
      cmd('AUTH', 'reader', 'wrong'),
      '-WRONGPASS invalid username-password pair or user is disabled.\r\n',
    );
  } finally {
    c.close();
  }
});

test('AUTH user pass: commands reach Redis as that user, RG.* need the matching rights', async () => {
  const c = await RawClient.connect(port);
  try {
    await c.roundTrip(cmd('AUTH', 'reader', 'readpw') + cmd('ACL', 'WHOAMI'), '+OK\r\n$6\r\nreader\r\n');
    await c.roundTrip(cmd('GET', 'k'), '$-1\r\n');
    c.write(cmd('SET', 'k', 'v'));
    await c.expect("-NOPERM this user has no permissions to run the 'set' command");
    await c.expect(c.pending);
    await c.roundTrip(cmd('rg.dumpexecutions'), '$3\r\nran\r\n');
    await c.roundTrip(cmd('rg.jsexecute', 'x'), noperm('rg.jsexecute', 'EVAL and FUNCTION LOAD'));
    await c.roundTrip(cmd('rg.configset', 'a', 'b'), noperm('rg.configset', 'EVAL and FUNCTION LOAD'));
    await c.roundTrip(cmd('rg.trigger', 't'), noperm('rg.trigger', 'FCALL'));
  } finally {
    c.close();
  }
  const caller = await RawClient.connect(port);
  try {
    await caller.roundTrip(cmd('AUTH', 'caller', 'callpw') + cmd('rg.trigger', 't'), '+OK\r\n$3\r\nran\r\n');
    await caller.roundTrip(cmd('rg.jsexecute', 'x'), noperm('rg.jsexecute', 'EVAL and FUNCTION LOAD'));
  } finally {
    caller.close();
  }
  // Redis logs the refused probe in its ACL LOG, under the client's user
  const log = (await admin.call('ACL', 'LOG')) as unknown[][];
  assert.ok(log.some((entry) => entry.includes('caller')));
});

test('HELLO 3 AUTH and client libraries with a username: full rights for a user that has them', async () => {
  const c = await RawClient.connect(port);
  try {
    c.write(cmd('HELLO', '3', 'AUTH', 'dev', 'devpw'));
    await c.expect('%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n');
    await c.expect(c.pending.slice(0, c.pending.indexOf('*0\r\n') + 4));
    await c.roundTrip(cmd('SET', 'dk', 'v') + cmd('rg.jsexecute', 'x'), '+OK\r\n$3\r\nran\r\n');
    await c.roundTrip(cmd('ACL', 'WHOAMI'), '$3\r\ndev\r\n');
  } finally {
    c.close();
  }
  // no ready check: it sends INFO, which these users may not run, and ioredis then prints a warning
  const io = new Redis({ port, username: 'reader', password: 'readpw', enableReadyCheck: false });
  const nr = createClient({ url: `redis://dev:devpw@127.0.0.1:${port}`, RESP: 3 });
  await nr.connect();
  try {
    assert.equal(await io.call('ACL', 'WHOAMI'), 'reader');
    await assert.rejects(io.call('rg.jsexecute', 'x'), /NOPERM/);
    assert.equal(await nr.sendCommand(['ACL', 'WHOAMI']), 'dev');
    assert.equal(await nr.sendCommand(['rg.configset', 'a', 'b']), 'ran');
  } finally {
    io.disconnect();
    await nr.close();
  }
});

test('--password lends the URL credentials only after AUTH with it; ACL users still authenticate with Redis', async () => {
  const gated = new GearsServer({
    redisUrl: `redis://:adminpw@127.0.0.1:${stack.redis.port}`,
    port: 0,
    password: 'gatepw',
    commands,
  });
  const gatedPort = (await gated.listen()).port;
  const c = await RawClient.connect(gatedPort);
  try {
    await c.roundTrip(cmd('GET', 'k'), NOAUTH);
    await c.roundTrip(cmd('AUTH', 'gatepw') + cmd('ACL', 'WHOAMI'), '+OK\r\n$7\r\ndefault\r\n');
    await c.roundTrip(cmd('AUTH', 'reader', 'readpw') + cmd('ACL', 'WHOAMI'), '+OK\r\n$6\r\nreader\r\n');
    await c.roundTrip(cmd('rg.jsexecute', 'x'), noperm('rg.jsexecute', 'EVAL and FUNCTION LOAD'));
  } finally {
    c.close();
    await gated.close();
  }
});

test('a user without the right to SELECT keeps the database the connection was in, as on Redis', async () => {
  await admin.call('ACL', 'SETUSER', 'bob', 'on', '>bobpw', '~x*', '+@scripting', '+set', '+get');
  const c = await RawClient.connect(port);
  try {
    await c.roundTrip(cmd('AUTH', 'dev', 'devpw') + cmd('SELECT', '5'), '+OK\r\n+OK\r\n');
    await c.roundTrip(
      cmd('AUTH', 'bob', 'bobpw') + cmd('SET', 'x1', 'in5') + cmd('GET', 'x1'),
      '+OK\r\n+OK\r\n$3\r\nin5\r\n',
    );
    c.write(cmd('SELECT', '0'));
    await c.expect("-NOPERM this user has no permissions to run the 'select' command");
    await c.expect(c.pending);
  } finally {
    c.close();
  }
  assert.equal(await admin.select(5).then(() => admin.get('x1')), 'in5');
  await admin.select(0);
});

const fcallCalls = async (): Promise<number> => {
  const info = (await admin.info('commandstats')).match(/cmdstat_fcall:calls=(\d+)/);
  return info ? Number(info[1]) : 0;
};

test('a granted right to call functions is asked once per moment; revoked, it stops at once through the server and within GRANT_TTL_MS directly', async () => {
  await admin.call('ACL', 'SETUSER', 'looper', 'on', '>looppw', '~*', '+ping', '+fcall', '+acl');
  const c = await RawClient.connect(port);
  try {
    await c.roundTrip(cmd('AUTH', 'looper', 'looppw'), '+OK\r\n');
    const before = await fcallCalls();
    for (let i = 0; i < 10; i++) await c.roundTrip(cmd('rg.trigger', 't'), '$3\r\nran\r\n');
    // one probe (FCALL "" 0) for ten triggers
    assert.equal((await fcallCalls()) - before, 1);

    // revoked through the gears server (any connection): the next trigger asks Redis again and is refused
    await admin.call('ACL', 'SETUSER', 'looper', '-fcall');
    const viaServer = new Redis({ port, username: 'dev', password: 'devpw' });
    try {
      await admin.call('ACL', 'SETUSER', 'looper', '+fcall');
      await c.roundTrip(cmd('rg.trigger', 't'), '$3\r\nran\r\n');
      await viaServer.call('ACL', 'SETUSER', 'looper', '-fcall');
    } finally {
      viaServer.disconnect();
    }
    await c.roundTrip(cmd('rg.trigger', 't'), noperm('rg.trigger', 'FCALL'));
    // a refusal is not remembered: granted again in Redis, it applies at once
    await admin.call('ACL', 'SETUSER', 'looper', '+fcall');
    await c.roundTrip(cmd('rg.trigger', 't'), '$3\r\nran\r\n');

    // revoked straight on Redis, unseen by the server: refused once the grant is older than GRANT_TTL_MS
    await admin.call('ACL', 'SETUSER', 'looper', '-fcall');
    const io = new Redis({ port, username: 'looper', password: 'looppw', enableReadyCheck: false });
    try {
      await waitFor(
        () =>
          io.call('rg.trigger', 't').then(
            () => false,
            (err: Error) => /^NOPERM .*'rg\.trigger'.*FCALL/.test(err.message),
          ),
        'the revoked right to be refused',
        GRANT_TTL_MS + 5000,
      );
    } finally {
      io.disconnect();
    }
    // authenticating again forgets the grant at once
    await admin.call('ACL', 'SETUSER', 'looper', '+fcall');
    await c.roundTrip(cmd('rg.trigger', 't'), '$3\r\nran\r\n');
    await admin.call('ACL', 'SETUSER', 'looper', '-fcall');
    await c.roundTrip(
      cmd('AUTH', 'looper', 'looppw') + cmd('rg.trigger', 't'),
      '+OK\r\n' + noperm('rg.trigger', 'FCALL'),
    );
  } finally {
    c.close();
  }
});
