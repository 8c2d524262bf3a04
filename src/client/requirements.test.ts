// Requirements from the application, installed for real from the npm registry by a gears server
// whose requirements folder (GEARBOX_REQUIREMENTS_DIR) is a temporary folder this test owns.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startGearsProcess, startRedis, type GearsProcess, type RedisProcess } from '../../test/support/redis.js';
import { KeysReader } from '../model/index.js';
import { GearsRequirementsError, RedisGears } from './index.js';

let redis: RedisProcess;
let gearsServer: GearsProcess;
let client: RedisGears;
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gearbox-requirements-'));
  // the child gears server inherits it: this test file runs in a process of its own
  process.env.GEARBOX_REQUIREMENTS_DIR = dir;
  redis = await startRedis();
  gearsServer = await startGearsProcess(redis.url, ['--log-level', 'silent']);
  client = new RedisGears({ port: gearsServer.port });
  await client.mset('v:1', '42', 'v:2', 'forty-two');
});

after(async () => {
  client.disconnect();
  await gearsServer.stop();
  await redis.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('requirements from the npm registry', () => {
  test('a step requirement is installed, the function requires and uses it, jsdumpreqs lists it', async () => {
    const kinds = KeysReader('v:*')
      .map(
        (r) => {
          // on the server, require() reaches the requirements folder
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          const isNumber = require('is-number') as (value: unknown) => boolean;
          return `${r.key}:${isNumber(r.value) ? 'number' : 'text'}`;
        },
        { requirements: ['is-number@7.0.0'] },
      )
      .sort()
      .run();
    const result = await client.gears.jsexecute(kinds);
    assert.deepEqual([...result], ['v:1:number', 'v:2:text']);
    assert.deepEqual(result.errors, []);
    const installed = JSON.parse(await readFile(join(dir, 'node_modules/is-number/package.json'), 'utf8')) as {
      version: string;
    };
    assert.equal(installed.version, '7.0.0');
    const reqs = await client.gears.jsdumpreqs();
    assert.deepEqual(
      reqs.map((r) => [r.Name, r.IsDownloaded, r.IsInstalled]),
      [['is-number@7.0.0', true, true]],
    );
  });

  test('a package that does not exist fails that execution with npm’s message, cleaned up', async () => {
    const fn = KeysReader('v:*').run({ requirements: ['gearbox-no-such-package-zz9@1.0.0'] });
    const err = await client.gears.jsexecute(fn).then(
      () => assert.fail('the execution should have failed'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof GearsRequirementsError, String(err));
    const { message } = err;
    assert.match(message, /Could not satisfy requirements gearbox-no-such-package-zz9@1\.0\.0: npm install failed/);
    assert.match(message, /Not Found - GET https:\/\/registry\.npmjs\.org\/gearbox-no-such-package-zz9/);
    assert.match(message, /check the package names and versions/);
    // npm's decoration is gone
    assert.doesNotMatch(message, /npm error|npm ERR!|complete log|E404|tarball, folder/);
    // the other executions go on
    assert.deepEqual([...(await client.gears.jsexecute(KeysReader('v:1').count().run()))], ['1']);
  });
});
