// An application whose gears server is not there: the client prints nothing of its own (ioredis would
// print "[ioredis] Unhandled error event" for each attempt), and each awaited command fails at once with
// GearsConnectionError naming the address and what to do, on a gears command, a keyed command (the
// cluster-aware path asks the node first) and clusterClient() alike.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { freePort } from './support/redis.js';
import { runScript } from './support/script.js';

describe('a client with no gears server to reach', () => {
  it('prints nothing and rejects each command with GearsConnectionError', async () => {
    const port = await freePort();
    const run = await runScript(`
      import { GearsConnectionError, RedisGears } from 'gearbox';
      const client = new RedisGears({ port: ${port} });
      const outcome = (promise) =>
        promise.then(
          () => 'answered',
          (err) => (err instanceof GearsConnectionError ? 'GearsConnectionError: ' : err.name + ': ') + err.message,
        );
      const outcomes = {
        jsstats: await outcome(client.gears.jsstats()),
        get: await outcome(client.get('k')),
        clusterClient: await outcome(client.clusterClient()),
      };
      client.disconnect();
      console.log(JSON.stringify(outcomes));
    `);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '');
    const outcomes = JSON.parse(run.stdout) as Record<string, string>;
    assert.deepEqual(Object.keys(outcomes), ['jsstats', 'get', 'clusterClient']);
    for (const outcome of Object.values(outcomes)) {
      assert.match(
        outcome,
        new RegExp(
          `^GearsConnectionError: cannot reach the gears server at localhost:${port} .*ECONNREFUSED.*gearbox serve`,
        ),
      );
    }
  });
});
