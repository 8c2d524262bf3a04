// How the engine reaches Redis: over TLS (rediss://) with the certificates given, and with a clear
// message when Redis wants a password the Redis URL lacks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeCerts } from '../../test/support/certs.js';
import { freePort, startRedis } from '../../test/support/redis.js';
import { Engine } from './engine.js';

test('rediss://: executions run over TLS, with a private CA and a client certificate', async () => {
  const certs = makeCerts();
  const port = await freePort();
  const redis = await startRedis(
    [
      '--port',
      '0',
      '--tls-port',
      String(port),
      '--tls-cert-file',
      certs.certFile,
      '--tls-key-file',
      certs.keyFile,
      '--tls-ca-cert-file',
      certs.caFile,
    ],
    port,
  );
  const engine = await Engine.start({
    redisUrl: `rediss://127.0.0.1:${port}`,
    redisTls: { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey },
    config: { ExecutionThreads: 1 },
  });
  try {
    const outcome = await engine.execute(
      "GB('ShardsIDReader').map(async () => { await execute('SET', 'tls', 'on'); return execute('GET', 'tls'); }).run()",
    );
    assert.deepEqual(outcome, { kind: 'results', results: ['on'], errors: [] });
  } finally {
    await engine.close();
    await redis.stop();
    certs.remove();
  }
});

test('a Redis that needs a password the URL lacks: the error says to put it in the Redis URL', async () => {
  const redis = await startRedis(['--requirepass', 'rpass']);
  const engine = await Engine.start({ redisUrl: redis.url, config: { ExecutionThreads: 1 } });
  try {
    await assert.rejects(
      engine.execute("GB('ShardsIDReader').run()"),
      new RegExp(
        `Redis at 127\\.0\\.0\\.1:${redis.port} requires a password: put it in the Redis URL \\(redis://:password@`,
      ),
    );
  } finally {
    await engine.close();
    await redis.stop();
  }
});
