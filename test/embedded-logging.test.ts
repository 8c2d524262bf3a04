// An engine embedded in an application (README, "Embedded mode") keeps the application's output its
// own: by default it logs only warnings and errors, on stderr; logLevel asks for more, and
// GEARBOX_LOG_LEVEL, set by whoever runs the application, wins over both.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startRedis, type RedisProcess } from './support/redis.js';
import { runScript } from './support/script.js';

let redis: RedisProcess;

// a registration enables keyspace notifications, and the second engine restores it: both are info lines
const app = (options: string) => `
  import { Engine } from 'gearbox/engine';
  const options = { redisUrl: '${redis.url}', ${options} };
  const first = await Engine.start(options);
  // run with --input-type=module -e, whose flag the execution threads must not inherit (worker/pool.ts)
  const outcome = await first.execute("GB().foreach(() => {}).register('embedded:*')");
  if (outcome.kind !== 'registered') throw new Error(JSON.stringify(outcome));
  await first.close();
  const second = await Engine.start(options);
  await second.close();
`;

describe('embedded engine logging', () => {
  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    await redis.stop();
  });

  it('says nothing by default', async () => {
    const run = await runScript(app(''), { GEARBOX_LOG_LEVEL: undefined });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, '');
    assert.equal(run.stderr, '');
  });

  it("logs what it does on stderr with logLevel: 'info'", async () => {
    const run = await runScript(app("logLevel: 'info'"), { GEARBOX_LOG_LEVEL: undefined });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /restored registrations/);
  });

  it('lets GEARBOX_LOG_LEVEL win over logLevel', async () => {
    const run = await runScript(app("logLevel: 'info'"), { GEARBOX_LOG_LEVEL: 'silent' });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout + run.stderr, '');
  });
});
