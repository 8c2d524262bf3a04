// gearbox run: sends a gear function UNBLOCKING, shows a progress line (polled on a connection of
// its own, so it never waits behind the blocking results call), prints results and errors. Ctrl-C
// aborts the execution on the server and drops it.
import { readFile } from 'node:fs/promises';
import { parse } from 'acorn';
import { bundleScript, type BundledScript, type ExecID, type RedisGears } from '../client/index.js';
import { placeInScript } from '../client/script.js';
import { connectClient, diagnose, type ServerOptions } from './connection.js';
import { jsonValue } from './output.js';
import { ProgressLine } from './progress.js';

export interface RunOptions extends ServerOptions {
  readonly eval?: string;
  readonly json?: boolean;
  readonly progress: boolean;
}

const POLL_MS = 300;

interface Loaded {
  readonly source: string;
  readonly requirements: readonly string[];
  /** What to call the source in a parse error. */
  readonly name: string;
  /** Where a line and column of `source` are in the user's files. */
  readonly origin: BundledScript['origin'];
}

async function load(file: string | undefined, options: RunOptions): Promise<Loaded> {
  if (options.eval !== undefined)
    return { source: options.eval, requirements: [], name: '-e', origin: () => undefined };
  if (!file) throw new Error('give a file with the gear function, or its source with -e');
  if (/\.[cm]?ts$/.test(file)) return { ...(await bundleScript(file)), name: file };
  const source = await readFile(file, 'utf8').catch(() => {
    throw new Error(`cannot read ${file}: check the path`);
  });
  if (usesModules(source)) return { ...(await bundleScript(file)), name: file };
  return { source, requirements: [], name: file, origin: (line, column) => `${file}:${line}:${column}` };
}

/** A .js file with import or export statements is bundled as a .ts one is; any other is sent as it is. */
function usesModules(source: string): boolean {
  try {
    const { body } = parse(source, { ecmaVersion: 'latest', sourceType: 'module', allowReturnOutsideFunction: true });
    return body.some((node) => /^(Import|Export)/.test(node.type));
  } catch {
    return false;
  }
}

/** A source that does not parse, found before sending, with its line and column. */
function checkSyntax({ source, name }: Loaded): void {
  try {
    // as the server compiles it: the body of an async function (top-level await and return allowed)
    parse(source, { ecmaVersion: 'latest', allowAwaitOutsideFunction: true, allowReturnOutsideFunction: true });
  } catch (err) {
    const { loc } = err as { loc?: { line: number; column: number } };
    const what = (err as Error).message.replace(/ \(\d+:\d+\)$/, '');
    const where = loc ? `:${loc.line}:${loc.column + 1}` : '';
    throw new Error(`${name}${where}: the source does not parse: ${what}`, { cause: err });
  }
}

/** Polls the execution's progress on its own connection until stopped. */
function showProgress(options: RunOptions, id: ExecID, progress: ProgressLine): () => void {
  let poller: RedisGears | undefined;
  let stopped = false;
  const timer = setInterval(() => {
    void (async () => {
      poller ??= await connectClient(options);
      const plan = Object.values(await poller.gears.getexecution(id))[0];
      if (plan && !stopped) progress.update(plan.records_read, plan.status);
    })().catch(() => undefined);
  }, POLL_MS);
  return () => {
    stopped = true;
    clearInterval(timer);
    poller?.disconnect();
    progress.clear();
  };
}

export async function runCommand(file: string | undefined, options: RunOptions): Promise<void> {
  const loaded = await load(file, options);
  checkSyntax(loaded);
  const client = await connectClient(options);
  let id: ExecID | undefined;
  const onInterrupt = () => {
    if (!id) process.exit(130);
    const aborting = id;
    void (async () => {
      const other = await connectClient(options);
      await other.gears.abortexecution(aborting).catch(() => undefined);
      await other.gears.dropexecution(aborting).catch(() => undefined);
      other.disconnect();
      console.error(`gearbox run: interrupted; execution ${aborting.text} aborted and dropped`);
      process.exit(130);
    })();
  };
  process.once('SIGINT', onInterrupt);
  try {
    id = await client.gears.jsexecute(loaded.source, { unblocking: true, requirements: loaded.requirements });
    const progress = new ProgressLine(options.progress !== false && process.stderr.isTTY === true);
    const stop = showProgress(options, id, progress);
    let result;
    try {
      result = await client.gears.getresultsblocking(id);
    } finally {
      stop();
    }
    await client.gears.dropexecution(id).catch(() => undefined);
    // an error the script's top-level code threw says where, in the user's file
    const errors = result.errors.map((error) => placeInScript(error, loaded.origin));
    if (options.json) {
      console.log(JSON.stringify({ results: result.results.map(jsonValue), errors }, null, 2));
    } else {
      for (const value of result) console.log(value);
      for (const error of errors) console.error(`error: ${error}`);
    }
    if (result.errors.length > 0) process.exitCode = 1;
  } catch (err) {
    throw new Error(diagnose(err, options), { cause: err });
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    client.disconnect();
  }
}
