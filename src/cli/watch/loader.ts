// Loading one script file into the gears server as a session named by its path: a changed script
// replaces its registrations in one atomic upgrade (RG.JSEXECUTE ... ID <path> UPGRADE); a deleted
// one has its registrations removed. Which scripts are loaded is kept in Redis, in a hash under
// the index prefix, so a watcher started again knows what it loaded before.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { bundleScript, ExecutionResult, type Gears, type GearsError, type RedisGears } from '../../client/index.js';
import { scriptFailure } from '../../client/script.js';

export interface LoaderOptions {
  readonly indexPrefix: string;
  /** Scripts whose path matches run UNBLOCKING (a search, not anchored, as in RedGrease). */
  readonly unblocking?: RegExp;
  /** Requirement files beside a script (one npm spec per line) whose specs go with it. */
  readonly requirementFiles: (dir: string) => Promise<string[]>;
}

export type LoadOutcome =
  | { readonly kind: 'registered'; readonly registrations: number }
  | { readonly kind: 'results'; readonly results: readonly unknown[]; readonly errors: readonly string[] }
  | { readonly kind: 'started'; readonly executionId: string }
  /** The script builds no gear function (a module of helpers the others import, say); `removed` registrations it had. */
  | { readonly kind: 'nothing'; readonly removed: number };

// the gears server's words for a source that closed no function (src/engine/worker/worker-main.ts)
const NO_FUNCTION = /built no gear function/;

async function requirementsFor(path: string, options: LoaderOptions): Promise<string[]> {
  const specs: string[] = [];
  for (const file of await options.requirementFiles(dirname(path))) {
    const text = await readFile(file, 'utf8').catch(() => '');
    for (const line of text.split(/\r?\n/)) {
      const spec = line.replace(/#.*/, '').trim();
      if (spec) specs.push(spec);
    }
  }
  return specs;
}

export class ScriptLoader {
  readonly #client: RedisGears;
  readonly #options: LoaderOptions;
  /** Each loaded script's own files (itself and the helpers it imports), as last bundled. */
  readonly #inputs = new Map<string, readonly string[]>();

  constructor(client: RedisGears, options: LoaderOptions) {
    this.#client = client;
    this.#options = options;
  }

  private get gears(): Gears {
    return this.#client.gears;
  }

  /** The hash listing the loaded scripts: path -> sha1 of the source sent. */
  get indexKey(): string {
    return `${this.#options.indexPrefix}:scripts`;
  }

  async indexed(): Promise<string[]> {
    return this.#client.hkeys(this.indexKey);
  }

  /** Sends the script at `path` as session `path`, upgrading the session if it is loaded already. */
  async load(path: string): Promise<LoadOutcome> {
    const bundled = await bundleScript(path);
    this.#inputs.set(path, bundled.inputs);
    const requirements = [...bundled.requirements, ...(await requirementsFor(path, this.#options))];
    const unblocking = this.#options.unblocking?.test(path) ?? false;
    const loaded =
      (await this.sessionRegistrations(path)).length > 0 || (await this.#client.hexists(this.indexKey, path)) === 1;
    const send = (upgrade: boolean) =>
      this.gears.jsexecute(bundled.source, { id: path, upgrade, unblocking, requirements }).catch((err: GearsError) => {
        throw scriptFailure(err, path, bundled);
      });
    let reply;
    try {
      reply = await send(loaded);
    } catch (err) {
      // the index and the server disagree (a server restarted without its sessions, or one that kept them)
      if (/already exists/.test((err as Error).message)) reply = await send(true);
      else if (loaded && /session|UPGRADE/i.test((err as Error).message)) reply = await send(false);
      // a watched folder holds the helpers its scripts import, too; one that stopped registering loses its registrations
      else if (NO_FUNCTION.test((err as Error).message)) return { kind: 'nothing', removed: await this.unload(path) };
      else throw err;
    }
    const sha = createHash('sha1').update(bundled.source).digest('hex');
    await this.#client.hset(this.indexKey, path, sha);
    if (!(reply instanceof ExecutionResult)) return { kind: 'started', executionId: reply.text };
    const registrations = (await this.sessionRegistrations(path)).length;
    if (registrations > 0) return { kind: 'registered', registrations };
    return { kind: 'results', results: reply.results, errors: reply.errors };
  }

  /** Removes the registrations of the script at `path` and forgets it. */
  async unload(path: string): Promise<number> {
    const registrations = await this.sessionRegistrations(path);
    for (const registration of registrations) await this.gears.unregister(registration);
    await this.#client.hdel(this.indexKey, path);
    this.#inputs.delete(path);
    return registrations.length;
  }

  /** The scripts that import `file` (so a change to it changes what they send). */
  dependents(file: string): string[] {
    const out: string[] = [];
    for (const [script, inputs] of this.#inputs) if (script !== file && inputs.includes(file)) out.push(script);
    return out;
  }

  /** Every file the loaded scripts are made of. */
  files(): Set<string> {
    return new Set([...this.#inputs.values()].flat());
  }

  private async sessionRegistrations(path: string) {
    return (await this.gears.dumpregistrations()).filter(
      (r) => (r.PD as { sessionName?: string } | null)?.sessionName === path,
    );
  }
}
