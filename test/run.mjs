// Runs every compiled test file with node's own runner. Node 20's `--test` takes no globs,
// so the file list is gathered here.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const roots = process.argv.slice(2).length ? process.argv.slice(2) : ['dist/src', 'dist/test'];
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.test.js')) files.push(path);
  }
};
for (const root of roots) {
  try {
    if (statSync(root).isDirectory()) walk(root);
    else files.push(root);
  } catch {
    // a root that does not exist simply holds no tests
  }
}
if (files.length === 0) {
  console.error('no test files found under', roots.join(', '));
  process.exit(1);
}
// a test that hangs fails after five minutes instead of holding CI until its limit;
// a quiet run: log lines show only when asked for (GEARBOX_LOG_LEVEL=debug npm test)
const env = { ...process.env, GEARBOX_LOG_LEVEL: process.env.GEARBOX_LOG_LEVEL ?? 'silent' };
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=300000', ...files], {
  stdio: 'inherit',
  env,
});
process.exit(result.status ?? 1);
