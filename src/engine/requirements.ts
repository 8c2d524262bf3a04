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
      const detail = String((err as { stderr?: string }).stderr ?? (err as Error).message)
        .trim()
        .split('\n')
        .slice(-3)
        .join(' ');
      throw new GearsError(`Could not satisfy requirements ${specs.join(', ')}: npm install failed (${detail})`);
    }
    for (const spec of specs) this.known.get(spec)!.installed = true;
  }
}
