// `gearbox serve` as an operator runs it: secrets from the environment, never printed; protected mode.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { freePort, startRedis } from '../../test/support/redis.js';
import { waitFor } from '../../test/support/wait.js';
import { cmd, RawClient } from '../server/harness.test.support.js';

const CLI = new URL('./main.js', import.meta.url).pathname;

interface Served {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
}

/** Runs `gearbox serve`; once it is ready (or has exited), `whileUp` runs, then the server is stopped. */
async function serve(
  args: string[],
  env: Record<string, string>,
  whileUp: () => Promise<void>,
  nodeFlags: string[] = [],
): Promise<Served> {
  const child = spawn(process.execPath, [...nodeFlags, CLI, 'serve', ...args], {
    env: { ...process.env, GEARBOX_LOG_LEVEL: 'debug', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.includes('ready')) resolve();
    });
    void exited.then(() => resolve());
  });
  if (child.exitCode === null) {
    try {
      await whileUp();
    } finally {
      child.kill('SIGTERM');
    }
  }
  return { stdout, stderr, code: await exited };
}

test('REDIS_URL and GEARBOX_PASSWORD come from the environment and are never printed', async () => {
  const redis = await startRedis(['--requirepass', 'redis-secret-1']);
  const port = await freePort();
  try {
    const out = await serve(
      ['--port', String(port)],
      { REDIS_URL: `redis://:redis-secret-1@127.0.0.1:${redis.port}`, GEARBOX_PASSWORD: 'gears-secret-2' },
      async () => {
        const client = new Redis({ port, password: 'gears-secret-2', lazyConnect: true });
        await client.connect();
        assert.deepEqual(await client.call('RG.JSEXECUTE', "GB('ShardsIDReader').map(() => 'ok').run()"), [['ok'], []]);
        client.disconnect();
      },
    );
    assert.match(
      out.stdout,
      new RegExp(`ready on 127\\.0\\.0\\.1:${port} \\(Redis redis://:\\*\\*\\*@127\\.0\\.0\\.1:${redis.port}`),
    );
    for (const secret of ['redis-secret-1', 'gears-secret-2']) {
      assert.ok(!out.stdout.includes(secret), `stdout shows ${secret}`);
      assert.ok(!out.stderr.includes(secret), `the log shows ${secret}`);
    }
  } finally {
    await redis.stop();
  }
});

test('protected mode: a non-loopback listener without a password does not start, and says how to proceed', async () => {
  const out = await serve(['--host', '0.0.0.0', '--port', String(await freePort())], {}, async () => {
    assert.fail('the server started');
  });
  assert.equal(out.code, 1);
  assert.match(
    out.stderr,
    /^gearbox serve: refusing to listen on 0\.0\.0\.0 without authentication \(protected mode\)/m,
  );
  assert.doesNotMatch(out.stdout, /ready/);
});

test('limit flags are written as in redis.conf: --maxclients applies, a bad one says what it takes', async () => {
  const redis = await startRedis();
  try {
    const port = await freePort();
    const args = ['--redis', redis.url, '--port', String(port)];
    await serve([...args, '--maxclients', '1', '--client-output-buffer-limit', 'pubsub 1mb 0 0'], {}, async () => {
      const first = new Redis({ port, lazyConnect: true });
      await first.connect();
      const second = connect(port, '127.0.0.1');
      let said = '';
      second.on('data', (d: Buffer) => (said += d.toString()));
      await new Promise((resolve) => second.on('close', resolve));
      assert.equal(said, '-ERR max number of clients reached\r\n');
      first.disconnect();
    });
    const bad = await serve([...args, '--client-output-buffer-limit', 'replica 1mb 1mb 1'], {}, async () => {
      assert.fail('the server started');
    });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /gearbox serve: client-output-buffer-limit takes a class of normal or pubsub first/);
  } finally {
    await redis.stop();
  }
});

test("ready means the execution threads are linked: a MONITOR opened then sees only its clients' commands", async () => {
  const redis = await startRedis();
  const port = await freePort();
  try {
    await serve(['--redis', redis.url, '--port', String(port), '--threads', '2'], {}, async () => {
      // as Redis saw them when the ready line came: every thread's link there, its name the last it sent
      const direct = new Redis({ port: redis.port, lazyConnect: true });
      await direct.connect();
      const links = String(await direct.call('CLIENT', 'LIST'))
        .split('\n')
        .filter((line) => line.includes('name=gearbox-execution'));
      direct.disconnect();
      assert.equal(links.length, 2, links.join('\n'));
      for (const link of links) assert.match(link, / cmd=client\|setname /);

      const monitor = await RawClient.connect(port);
      await monitor.roundTrip(cmd('MONITOR'), '+OK\r\n');
      const client = await RawClient.connect(port);
      await client.roundTrip(cmd('PING', 'sentinel'), '$8\r\nsentinel\r\n');
      await waitFor(() => monitor.pending.includes('sentinel'), 'the MONITOR to show the PING');
      assert.match(monitor.pending, /^\+[\d.]+ \[0 [\d.:]+\] "PING" "sentinel"\r\n$/);
      // a function that does not call atomic() opens no link for it
      await client.roundTrip(
        cmd('RG.JSEXECUTE', "GB('ShardsIDReader').map(() => 'ok').run()"),
        '*2\r\n*1\r\n$2\r\nok\r\n*0\r\n',
      );
      await client.roundTrip(cmd('PING', 'after'), '$5\r\nafter\r\n');
      await waitFor(() => monitor.pending.includes('after'), 'the MONITOR to show the second PING');
      assert.doesNotMatch(monitor.pending, /setname/i);
      monitor.close();
      client.close();
    });
  } finally {
    await redis.stop();
  }
});

test('a Redis that is down gets one warning naming its address and what to do, in gearbox words', async () => {
  const port = await freePort();
  const out = await serve(
    ['--port', String(await freePort()), '--redis', `redis://127.0.0.1:${port}`],
    { GEARBOX_LOG_LEVEL: 'info' },
    async () => undefined,
  );
  const warnings = out.stderr.split('\n').filter((line) => /"level":40/.test(line));
  assert.equal(warnings.length, 1, out.stderr);
  assert.match(
    warnings[0]!,
    new RegExp(`cannot reach Redis at 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\): start Redis or check --redis`),
  );
  assert.doesNotMatch(out.stderr, /max retries|maxRetriesPerRequest|Connection is closed/);
});

test('a taken port fails in one line naming it, before the server touches Redis', async () => {
  const redis = await startRedis();
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const port = (taken.address() as { port: number }).port;
  const client = new Redis(redis.url);
  const connections = async () => /total_connections_received:(\d+)/.exec(await client.info('stats'))![1];
  try {
    const before = await connections();
    const out = await serve(['--port', String(port), '--redis', redis.url], {}, async () => {
      assert.fail('the server started');
    });
    assert.equal(out.code, 1);
    assert.equal(
      out.stderr,
      `gearbox serve: gears server cannot listen on 127.0.0.1:${port} (EADDRINUSE): another process listens there; pick another --port\n`,
    );
    assert.equal(await connections(), before);
  } finally {
    client.disconnect();
    taken.close();
    await redis.stop();
  }
});

test('node flags a thread refuses (--max-old-space-size) do not stop the execution threads', async () => {
  const redis = await startRedis();
  const port = await freePort();
  try {
    const out = await serve(
      ['--port', String(port), '--redis', redis.url],
      {},
      async () => {
        const client = new Redis({ port, lazyConnect: true });
        await client.connect();
        assert.deepEqual(await client.call('RG.JSEXECUTE', "GB('ShardsIDReader').map(() => 'ok').run()"), [['ok'], []]);
        client.disconnect();
      },
      ['--max-old-space-size=512', '--enable-source-maps'],
    );
    assert.match(out.stdout, /ready/, out.stderr);
  } finally {
    await redis.stop();
  }
});
