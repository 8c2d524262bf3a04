// Protected mode and TLS on the gears server's own listener.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { makeCerts, type TestCerts } from '../../test/support/certs.js';
import { freePort, startRedis, type RedisProcess } from '../../test/support/redis.js';
import { Engine } from '../engine/index.js';
import { gearsCommands } from './rg/index.js';
import { isLoopback } from './protected-mode.js';
import { GearsServer } from './server.js';

describe('protected mode', () => {
  test('a non-loopback listener without authentication is refused, saying how to proceed', async () => {
    const open = new GearsServer({ redisUrl: 'redis://127.0.0.1:1', host: '0.0.0.0', port: 0, commands: new Map() });
    await assert.rejects(open.listen(), (err: Error) => {
      assert.match(err.message, /refusing to listen on 0\.0\.0\.0 without authentication \(protected mode\)/);
      assert.match(err.message, /--password or GEARBOX_PASSWORD/);
      assert.match(err.message, /--protected-mode no/);
      return true;
    });
    for (const opts of [{ password: 'pw' }, { protectedMode: false }, { redisUrl: 'redis://:secret@127.0.0.1:1' }]) {
      const allowed = new GearsServer({
        redisUrl: 'redis://127.0.0.1:1',
        host: '0.0.0.0',
        port: 0,
        commands: new Map(),
        ...opts,
      });
      await allowed.listen();
      await allowed.close();
    }
  });

  test('loopback addresses are recognised', () => {
    for (const host of ['127.0.0.1', '127.8.9.10', '::1', 'localhost', '::ffff:127.0.0.1']) assert.ok(isLoopback(host));
    for (const host of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.2', 'example.com']) assert.ok(!isLoopback(host));
  });
});

describe('TLS on the listener', () => {
  let certs: TestCerts;
  let redis: RedisProcess;
  before(async () => {
    certs = makeCerts();
    redis = await startRedis();
  });
  after(async () => {
    certs.remove();
    await redis.stop();
  });

  const tlsServer = (authClients: 'yes' | 'no', port: number | null = 0) =>
    new GearsServer({
      redisUrl: redis.url,
      port,
      tls: { port: 0, certFile: certs.certFile, keyFile: certs.keyFile, caCertFile: certs.caFile, authClients },
      commands: new Map(),
    });

  test('TLS clients with a certificate from the CA are served, beside the plain port', async () => {
    const server = tlsServer('yes');
    const bound = await server.listen();
    assert.ok(bound.tlsPort && bound.tlsPort !== bound.port);
    const secure = new Redis({
      port: bound.tlsPort,
      host: '127.0.0.1',
      tls: { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey },
      lazyConnect: true,
    });
    const plain = new Redis({ port: bound.port, host: '127.0.0.1', lazyConnect: true });
    try {
      await secure.connect();
      assert.equal(await secure.set('over-tls', 'yes'), 'OK');
      await plain.connect();
      assert.equal(await plain.get('over-tls'), 'yes');
    } finally {
      secure.disconnect();
      plain.disconnect();
      await server.close();
    }
  });

  test('tls-auth-clients yes turns away a client without a certificate; no lets it in; TLS only with port null', async () => {
    const strict = tlsServer('yes', null);
    const lax = tlsServer('no', null);
    const strictPort = (await strict.listen()).tlsPort!;
    const laxPort = (await lax.listen()).tlsPort!;
    const noCert = (port: number) =>
      new Redis({
        port,
        host: '127.0.0.1',
        tls: { ca: certs.ca },
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
    const refused = noCert(strictPort);
    const accepted = noCert(laxPort);
    refused.on('error', () => undefined);
    try {
      await assert.rejects(refused.connect().then(() => refused.ping()));
      await accepted.connect();
      assert.equal(await accepted.ping(), 'PONG');
    } finally {
      refused.disconnect();
      accepted.disconnect();
      await strict.close();
      await lax.close();
    }
  });

  test('certificate files that cannot be read are named', async () => {
    const server = new GearsServer({
      redisUrl: redis.url,
      port: 0,
      tls: { port: 0, certFile: '/nonexistent/cert.pem', keyFile: certs.keyFile, authClients: 'no' },
      commands: new Map(),
    });
    await assert.rejects(
      server.listen(),
      /cannot read the TLS certificate \/nonexistent\/cert\.pem \(ENOENT\): check --tls-cert-file/,
    );
  });
});

test('a rediss:// Redis: proxied commands and RG.* reach it over TLS', async () => {
  const certs = makeCerts();
  const port = await freePort();
  const redis = await startRedis(
    [
      ...['--port', '0', '--tls-port', String(port), '--tls-cert-file', certs.certFile],
      ...['--tls-key-file', certs.keyFile, '--tls-ca-cert-file', certs.caFile],
    ],
    port,
  );
  const redisUrl = `rediss://127.0.0.1:${port}`;
  const redisTls = { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey };
  const engine = await Engine.start({ redisUrl, redisTls, config: { ExecutionThreads: 1 } });
  const server = new GearsServer({ redisUrl, redisTls, port: 0, commands: gearsCommands(engine) });
  const client = new Redis({ port: (await server.listen()).port, lazyConnect: true });
  try {
    await client.connect();
    assert.equal(await client.set('via', 'tls'), 'OK');
    assert.deepEqual(await client.call('RG.JSEXECUTE', "GB('KeysReader', 'via').map((r) => r.value).run()"), [
      ['tls'],
      [],
    ]);
  } finally {
    client.disconnect();
    await server.close();
    await engine.close();
    await redis.stop();
    certs.remove();
  }
});
