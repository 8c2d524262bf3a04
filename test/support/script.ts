// Runs a small ES module as an application would: a process of its own, importing the built package by
// name ('gearbox', 'gearbox/engine'), with what it printed on each stream kept apart.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ScriptRun {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

// the package's root: a module run from there resolves 'gearbox' to this package (self-reference)
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** `env` is added to this process' environment; a variable given as undefined is removed. */
export function runScript(source: string, env: Record<string, string | undefined> = {}): Promise<ScriptRun> {
  const merged: NodeJS.ProcessEnv = { ...process.env };
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete merged[name];
    else merged[name] = value;
  }
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', source],
      { cwd: ROOT, env: merged, timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ stdout, stderr, code });
      },
    );
  });
}
