// gearbox watch <dir...>: RedGrease's hot-reloading CLI. Every matching script is loaded at start
// and again whenever it, or a file it imports, changes; a deleted script's registrations are removed.
import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { watch } from 'chokidar';
import picomatch from 'picomatch';
import { childLogger } from '../log/logger.js';
import { connectClient, diagnose, type ServerOptions } from './connection.js';
import { ScriptLoader, type LoadOutcome } from './watch/loader.js';

export interface WatchOptions extends ServerOptions {
  readonly recursive?: boolean;
  readonly scriptPattern: string;
  readonly requirementsPattern: string;
  readonly unblockingPattern?: string;
  readonly ignore?: string | string[];
  readonly indexPrefix: string;
  /** Load once and exit instead of watching. */
  readonly once?: boolean;
}

const log = childLogger('watch');

async function listFiles(dir: string, recursive: boolean): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => {
    throw new Error(`cannot read the directory ${dir}: check the path`);
  });
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (recursive && entry.name !== 'node_modules' && !entry.name.startsWith('.'))
        files.push(...(await listFiles(path, true)));
    } else files.push(path);
  }
  return files;
}

function describe(outcome: LoadOutcome): string {
  if (outcome.kind === 'registered') return `${outcome.registrations} registration(s)`;
  if (outcome.kind === 'started') return `execution ${outcome.executionId} started`;
  if (outcome.kind === 'nothing')
    return `no gear function to load (a module the scripts import?)${outcome.removed ? `; ${outcome.removed} registration(s) removed` : ''}`;
  return `${outcome.results.length} result(s), ${outcome.errors.length} error(s)`;
}

export async function watchCommand(dirs: string[], options: WatchOptions): Promise<void> {
  const roots = dirs.map((d) => resolve(d));
  const ignored = [options.ignore ?? []].flat();
  const isScript = picomatch(options.scriptPattern, { basename: true });
  const isRequirements = picomatch(options.requirementsPattern, { basename: true });
  const isIgnored = ignored.length ? picomatch(ignored, { basename: true }) : () => false;
  const wanted = (path: string) =>
    isScript(path) && !isRequirements(path) && !isIgnored(path) && !path.endsWith('.d.ts');
  for (const root of roots)
    if (!(await stat(root).catch(() => null))?.isDirectory())
      throw new Error(`${root} is not a directory: check the path`);
  const client = await connectClient(options);
  const loader = new ScriptLoader(client, {
    indexPrefix: options.indexPrefix,
    unblocking: options.unblockingPattern ? new RegExp(options.unblockingPattern) : undefined,
    requirementFiles: async (dir) => (await readdir(dir)).filter((f) => isRequirements(f)).map((f) => join(dir, f)),
  });

  // One operation at a time, in the order the file system reported them. A watcher logs a failure
  // and goes on; --once reports them all in its exit line instead, so a script or CI sees them.
  const failures: string[] = [];
  let queue: Promise<void> = Promise.resolve();
  const enqueue = (what: string, path: string, job: () => Promise<void>) => {
    queue = queue.then(job).catch((err: Error) => {
      const reason = diagnose(err, options).replace(/\s*\n\s*/g, ' ');
      const failure = reason.includes(path) ? reason : `${what} ${path}: ${reason}`;
      if (options.once) failures.push(failure);
      else log.error(failure);
    });
    return queue;
  };
  /** Scripts whose last load failed. */
  const failed = new Set<string>();
  const load = (path: string) =>
    enqueue('loading', path, async () => {
      failed.add(path);
      const outcome = await loader.load(path);
      failed.delete(path);
      // helpers outside the watched folders (or below a folder watched without --recursive) are watched too
      for (const file of loader.files()) if (!covered(file)) watcher?.add(file);
      log.info(`loaded ${path}: ${describe(outcome)}`);
    });
  const unload = (path: string) =>
    enqueue('unloading', path, async () => {
      failed.delete(path);
      log.info(`unloaded ${path}: ${await loader.unload(path)} registration(s) removed`);
    });
  /** Whether the watcher sees `file` already (under a folder, directly unless --recursive). */
  const covered = (file: string) =>
    roots.some((root) => {
      const below = relative(root, file);
      return !below.startsWith('..') && (options.recursive === true || !below.includes(sep));
    });

  // The watcher starts before the first load, so a change made while scripts load is not missed.
  const watcher = options.once
    ? undefined
    : watch(roots, {
        ignoreInitial: true,
        depth: options.recursive ? undefined : 0,
        awaitWriteFinish: { stabilityThreshold: 100, pollInterval: 20 },
      });
  if (watcher) {
    // helpers watched outside the folders are not scripts of their own
    const watchedScript = (path: string) => wanted(path) && covered(path);
    // a helper module changes what every script importing it sends: those are loaded again too, and
    // a new file may be the import a failed script missed
    const reload = (path: string, alsoFailed: boolean) => {
      const scripts = new Set(loader.dependents(path));
      if (alsoFailed) for (const script of failed) scripts.add(script);
      scripts.delete(path);
      for (const script of scripts) void load(script);
    };
    watcher.on('add', (path) => {
      if (watchedScript(path)) void load(path);
      reload(path, true);
    });
    watcher.on('change', (path) => {
      if (watchedScript(path)) void load(path);
      reload(path, false);
    });
    watcher.on('unlink', (path) => {
      if (watchedScript(path)) void unload(path);
      reload(path, false);
    });
    await new Promise<void>((resolveReady) => watcher.once('ready', () => resolveReady()));
  }

  try {
    const present = new Set<string>();
    for (const root of roots)
      for (const file of await listFiles(root, options.recursive === true)) if (wanted(file)) present.add(file);
    // scripts the index remembers under these folders that are gone now were deleted while nobody watched
    for (const path of await loader.indexed()) {
      const under = roots.some((root) => !relative(root, path).startsWith('..'));
      if (under && !present.has(path)) void unload(path);
    }
    for (const path of [...present].sort()) void load(path);
    await queue;
  } catch (err) {
    // an open watcher or connection would keep the process running after its error line
    await watcher?.close();
    client.disconnect();
    throw err;
  }
  if (!watcher) {
    client.disconnect();
    if (failures.length) throw new Error(`${failures.length} script(s) failed: ${failures.join('; ')}`);
    return;
  }
  log.info(`watching ${roots.join(', ')} on ${client.options.host}:${client.options.port}; Ctrl-C stops`);
  const stop = () => {
    void watcher.close().then(() => {
      client.disconnect();
      process.exit(0);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
