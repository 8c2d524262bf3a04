import { execFile } from 'node:child_process';
import { mkdir, writeFile, access } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GearsError } from './errors.js';

const run = promisify(execFile);

export interface Requirement {
  readonly spec: string;
  installed: boolean;
}

export function defaultRequirementsDir(): string {
  return process.env.GEARBOX_REQUIREMENTS_DIR ?? join(homedir(), '.gearbox', 'requirements');
}

/**
 * RG.JSEXECUTE's REQUIREMENTS: npm packages installed with npm itself into one folder per
 * server, which gear functions reach through `require`. Installs run one at a time, because
 * two npm processes on one folder corrupt it.
 */
export class Requirements {
  private readonly known = new Map<string, Requirement>();
  private tail: Promise<unknown> = Promise.resolve();

  constructor(readonly dir: string = defaultRequirementsDir()) {}

  list(): Requirement[] {
    return [...this.known.values()];
  }

  install(specs: readonly string[]): Promise<void> {
    const missing = specs.filter((s) => !this.known.get(s)?.installed);
    if (missing.length === 0) return Promise.resolve();
    const job = this.tail.then(() => this.npmInstall(missing));
    this.tail = job.catch(() => undefined);
    return job;
  }

  private async npmInstall(specs: string[]): Promise<void> {
    for (const spec of specs) if (!this.known.has(spec)) this.known.set(spec, { spec, installed: false });
    await mkdir(this.dir, { recursive: true });
    const manifest = join(this.dir, 'package.json');
    await access(manifest).catch(() => writeFile(manifest, '{ "name": "gearbox-requirements", "private": true }\n'));
    try {
      await run('npm', ['install', '--no-audit', '--no-fund', '--prefix', this.dir, ...specs], { timeout: 300_000 });
    } catch (err) {
      const detail = npmMessage(String((err as { stderr?: string }).stderr ?? ''), (err as Error).message);
      throw new GearsError(
        `Could not satisfy requirements ${specs.join(', ')}: npm install failed: ${detail}; ` +
          'check the package names and versions (npm view <name> versions)',
      );
    }
    for (const spec of specs) this.known.get(spec)!.installed = true;
  }
}

// npm's boilerplate: where its log went, and the advice of every 404 to try a tarball instead.
const NPM_NOISE = [
  /complete log of this run/i,
  /^Log files were not written/i,
  /^Note that you can also install/i,
  /^tarball, folder, http url/i,
];

/**
 * What npm said went wrong, without its decoration: the `npm error` / `npm ERR!` prefixes and status
 * codes, its warnings, the log file line, and repeated lines, joined into one sentence.
 */
export function npmMessage(stderr: string, fallback: string): string {
  const lines: string[] = [];
  for (const raw of stderr.split('\n')) {
    if (/^npm (warn|WARN|notice)/.test(raw)) continue;
    const line = raw
      .replace(/^npm (error|ERR!)\s*/, '')
      .replace(/^(\d{3}|code \S+)\s*/, '')
      .trim();
    if (line === '' || NPM_NOISE.some((noise) => noise.test(line)) || lines.includes(line)) continue;
    lines.push(line.replace(/\.$/, ''));
  }
  return lines.length > 0 ? lines.join('; ') : fallback.split('\n')[0]!;
}
