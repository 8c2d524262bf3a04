// gearbox watch against a real gears server: scripts loaded at start, reloaded on change in one
// atomic upgrade, removed on delete; the index of loaded scripts kept in Redis; a config file.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { RedisGears } from '../client/index.js';
import { startGearsProcess, startRedis, type GearsProcess, type RedisProcess } from './processes.js';

const CLI = new URL('./main.js', import.meta.url).pathname;

let redis: RedisProcess;
let gears: GearsProcess;
let client: RedisGears;

before(async () => {
  redis = await startRedis();
  gears = await startGearsProcess(redis.url, ['--log-level', 'silent']);
  client = new RedisGears(gears.url);
});

after(async () => {
  client.disconnect();
  await gears.stop();
  await redis.stop();
});

/** Waits (polling, up to 20 s) until `probe` answers `expected`. */
async function eventually<T>(probe: () => Promise<T>, expected: T): Promise<void> {
  let last: T | undefined;
  for (let i = 0; i < 400; i++) {
    last = await probe().catch(() => undefined);
    if (JSON.stringify(last) === JSON.stringify(expected)) return;
    await sleep(50);
  }
  assert.deepEqual(last, expected);
}

const script = (trigger: string, answer: string) =>
  `import { CommandReader } from 'gearbox';\nCommandReader().map(() => '${answer}').register({ trigger: '${trigger}' });\n`;

const answer = (trigger: string) =>
  client.gears.trigger(trigger).then(
    (r) => r.results[0] as string,
    () => null,
  );

const triggers = async () =>
  (await client.gears.dumpregistrations()).map((r) => String(r.RegistrationData.args.trigger)).sort();

function watcher(args: string[]): ChildProcess {
  return spawn(process.execPath, [CLI, 'watch', ...args, '--server', gears.url], {
    stdio: ['ignore', 'ignore', 'ignore'],
    env: { ...process.env, GEARBOX_LOG_LEVEL: 'silent' },
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

describe('gearbox watch', () => {
  it('loads at start, reloads a changed script atomically, removes a deleted one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gearbox-watch-'));
    const first = join(dir, 'first.ts');
    await writeFile(first, script('first', 'v1'));
    await writeFile(join(dir, 'notes.txt'), 'not a script');
    const child = watcher([dir]);
    try {
      await eventually(() => answer('first'), 'v1');
      await writeFile(first, script('first', 'v2'));
      await eventually(() => answer('first'), 'v2');
      assert.deepEqual(await triggers(), ['first']); // replaced, not added
      const second = join(dir, 'second.js');
      await writeFile(second, script('second', 'hello').replace("import { CommandReader } from 'gearbox';\n", ''));
      await eventually(() => answer('second'), 'hello');
      await rm(first);
      await eventually(triggers, ['second']);
      assert.deepEqual(await client.hkeys('__gearbox:watch:scripts'), [second]);
    } finally {
      await stop(child);
    }
    // a script deleted while nobody watched is removed at the next start
    await rm(join(dir, 'second.js'));
    const again = watcher([dir, '--once']);
    await new Promise((resolve) => again.once('exit', resolve));
    assert.deepEqual(await triggers(), []);
    assert.deepEqual(await client.hkeys('__gearbox:watch:scripts'), []);
  });

  it('takes options from a config file (recursive, index prefix, ignore)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gearbox-watch-'));
    await mkdir(join(dir, 'nested'));
    await writeFile(join(dir, 'nested', 'deep.ts'), script('deep', 'down'));
    await writeFile(join(dir, 'skipped.ts'), script('skipped', 'no'));
    const config = join(dir, 'watch.conf');
    await writeFile(config, '# watch settings\nrecursive=true\nindex-prefix=myapp\nignore=[skipped.ts]\n');
    const child = watcher([dir, '-c', config, '--once']);
    await new Promise((resolve) => child.once('exit', resolve));
    assert.equal(await answer('deep'), 'down');
    assert.equal(await answer('skipped'), null);
    assert.deepEqual(await client.hkeys('myapp:scripts'), [join(dir, 'nested', 'deep.ts')]);
  });
});
