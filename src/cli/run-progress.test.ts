// `gearbox run` at a terminal: the live progress line. The CLI shows it only when stderr is a
// terminal, so the test runs it under `script` (util-linux), which gives it a pseudo-terminal. The job
// waits for a key the test sets once the progress line has shown: progress is polled on a connection
// of its own, or it would wait behind the blocking results call and the job would never end.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { startGearsProcess, startRedis, type GearsProcess, type RedisProcess } from './processes.js';

const CLI = new URL('./main.js', import.meta.url).pathname;
const HAS_SCRIPT = spawnSync('script', ['--version']).status === 0;
const CLEAR = '\r\x1b[K';

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

const JOB = `GB('JavaScriptReader', async function* () {
  for (let i = 0; ; i++) {
    yield i;
    if (await execute('GET', 'progress:go')) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}).count().run()`;

describe(
  'gearbox run at a terminal',
  { skip: HAS_SCRIPT ? false : 'needs util-linux script for a pseudo-terminal' },
  () => {
    let redis: RedisProcess;
    let gears: GearsProcess;
    let direct: Redis;

    before(async () => {
      redis = await startRedis();
      gears = await startGearsProcess(redis.url, ['--log-level', 'error']);
      direct = new Redis(redis.url);
    });

    after(async () => {
      direct.disconnect();
      await gears.stop();
      await redis.stop();
    });

    it('shows a live progress line while the job runs, and clears it before the results print', async () => {
      const command = [process.execPath, CLI, 'run', '--server', gears.url, '-e', JOB].map(quote).join(' ');
      const child = spawn('script', ['-qfec', command, '/dev/null'], {
        env: { ...process.env, TERM: 'xterm' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let seen = '';
      let released = false;
      child.stdout.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        if (!released && /running: [\d,]+ records read/.test(seen)) {
          released = true;
          void direct.set('progress:go', '1');
        }
      });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      assert.equal(code, 0, seen);
      assert.ok(released, `no progress line was shown: ${JSON.stringify(seen)}`);
      const lastProgress = seen.lastIndexOf('records read');
      const cleared = seen.indexOf(CLEAR, lastProgress);
      assert.ok(cleared > lastProgress, `the progress line was not cleared: ${JSON.stringify(seen)}`);
      // after the clear: only the result (the count), on a line of its own
      assert.match(seen.slice(cleared + CLEAR.length), /^\d+\r?\n$/);
      assert.ok(Number(seen.slice(cleared + CLEAR.length).trim()) > 0);
    });

    it('shows no progress line when stderr is not a terminal', async () => {
      await direct.set('progress:go', '1');
      const child = spawn(process.execPath, [CLI, 'run', '--server', gears.url, '-e', JOB], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      let stdout = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      assert.equal(code, 0, stderr);
      assert.equal(stderr, '');
      assert.equal(stdout, '1\n');
    });
  },
);
