// CI step (npm run check:pack): the package as users get it. Packs the tarball, checks what it ships,
// installs it into a fresh TypeScript project beside the Redis clients users hold (ioredis 5 and 6,
// node-redis 4 and 5), imports every export of every subpath at run time, and type-checks with
// `tsc --strict` a file using each client and every TypeScript snippet of the README.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const sh = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
const work = mkdtempSync(join(tmpdir(), 'gearbox-pack-'));
const fail = (message) => {
  console.error(`pack check: ${message} (project left in ${work})`);
  process.exit(1);
};

const [packed] = JSON.parse(sh('npm', ['pack', '--json', '--pack-destination', work], root));
const shipped = packed.files.map((f) => f.path);
const unwanted = shipped.filter((p) => /^dist\/(bench|test|examples)\/|\.test\.|\.map$/.test(p));
if (unwanted.length) fail(`the tarball ships ${unwanted.join(', ')}`);
console.log(`pack check: ${packed.filename}, ${shipped.length} files, no benchmarks, tests or source maps`);

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const subpaths = Object.keys(pkg.exports).filter((k) => k !== './package.json');
writeFileSync(
  join(work, 'package.json'),
  JSON.stringify({
    name: 'gearbox-user',
    private: true,
    type: 'module',
    dependencies: {
      gearbox: `file:${join(work, packed.filename)}`,
      ioredis5: 'npm:ioredis@^5',
      ioredis6: 'npm:ioredis@^6',
      redis4: 'npm:redis@^4',
      redis5: 'npm:redis@^5',
      '@types/node': pkg.devDependencies['@types/node'],
      typescript: pkg.devDependencies.typescript,
    },
  }),
);
sh('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], work);

// Every export of every subpath resolves and loads.
const imports = subpaths.map((s, i) => `import * as m${i} from '${join('gearbox', s)}';`).join('\n');
const checks = subpaths
  .map((s, i) => `for (const [k, v] of Object.entries(m${i})) if (v === undefined) missing.push('${s} ' + k);`)
  .join('\n');
writeFileSync(
  join(work, 'imports.mjs'),
  `${imports}\nconst missing = [];\n${checks}\nif (missing.length) { console.error('undefined exports:', missing); process.exit(1); }\nconsole.log('pack check: every export of ${subpaths.length} subpaths loads');\n`,
);
sh(process.execPath, ['imports.mjs'], work);

// Each Redis client version users hold is accepted by connect() and by the client, type-wise.
writeFileSync(
  join(work, 'clients.ts'),
  `import { Gears, RedisGears, KeysReader, GearsError, DuplicateTriggerError, command, connect, type ExecutionResult } from 'gearbox';
import * as model from 'gearbox/model';
import * as runtime from 'gearbox/runtime';
import * as pipeline from 'gearbox/pipeline';
import * as client from 'gearbox/client';
import * as engine from 'gearbox/engine';
import * as server from 'gearbox/server';
import { Redis as Redis5 } from 'ioredis5';
import { Redis as Redis6 } from 'ioredis6';
import { createClient as createClient4 } from 'redis4';
import { createClient as createClient5 } from 'redis5';
void [model, runtime, pipeline, client, engine, server, GearsError, DuplicateTriggerError, command];
export async function check(): Promise<void> {
  const clients = [new Redis5({ lazyConnect: true }), new Redis6({ lazyConnect: true }), createClient4(), createClient5()] as const;
  for (const c of clients) connect(c);
  const gears = [new Gears(clients[0]), new Gears(clients[1]), new Gears(clients[2]), new Gears(clients[3]), new RedisGears().gears];
  const counted: ExecutionResult<string> = await gears[0]!.jsexecute(KeysReader().count().run());
  const typed: number = (await gears[2]!.jsexecute(KeysReader().count().run({ convertToStr: false }))).value;
  void [counted, typed];
}
`,
);

// The README's TypeScript snippets, each as its own module.
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const snippets = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
snippets.forEach((code, i) => writeFileSync(join(work, `readme-${i + 1}.ts`), `${code}\nexport {};\n`));
writeFileSync(
  join(work, 'tsconfig.json'),
  JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: ['node'],
    },
    include: ['*.ts'],
  }),
);
try {
  sh(process.execPath, [join(work, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], work);
} catch (err) {
  fail(`tsc --strict failed:\n${err.stdout}`);
}
console.log(`pack check: clients.ts and ${snippets.length} README snippets type-check under tsc --strict`);
rmSync(work, { recursive: true, force: true });
