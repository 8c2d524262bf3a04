import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Engine } from '../../engine/index.js';
import { GearsServer } from '../server.js';
import { gearsCommands } from './index.js';
import { startRedis, type RedisProcess } from '../../../test/support/redis.js';

// A package on disk, installed with a file: spec, so the test needs no registry.
async function fixturePackage(root: string): Promise<string> {
  const dir = join(root, 'fixture');
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'gearbox-req-fixture', version: '1.0.0', main: 'index.js' }),
  );
  await writeFile(join(dir, 'index.js'), 'exports.twice = (n) => n * 2;\n');
  return `file:${dir}`;
}

describe('RG.JSEXECUTE REQUIREMENTS and RG.JSDUMPREQS', () => {
  let redis: RedisProcess;
  let engine: Engine;
  let server: GearsServer;
  let client: Redis;
  let spec: string;

  before(async () => {
    const root = await mkdtemp(join(tmpdir(), 'gearbox-reqs-'));
    spec = await fixturePackage(root);
    redis = await startRedis();
    engine = await Engine.start({ redisUrl: redis.url, requirementsDir: join(root, 'installed') });
    server = new GearsServer({ redisUrl: redis.url, port: 0, commands: gearsCommands(engine) });
    client = new Redis((await server.listen()).port, '127.0.0.1');
  });

  after(async () => {
    client.disconnect();
    await server.close();
    await engine.close();
    await redis.stop();
  });

  it('installs a requirement with npm and lets the function require it', async () => {
    assert.deepEqual(await client.call('RG.JSDUMPREQS'), []);
    const source = "const fx = require('gearbox-req-fixture'); GB('ShardsIDReader').map(() => fx.twice(21)).run()";
    assert.deepEqual(await client.call('RG.JSEXECUTE', source, 'REQUIREMENTS', spec), [['42'], []]);
    const [entry] = (await client.call('RG.JSDUMPREQS')) as unknown[][];
    assert.deepEqual(entry.slice(0, 8), [
      'GearReqVersion',
      1,
      'Name',
      spec,
      'IsDownloaded',
      'yes',
      'IsInstalled',
      'yes',
    ]);
  });

  it('a requirement npm cannot install is an error, and the source does not run', async () => {
    const source = "execute('SET', 'ran', '1'); GB('ShardsIDReader').run()";
    await assert.rejects(
      client.call('RG.JSEXECUTE', source, 'REQUIREMENTS', 'file:/nonexistent/gearbox-nothing-here'),
      /Could not satisfy requirements/,
    );
    assert.equal(await client.exists('ran'), 0);
  });
});
