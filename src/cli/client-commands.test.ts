// The client commands of the CLI against a real gears server: tables and --json, the one-line
// diagnoses, secrets from the environment, Ctrl-C aborting a run.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { RedisGears } from '../client/index.js';
import { freePort, startGearsProcess, startRedis, type GearsProcess, type RedisProcess } from './processes.js';

const CLI = new URL('./main.js', import.meta.url).pathname;
const run = promisify(execFile);

interface Outcome {
  stdout: string;
  stderr: string;
  code: number;
}

async function gearbox(args: string[], env: Record<string, string> = {}): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as Outcome;
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

let redis: RedisProcess;
let gears: GearsProcess;
let client: RedisGears;

before(async () => {
  redis = await startRedis();
  gears = await startGearsProcess(redis.url, ['--password', 'pw', '--log-level', 'silent']);
  client = new RedisGears(gears.url, { password: 'pw' });
  await client.mset('n:1', '1', 'n:2', '2');
  await client.gears.jsexecute("CommandReader().args().map((a) => ({ got: a })).register({ trigger: 'echo' })");
});

after(async () => {
  client.disconnect();
  await gears.stop();
  await redis.stop();
});

const server = () => ['--server', gears.url];
const secret = { GEARBOX_PASSWORD: 'pw' };

describe('every command', () => {
  it('--version and -h', async () => {
    const version = await gearbox(['--version']);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
    for (const name of ['run', 'watch', 'trigger', 'executions', 'registrations', 'abort']) {
      const help = await gearbox([name, '-h']);
      assert.equal(help.code, 0, name);
      assert.match(help.stdout, /GEARBOX_PASSWORD/, name);
    }
  });

  it('takes the password from GEARBOX_PASSWORD and never prints it', async () => {
    const { stdout, stderr, code } = await gearbox(['trigger', 'echo', 'a', ...server()], secret);
    assert.equal(code, 0);
    assert.equal(stdout, '{"got":["a"]}\n');
    assert.doesNotMatch(stdout + stderr, /pw/);
  });

  it('errors are one line, exit status 1, no stack unless --verbose', async () => {
    const plain = await gearbox(['trigger', 'nosuch', ...server()], secret);
    assert.equal(plain.code, 1);
    assert.match(plain.stderr, /^gearbox trigger: [^\n]+\n$/);
    const verbose = await gearbox(['--verbose', 'trigger', 'nosuch', ...server()], secret);
    assert.match(verbose.stderr, /\n\s+at /);
    const unknown = await gearbox(['abort', 'nope-1', ...server()], secret);
    assert.equal(unknown.code, 1);
    assert.match(
      unknown.stderr,
      /^gearbox abort: [^\n]*does not exist; list the executions [^\n]*'gearbox executions'\n$/,
    );
    const usage = await gearbox(['abort']);
    assert.match(usage.stderr, /^gearbox abort: missing required argument 'id'\n$/);
    const nosuch = await gearbox(['frobnicate']);
    assert.equal(nosuch.code, 1);
    assert.match(nosuch.stderr, /^gearbox: unknown command 'frobnicate'\n$/);
  });
});

describe('diagnoses', () => {
  it('a missing password, a wrong one, no server, a plain Redis, a server whose Redis is down', async () => {
    const missing = await gearbox(['run', '-e', 'GB().run()', ...server()]);
    assert.match(
      missing.stderr,
      /^gearbox run: the gears server at \S+ needs a password: pass --password or set GEARBOX_PASSWORD\n$/,
    );
    const wrong = await gearbox(['run', '-e', 'GB().run()', ...server(), '--password', 'nope']);
    assert.match(wrong.stderr, /refused the password/);
    // a password in the server's URL is a password given too: refused, not missing
    const inUrl = gears.url.replace('redis://', 'redis://:nope@');
    const wrongInUrl = await gearbox(['run', '-e', 'GB().run()', '--server', inUrl]);
    assert.match(wrongInUrl.stderr, /^gearbox run: the gears server at redis:\/\/:\*\*\*@\S+ refused the password/);
    const nowhere = await gearbox(['run', '-e', 'GB().run()', '--server', `redis://127.0.0.1:${await freePort()}`]);
    assert.match(nowhere.stderr, /^gearbox run: no gears server answers at \S+: start one with 'gearbox serve/);
    const single = await gearbox(['registrations', '--cluster', ...server()], secret);
    assert.match(single.stderr, /no cluster detected - use `RG\.DUMPREGISTRATIONS \[SHARD\]` instead/);
    const plain = await gearbox(['executions', '--server', redis.url]);
    assert.match(plain.stderr, /is a Redis without gearbox: point --server at a gears server/);
    const lonelyRedis = await startRedis();
    const orphan = await startGearsProcess(lonelyRedis.url, ['--log-level', 'silent']);
    await lonelyRedis.stop();
    const down = await gearbox(['run', '-e', 'GB().run()', '--server', orphan.url]);
    await orphan.stop();
    assert.match(
      down.stderr,
      /^gearbox run: the gears server at \S+ runs, but its Redis is down: cannot reach Redis at /,
    );
    for (const outcome of [missing, wrong, nowhere, plain, down]) assert.equal(outcome.code, 1);
  });

  it('a source that does not parse shows line and column', async () => {
    const bad = await gearbox(['run', '-e', 'GB()\n  .map((r) => r.)\n  .run()', ...server()], secret);
    assert.match(bad.stderr, /^gearbox run: -e:2:17: the source does not parse: Unexpected token\n$/);
  });

  it("a script whose top-level code throws names the file and line, a .ts script's through its source map", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gearbox-run-'));
    await writeFile(join(dir, 'lib.ts'), 'export function setUp(): void {\n  const o: any = {};\n  o.a.b = 1;\n}\n');
    await writeFile(join(dir, 'main.ts'), "import { setUp } from './lib';\nsetUp();\nGB().run();\n");
    await writeFile(join(dir, 'throws.js'), "const a = 1;\nthrow new Error('not configured');\nGB().run();\n");
    const ts = await gearbox(['run', join(dir, 'main.ts'), ...server()], secret);
    assert.match(ts.stderr, /^error: Cannot set properties of undefined \(setting 'b'\) \(at \S+lib\.ts:3:7\)\n$/);
    const js = await gearbox(['run', join(dir, 'throws.js'), ...server()], secret);
    assert.match(js.stderr, /^error: not configured \(at \S+throws\.js:2:7\)\n$/);
    for (const outcome of [ts, js]) assert.equal(outcome.code, 1);
  });
});

describe('tables and JSON', () => {
  it('executions, registrations and run --json print real JSON values', async () => {
    const ran = await gearbox(
      ['run', '--json', '-e', "GB().map((r) => ({ k: r.key })).run('n:1')", ...server()],
      secret,
    );
    assert.deepEqual(JSON.parse(ran.stdout), { results: [{ k: 'n:1' }], errors: [] });
    const id = await client.gears.jsexecute('GB().count().run()', { unblocking: true });
    await client.gears.getresultsblocking(id);
    const executions = JSON.parse((await gearbox(['executions', '--json', ...server()], secret)).stdout);
    assert.ok(
      executions.some((e: { id: string; status: string; results: number }) => e.id === id.text && e.results === 1),
    );
    const registrations = JSON.parse((await gearbox(['registrations', '--json', ...server()], secret)).stdout);
    assert.deepEqual(
      registrations.map((r: { reader: string; on: string }) => [r.reader, r.on]),
      [['CommandReader', 'echo']],
    );
    const table = await gearbox(['registrations', ...server()], secret);
    assert.match(table.stdout, /│ id +│ reader +│ on +│/);
    assert.match(table.stdout, /│ CommandReader │ echo +│/);
  });

  it('abort ends a running execution', async () => {
    const id = await client.gears.jsexecute("GB('ShardsIDReader').map(() => { while (true) {} }).run()", {
      unblocking: true,
    });
    const aborted = await gearbox(['abort', id.text, '--drop', ...server()], secret);
    assert.equal(aborted.stdout, `aborted ${id.text} and dropped it\n`);
    assert.equal(
      (await client.gears.dumpexecutions()).some((e) => e.executionId.text === id.text),
      false,
    );
  });
});

describe('run and Ctrl-C', () => {
  it('SIGINT aborts and drops the execution on the server', async () => {
    const child = spawn(
      process.execPath,
      [CLI, 'run', '-e', "GB('ShardsIDReader').map(() => { while (true) {} }).run()", ...server()],
      {
        env: { ...process.env, ...secret },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    // wait until the execution runs on the server, then interrupt
    let running;
    do {
      running = (await client.gears.dumpexecutions({ status: 'running' }))[0];
    } while (!running);
    child.kill('SIGINT');
    assert.equal(await exited, 130);
    assert.match(stderr, new RegExp(`interrupted; execution ${running.executionId.text} aborted and dropped`));
    assert.equal(
      (await client.gears.dumpexecutions()).some((e) => e.executionId.text === running.executionId.text),
      false,
    );
  });
});
