import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { startGearsProcess, startRedis, type GearsProcess, type RedisProcess } from './processes.js';

const CLI = new URL('./main.js', import.meta.url).pathname;
const run = promisify(execFile);

async function gearbox(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args]);
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

describe('gearbox CLI', () => {
  let redis: RedisProcess;
  let gears: GearsProcess;

  before(async () => {
    redis = await startRedis();
    gears = await startGearsProcess(redis.url, ['--password', 'pw', '--log-level', 'error']);
    const client = new Redis(redis.url);
    await client.mset('n:1', '1', 'n:2', '2', 'n:3', '3');
    client.disconnect();
  });

  after(async () => {
    await gears.stop();
    await redis.stop();
  });

  it('serve --help lists the contract flags', async () => {
    const { stdout, code } = await gearbox('serve', '--help');
    assert.equal(code, 0);
    for (const flag of ['--redis', '--port', '--host', '--password']) assert.ok(stdout.includes(flag), flag);
  });

  it('run -e prints each result on a line', async () => {
    const { stdout, code } = await gearbox(
      'run',
      '--server',
      gears.url,
      '--password',
      'pw',
      '-e',
      "GB().map((r) => Number(r.value)).sort().run('n:*')",
    );
    assert.equal(code, 0);
    assert.deepEqual(stdout.trim().split('\n'), ['1', '2', '3']);
  });

  it('run <file> runs the source in the file; callback errors go to stderr with exit code 1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gearbox-cli-'));
    const file = join(dir, 'fn.js');
    await writeFile(
      file,
      "GB().map((r) => { if (r.key === 'n:2') throw new Error('no twos'); return r.key }).sort().run('n:*')\n",
    );
    const { stdout, stderr, code } = await gearbox('run', file, '--server', gears.url, '--password', 'pw');
    assert.equal(code, 1);
    assert.deepEqual(stdout.trim().split('\n'), ['n:1', 'n:3']);
    assert.match(stderr, /error: no twos/);
  });

  it('run <file.ts> bundles a script with exports and a relative import', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gearbox-cli-'));
    await writeFile(join(dir, 'lib.ts'), 'export function twice(n: number): number {\n  return n * 2;\n}\n');
    const file = join(dir, 'main.ts');
    await writeFile(
      file,
      "import { twice } from './lib';\nexport const doubled = GB().map((r) => twice(Number(r.value))).sort().run('n:*');\n",
    );
    const { stdout, stderr, code } = await gearbox('run', file, '--server', gears.url, '--password', 'pw');
    assert.equal(code, 0, stderr);
    assert.deepEqual(stdout.trim().split('\n'), ['2', '4', '6']);
  });

  it('run reports a source that does not parse, and a wrong password', async () => {
    const bad = await gearbox('run', '--server', gears.url, '--password', 'pw', '-e', 'GB(.run()');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /does not parse/);
    const wrong = await gearbox('run', '--server', gears.url, '--password', 'nope', '-e', 'GB().run()');
    assert.equal(wrong.code, 1);
    assert.match(
      wrong.stderr,
      /^gearbox run: the gears server at \S+ refused the password: check --password, GEARBOX_PASSWORD or the password in the URL\n$/,
    );
  });
});

describe('gearbox demo', () => {
  it('runs the introduction flows on its own Redis and gears server, then stops both', async () => {
    const { stdout, code } = await gearbox('demo');
    assert.equal(code, 0);
    assert.match(stdout, /maximum age, by accumulate\n {3}87/);
    assert.match(stdout, /average age, by aggregate[^\n]*\n {3}44\.6/);
    assert.match(stdout, /\{"key":"Smith","value":3\}/);
    assert.match(stdout, /RG\.DUMPEXECUTIONS:\n {5}[0-9a-f]{40}-\d+ {2}done/);
    assert.match(stdout, /stopped gears server pid \d+/);
    assert.match(stdout, /stopped redis-server pid \d+/);
  });

  it('--cluster: counts families across a 3-primary cluster and writes the head counts where they belong, then stops everything', async () => {
    const { stdout, code } = await gearbox('demo', '--cluster');
    assert.equal(code, 0);
    assert.match(stdout, /ShardsIDReader: one record per shard\n( {3}[0-9a-f]{40}\n){3}\n/);
    assert.match(
      stdout,
      /counted across shards[^\n]*\n {3}\{"key":"Pibbles","value":1\}\n {3}\{"key":"Sanchez","value":1\}\n {3}\{"key":"Smith","value":3\}/,
    );
    assert.match(stdout, /GET Smith -> 3\n {3}GET Sanchez -> 1\n {3}GET Pibbles -> 1/);
    assert.match(stdout, /stopped redis-server pids \d+, \d+, \d+/);
  });
});
