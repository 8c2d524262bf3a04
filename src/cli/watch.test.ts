// gearbox watch against a real gears server: scripts loaded at start, reloaded on change in one
// atomic upgrade, removed on delete; the index of loaded scripts kept in Redis; a config file.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { RedisGears } from '../client/index.js';
import { scriptFolder } from '../../test/support/files.js';
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

/** Unregisters everything and empties the default index, for the next test. */
async function forget(): Promise<void> {
  for (const registration of await client.gears.dumpregistrations()) await client.gears.unregister(registration);
  await client.del('__gearbox:watch:scripts');
}

/**
 * `gearbox watch` run until it exits: its exit status and what it wrote to stderr. A process that
 * lingers is killed after 20 s (status null).
 */
async function runToEnd(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const run = promisify(execFile);
  const argv = [CLI, 'watch', ...args, '--server', gears.url];
  const env = { ...process.env, GEARBOX_LOG_LEVEL: 'silent' };
  return run(process.execPath, argv, { env, timeout: 20_000 }).then(
    ({ stderr }) => ({ code: 0, stderr }),
    (err: { code: number | null; stderr: string }) => ({ code: err.code, stderr: err.stderr }),
  );
}

/** `gearbox watch --once`. */
const once = (args: string[]) => runToEnd([...args, '--once']);

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

  it('--once exits 1 naming the scripts that failed, after loading the others', async () => {
    const dir = await scriptFolder(
      {
        'good.ts': script('good', 'fine'),
        'broken.ts': 'CommandReader().map(() => (.register();\n',
        'throws.js': "throw new Error('not today');\n",
      },
      'gearbox-watch-',
    );
    const { code, stderr } = await once([dir]);
    assert.equal(code, 1);
    const lines = stderr.trim().split('\n');
    assert.equal(lines.length, 1, stderr);
    assert.match(lines[0]!, /^gearbox watch: 2 script\(s\) failed: /);
    assert.ok(lines[0]!.includes(join(dir, 'broken.ts')), stderr);
    assert.match(lines[0]!, /throws\.js.*not today/);
    assert.equal(await answer('good'), 'fine');
    await forget();
  });

  it('loads a script importing a helper with exports, and the helper itself', async () => {
    const dir = await scriptFolder(
      {
        'lib.ts': "export function greet(): string {\n  return 'hi';\n}\n",
        'main.ts':
          "import { greet } from './lib';\nexport const name = 'greeter';\nCommandReader().map(() => greet()).register({ trigger: name });\n",
      },
      'gearbox-watch-',
    );
    assert.deepEqual(await once([dir]), { code: 0, stderr: '' });
    assert.equal(await answer('greeter'), 'hi');
    await forget();
  });

  it('reloads the scripts importing a helper when it changes, in the folder or outside it', async () => {
    const top = await mkdtemp(join(tmpdir(), 'gearbox-watch-'));
    const dir = join(top, 'scripts');
    await mkdir(dir);
    await mkdir(join(top, 'common'));
    const lib = join(dir, 'lib.ts');
    const words = join(top, 'common', 'words.ts');
    await writeFile(lib, "export const greeting = 'hi';\n");
    await writeFile(words, "export const whom = 'there';\n");
    await writeFile(
      join(dir, 'main.ts'),
      "import { greeting } from './lib';\nimport { whom } from '../common/words';\n" +
        "CommandReader().map(() => `${greeting} ${whom}`).register({ trigger: 'helped' });\n",
    );
    const child = watcher([dir]);
    try {
      await eventually(() => answer('helped'), 'hi there');
      await writeFile(lib, "export const greeting = 'hello';\n");
      await eventually(() => answer('helped'), 'hello there');
      await writeFile(words, "export const whom = 'world';\n");
      await eventually(() => answer('helped'), 'hello world');
      assert.deepEqual(await triggers(), ['helped']);
      // a helper that goes missing fails the reload and keeps what ran; when it is back, the script loads again
      await rm(lib);
      await sleep(500);
      assert.equal(await answer('helped'), 'hello world');
      await writeFile(lib, "export const greeting = 'back';\n");
      await eventually(() => answer('helped'), 'back world');
    } finally {
      await stop(child);
    }
    await forget();
  });

  it('a folder that does not exist: one line naming it, exit 1, and the watcher does not linger', async () => {
    const missing = join(tmpdir(), 'gearbox-watch-missing-folder');
    // a process that lingered after its error line would be killed at the timeout (code null)
    assert.deepEqual(await runToEnd([missing]), {
      code: 1,
      stderr: `gearbox watch: ${missing} is not a directory: check the path\n`,
    });
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
