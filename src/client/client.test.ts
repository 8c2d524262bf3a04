import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import {
  startGearsProcess,
  startRedis,
  freePort,
  type GearsProcess,
  type RedisProcess,
} from '../../test/support/redis.js';
import { CommandReader, GB, KeysReader, withParams } from '../model/index.js';
import { execute } from '../runtime/index.js';
import { scriptFolder } from '../../test/support/files.js';
import {
  command,
  DuplicateTriggerError,
  ExecutionNotFoundError,
  ExecutionResult,
  Gears,
  GearsAuthError,
  GearsConnectionError,
  GearsNotAvailableError,
  GearsRedisUnavailableError,
  GearsScriptError,
  RedisGears,
  bundleScript,
} from './index.js';

let redis: RedisProcess;
let gearsServer: GearsProcess;
let client: RedisGears;

before(async () => {
  redis = await startRedis();
  gearsServer = await startGearsProcess(redis.url, ['--log-level', 'silent']);
  client = new RedisGears({ port: gearsServer.port });
  await client.mset('n:1', '1', 'n:2', '2', 'n:3', '3');
  await client.hset('person:1', { name: 'Rick', age: '70' });
});

after(async () => {
  client.disconnect();
  await gearsServer.stop();
  await redis.stop();
});

describe('RedisGears', () => {
  test('is a Redis client for ordinary commands and has the gears commands', async () => {
    assert.equal(await client.get('n:1'), '1');
    const result = await client.gears.jsexecute(
      KeysReader('n:*').values().map(Number).sort().run({ convertToStr: false }),
    );
    assert.ok(result instanceof ExecutionResult);
    const values: number[] = [...result];
    assert.deepEqual(values, [1, 2, 3]);
    assert.deepEqual(result.errors, []);
  });

  test('a scalar result reads as its value; convertToStr makes it a string as on the wire', async () => {
    const count = await client.gears.jsexecute(KeysReader('n:*').count().run({ convertToStr: false }));
    const n: number = count.value;
    assert.equal(n, 3);
    const text = await client.gears.jsexecute(KeysReader('n:*').count().run());
    const s: string = text.value;
    assert.equal(s, '3');
  });

  test('an open function is closed with run(); raw source works too; errors are collected', async () => {
    const open = await client.gears.jsexecute(
      GB('KeysOnlyReader')
        .filter((k) => k.startsWith('n:'))
        .sort(),
    );
    assert.deepEqual(open.results, ['n:1', 'n:2', 'n:3']);
    const raw = await client.gears.jsexecute(
      "GB().map((r) => { if (r.key === 'n:2') throw new Error('no twos'); return r.key }).run('n:*')",
    );
    assert.deepEqual(raw.errors, ['no twos']);
    assert.equal(raw.results.length, 2);
  });

  test('callbacks use the runtime imported from gearbox/runtime', async () => {
    const result = await client.gears.jsexecute(
      KeysReader('n:*')
        .keys()
        .map(async (key) => Number(await execute('GET', key)) * 10)
        .sort()
        .run(),
    );
    assert.deepEqual(result.results, ['10', '20', '30']);
  });

  test('withParams sends values from the application as JSON with the source', async () => {
    const above = withParams((min: number, pattern: string) =>
      KeysReader(pattern)
        .values()
        .map(Number)
        .filter((n) => n >= min)
        .sort()
        .run({ convertToStr: false }),
    );
    assert.deepEqual((await client.gears.jsexecute(above(2, 'n:*'))).results, [2, 3]);
    const limit = 2;
    await assert.rejects(
      client.gears.jsexecute(KeysReader('n:*').filter((r) => Number(r.value) >= limit)),
      /filter callback uses "limit" .*withParams\(\(limit\) => <your flow>\.run\(\)\)\(limit\)/,
    );
  });

  test('unblocking answers an execution id; the executions commands are typed', async () => {
    const id = await client.gears.jsexecute(KeysReader('n:*').count().run(), { unblocking: true });
    assert.match(id.shardId, /^[0-9a-f]{40}$/);
    const results = await client.gears.getresultsblocking<string>(id);
    assert.deepEqual(results.results, ['3']);
    const listed = await client.gears.dumpexecutions({ status: 'done' });
    assert.ok(listed.some((e) => e.executionId.text === id.text && e.registered === false));
    const plans = await client.gears.getexecution(id);
    const plan = Object.values(plans)[0]!;
    assert.equal(plan.status, 'done');
    assert.equal(plan.results, 1);
    assert.ok(plan.steps.some((s) => s.type === 'count' || s.name.length > 0));
    assert.equal(await client.gears.dropexecution(id), true);
    await assert.rejects(client.gears.getresults(id), ExecutionNotFoundError);
    await assert.rejects(client.gears.getexecution('0000000000000000000000000000000000000000-999'), /does not exist/);
  });

  test('config: typed properties, get/set/getSingle for any key', async () => {
    assert.equal(typeof (await client.gears.config.MaxExecutions), 'number');
    assert.equal(await client.gears.config.ProfileExecutions, false);
    await client.gears.config.set({ ProfileExecutions: true, myKey: 'hello' });
    assert.equal(await client.gears.config.ProfileExecutions, true);
    assert.equal(await client.gears.config.getSingle('myKey'), 'hello');
    assert.deepEqual(await client.gears.config.get('myKey'), { myKey: 'hello' });
    await assert.rejects(client.gears.config.set({ ExecutionThreads: 9 } as never), /refused ExecutionThreads/);
    await client.gears.config.set({ ProfileExecutions: false });
  });

  test('stats, requirements and cluster info are parsed objects', async () => {
    const stats = await client.gears.jsstats();
    assert.ok(stats.CurrAllocated > 0 && stats.PeakAllocated >= stats.CurrAllocated);
    assert.ok(Array.isArray(await client.gears.jsdumpreqs()));
    assert.equal(await client.gears.infocluster(), null);
    assert.equal(await client.gears.refreshcluster(), true);
  });
});

describe('GearFunction objects sent the three ways', () => {
  test('fn.on(client), run({ on }) and jsexecute give the same typed result', async () => {
    const fn = KeysReader('n:*').values().map(Number).sort();
    const viaOn = await fn.run({ convertToStr: false }).on(client);
    const viaRun = await fn.run({ on: client, convertToStr: false });
    const viaJsexecute = await client.gears.jsexecute(fn.run({ convertToStr: false }));
    const expected: number[] = [1, 2, 3];
    assert.deepEqual([viaOn.results, viaRun.results, viaJsexecute.results], [expected, expected, expected]);
  });
});

describe('command() and registrations', () => {
  test('registers a CommandReader function and returns a typed local function', async () => {
    const add = command((a: string, b: string) => ({ sum: Number(a) + Number(b) }), { on: client, trigger: 'add' });
    await add.ready;
    const { sum }: { sum: number } = await add('2', '3');
    assert.equal(sum, 5);
    // callable from any client, as RG.TRIGGER
    assert.deepEqual(await client.call('RG.TRIGGER', 'add', '1', '1'), ['{"sum":2}']);
    const [registration] = await client.gears.dumpregistrations({ trigger: 'add' });
    assert.equal(registration?.reader, 'CommandReader');
    assert.equal(registration?.RegistrationData.args.trigger, 'add');
    assert.equal((registration?.PD as { sessionName: string }).sessionName, 'command:add');
    assert.equal(registration?.RegistrationData.numTriggered, 2);
  });

  test('a taken name: DuplicateTriggerError, replace: true replaces it, replace: false keeps it', async () => {
    const greet = (name: string) => `hello ${name}`;
    await command(greet, { on: client }).ready;
    await assert.rejects(command(greet, { on: client }).ready, DuplicateTriggerError);
    const kept = command((name: string) => `bye ${name}`, { on: client, trigger: 'greet', replace: false });
    assert.equal(await kept('Rick'), 'hello Rick');
    const replaced = command((name: string) => `bye ${name}`, { on: client, trigger: 'greet', replace: true });
    assert.equal(await replaced('Rick'), 'bye Rick');
    assert.equal((await client.gears.dumpregistrations({ trigger: 'greet' })).length, 1);
  });

  test('without on, a definition whose on(client) gives the callable; register({ on }) sends at once', async () => {
    const definition = command(function shout(word: string) {
      return word.toUpperCase();
    });
    assert.equal(definition.trigger, 'shout');
    assert.equal(await definition.on(client)('hey'), 'HEY');
    await CommandReader()
      .args()
      .map((args) => args.length)
      .register({ trigger: 'arity', on: client });
    assert.deepEqual((await client.gears.trigger('arity', 'a', 'b')).results, ['2']);
    const [reg] = await client.gears.dumpregistrations({ trigger: 'arity' });
    assert.equal(await client.gears.unregister(reg!), true);
    assert.deepEqual(await client.gears.dumpregistrations({ trigger: 'arity' }), []);
  });
});

describe('Gears over an existing client', () => {
  test('node-redis', async () => {
    const nodeClient = createClient({ url: gearsServer.url });
    await nodeClient.connect();
    try {
      const gears = new Gears(nodeClient);
      assert.deepEqual((await gears.jsexecute(KeysReader('n:*').count().run())).value, '3');
      assert.equal((await gears.jsstats()).CurrAllocated > 0, true);
    } finally {
      await nodeClient.close();
    }
  });

  test('ioredis', async () => {
    const io = new Redis(gearsServer.port);
    try {
      const gears = new Gears(io);
      assert.equal(
        (
          await gears.jsexecute(
            KeysReader('person:*')
              .values({ type: 'hash' })
              .map((h) => h.name)
              .run(),
          )
        ).value,
        'Rick',
      );
    } finally {
      io.disconnect();
    }
  });
});

describe('script files', () => {
  test('a .ts script with a relative import and module-level code is bundled and run', async () => {
    const dir = await scriptFolder({
      'helper.ts': 'export const double = (n: number): number => n * 2;\n',
      'main.ts': [
        "import { KeysReader, execute } from 'gearbox/runtime';",
        "import { double } from './helper';",
        'const offset: number = 100;',
        "KeysReader('n:*').keys().map(async (k) => double(Number(await execute('GET', k))) + offset).sort().run();",
      ].join('\n'),
    });
    const result = await client.gears.jsexecute(join(dir, 'main.ts'));
    assert.deepEqual(result.results, ['102', '104', '106']);
  });

  test('a script that exports, importing a helper through a namespace import, runs', async () => {
    const dir = await scriptFolder({
      'lib.ts': 'export function tag(k: string): string {\n  return `<${k}>`;\n}\n',
      'main.ts': "import * as lib from './lib';\nexport const keys = KeysReader('n:1').keys().map(lib.tag).run();\n",
    });
    assert.deepEqual((await client.gears.jsexecute(join(dir, 'main.ts'))).results, ['<n:1>']);
  });

  test("a script's npm imports become requirements (with the project's version range); built-ins do not", async () => {
    const dir = await scriptFolder({
      'package.json': JSON.stringify({ dependencies: { 'left-pad': '^1.3.0' } }),
      'uses-npm.ts':
        "import leftPad from 'left-pad';\nimport { join } from 'node:path';\nimport { GB } from 'gearbox';\nGB('ShardsIDReader').map((id) => leftPad(join(id), 3)).run();\n",
    });
    const bundled = await bundleScript(join(dir, 'uses-npm.ts'));
    assert.deepEqual(bundled.requirements, ['left-pad@^1.3.0']);
    assert.match(bundled.source, /require\("left-pad"\)/);
  });

  test("a requirement npm cannot install fails the execution with npm's message", async () => {
    await assert.rejects(
      client.gears.jsexecute(KeysReader('n:*').count().run(), { requirements: ['gearbox-no-such-package-xyz@0.0.0'] }),
      /Could not satisfy requirements gearbox-no-such-package-xyz@0\.0\.0: npm install failed/,
    );
  });

  test('a missing script and one that does not compile are GearsScriptErrors saying where', async () => {
    await assert.rejects(client.gears.jsexecute('/nonexistent/fn.ts'), (err: Error) => {
      assert.ok(err instanceof GearsScriptError);
      assert.match(err.message, /script \/nonexistent\/fn\.ts does not exist/);
      return true;
    });
    const dir = await scriptFolder({ 'bad.ts': 'const x = ;\n' });
    await assert.rejects(client.gears.jsexecute(join(dir, 'bad.ts')), /bad\.ts does not compile: .*bad\.ts:1:11: /);
  });

  test('a script whose top-level code throws is a GearsScriptError naming the file and line it threw at', async () => {
    const dir = await scriptFolder({
      'lib.ts': '// a helper\nexport function setUp(): void {\n  const o: any = {};\n  o.a.b = 1;\n}\n',
      'main.ts': "import { setUp } from './lib';\nsetUp();\nGB().run();\n",
      'throws.js': "const a = 1;\nthrow new Error('not configured');\nGB().run();\n",
    });
    await assert.rejects(client.gears.jsexecute(join(dir, 'main.ts')), (err: Error) => {
      assert.ok(err instanceof GearsScriptError, String(err));
      assert.match(
        err.message,
        /^script \S+main\.ts threw while loading: Cannot set properties of undefined .*\(at \S+lib\.ts:4:7\)$/,
      );
      return true;
    });
    await assert.rejects(
      client.gears.jsexecute(join(dir, 'throws.js')),
      /^GearsScriptError: script \S+throws\.js threw while loading: not configured \(at \S+throws\.js:2:7\)$/,
    );
  });
});

describe('bad input gets typed errors', () => {
  test('connection refused', async () => {
    const port = await freePort();
    const nowhere = new RedisGears({ port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    nowhere.on('error', () => undefined);
    try {
      await assert.rejects(nowhere.gears.jsstats(), (err: Error) => {
        assert.ok(err instanceof GearsConnectionError, String(err));
        // the message names the address tried (ioredis' default host is localhost)
        assert.match(err.message, new RegExp(`cannot reach the gears server at localhost:${port} .*gearbox serve`));
        return true;
      });
    } finally {
      nowhere.disconnect();
    }
  });

  test('a client made before its server is up fails at once, then works once the server is', async () => {
    const port = await freePort();
    const early = new RedisGears({ port }); // default options, no 'error' listener of the application's
    let late: RedisProcess | undefined;
    try {
      await assert.rejects(early.get('k'), GearsConnectionError);
      late = await startRedis([], port);
      // ioredis goes on reconnecting; the command waits for the next attempt, which Redis answers
      assert.equal(await early.ping(), 'PONG');
    } finally {
      early.disconnect();
      await late?.stop();
    }
  });

  test('a gears command sent to a plain Redis', async () => {
    const plain = new RedisGears({ port: redis.port });
    try {
      await assert.rejects(plain.gears.jsstats(), (err: Error) => {
        assert.ok(err instanceof GearsNotAvailableError);
        assert.match(
          err.message,
          new RegExp(`RG\\.JSSTATS went to a Redis without gearbox at localhost:${redis.port} .*gearbox serve`),
        );
        return true;
      });
      assert.equal(await plain.gears.available(), false);
    } finally {
      plain.disconnect();
    }
  });

  test('a source that does not parse', async () => {
    await assert.rejects(client.gears.jsexecute('GB(.run()'), GearsScriptError);
  });

  test('a gears server whose Redis is down answers at once, naming that Redis and what to do', async () => {
    const gone = await freePort();
    const orphan = await startGearsProcess(`redis://127.0.0.1:${gone}`, ['--log-level', 'silent']);
    try {
      // ioredis with no retries: the server's error reply ends the call (a hang fails the test by its timeout)
      const raw = new Redis({ port: orphan.port, maxRetriesPerRequest: 0 });
      raw.on('error', () => undefined);
      await assert.rejects(
        raw.call('PING'),
        new RegExp(
          `^ReplyError: ERR gearbox: cannot reach Redis at 127\\.0\\.0\\.1:${gone} \\(ECONNREFUSED\\): start Redis or check --redis`,
        ),
      );
      raw.disconnect();
      const gears = new RedisGears({ port: orphan.port, maxRetriesPerRequest: 0 });
      gears.on('error', () => undefined);
      await assert.rejects(gears.gears.jsstats(), (err: Error) => {
        assert.ok(err instanceof GearsRedisUnavailableError, String(err));
        assert.match(
          err.message,
          new RegExp(`its Redis does not: .*cannot reach Redis at 127\\.0\\.0\\.1:${gone}.*start Redis`),
        );
        return true;
      });
      gears.disconnect();
    } finally {
      await orphan.stop();
    }
  });
});

describe('passwords', () => {
  let guarded: GearsProcess;
  before(async () => {
    guarded = await startGearsProcess(redis.url, ['--password', 'pw', '--log-level', 'silent']);
  });
  after(async () => guarded.stop());

  test('a wrong password and a missing one are GearsAuthErrors', async () => {
    const wrong = new RedisGears({ port: guarded.port, password: 'nope', lazyConnect: true, maxRetriesPerRequest: 0 });
    wrong.on('error', () => undefined);
    await assert.rejects(
      wrong.gears.jsstats(),
      (err: Error) => err instanceof GearsAuthError && /refused/.test(err.message),
    );
    wrong.disconnect();
    const none = new RedisGears({ port: guarded.port });
    none.on('error', () => undefined);
    await assert.rejects(
      none.gears.jsstats(),
      (err: Error) => err instanceof GearsAuthError && /needs a password/.test(err.message),
    );
    none.disconnect();
    const right = new RedisGears({ port: guarded.port, password: 'pw' });
    assert.equal((await right.gears.jsstats()).CurrAllocated > 0, true);
    right.disconnect();
  });
});
