#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_CONFIG } from '../engine/index.js';
import { preferLogLevel } from '../log/logger.js';
import { DEFAULT_CLIENT_LIMITS } from '../server/index.js';
import { applyConfig, parseConfigFile } from './config-file.js';
import { serverOptions } from './connection.js';
import { serveCommand } from './serve.js';
import { runCommand } from './run.js';
import { demoCommand } from './demo.js';
import { demoClusterCommand } from './demo-cluster.js';
import { abortCommand, executionsCommand, registrationsCommand, triggerCommand } from './inspect.js';
import { watchCommand } from './watch.js';

const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError(`'${value}' is not a port number (0-65535)`);
  return n;
}

function withPort(url: string, value: number): string {
  const parsed = new URL(url);
  parsed.port = String(value);
  return parsed.toString();
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`'${value}' is not a positive integer`);
  return n;
}

const program = new Command('gearbox')
  .description('RedisGears-style gear functions for TypeScript, on stock Redis')
  .version(version)
  .option('--verbose', 'show stack traces with errors')
  // an unknown command, say: prefixed as a command's errors are (see command() below)
  .configureOutput({ outputError: (text, write) => write(`gearbox: ${text.replace(/^error: /, '')}`) });

/**
 * Every command reports a failure as one `gearbox <command>: ...` line and exit status 1; the stack
 * only with --verbose. Usage errors from commander get the same prefix.
 */
function command(name: string): Command {
  const sub = program.command(name);
  sub.configureOutput({
    outputError: (text, write) => write(`gearbox ${name}: ${text.replace(/^error: /, '')}`),
  });
  return sub;
}

// The client's errors give advice in its own API; at a terminal the same advice is a command
const CLI_ADVICE: ReadonlyArray<[RegExp, string]> = [[/gears\.dumpexecutions\(\)/g, "'gearbox executions'"]];
const inCliTerms = (message: string): string =>
  CLI_ADVICE.reduce((text, [api, cli]) => text.replace(api, cli), message);

function reporting<A extends unknown[]>(name: string, body: (...args: A) => Promise<void>) {
  return async (...args: A): Promise<void> => {
    try {
      await body(...args);
    } catch (err) {
      const error = err as Error;
      console.error(`gearbox ${name}: ${inCliTerms(error.message)}`);
      if (program.opts().verbose) console.error(error.stack);
      process.exitCode = 1;
    }
  };
}

const clientCommand = (name: string) => {
  const sub = command(name);
  for (const option of serverOptions()) sub.addOption(option);
  return sub.option('--json', 'print JSON (real values, not JSON inside strings)');
};

command('serve')
  .description('start a gears server next to a Redis primary (foreground; prints a line with "ready")')
  // secrets may come from the environment, so they stay out of `ps` and shell history; help shows
  // the variable's name, never its value
  .addOption(
    new Option('--redis <url>', 'the Redis to serve (rediss:// for TLS)')
      .env('REDIS_URL')
      .default('redis://127.0.0.1:6379'),
  )
  .option('--host <host>', 'address to listen on (loopback unless told otherwise)', '127.0.0.1')
  .option('--port <port>', 'port to listen on (0 with --tls-port: TLS only)', port, 6390)
  .addOption(new Option('--password <password>', 'require AUTH <password> on every connection').env('GEARBOX_PASSWORD'))
  // defaults named in the help only: unset, the configuration file or the engine's own default applies
  .option(
    '--threads <n>',
    `execution threads (RedisGears ExecutionThreads; default: ${DEFAULT_CONFIG.ExecutionThreads})`,
    positive,
  )
  .addOption(
    new Option('--log-level <level>', 'trace, debug, info, warn, error or silent')
      .env('GEARBOX_LOG_LEVEL')
      .default('info'),
  )
  .addOption(
    new Option('--protected-mode <yes|no>', 'refuse a non-loopback listener without authentication')
      .choices(['yes', 'no'])
      .default('yes'),
  )
  .option('--tls-port <port>', 'also listen for TLS clients on this port', port)
  .option('--tls-cert-file <file>', "the server's TLS certificate (PEM); also shown to a rediss:// Redis")
  .option('--tls-key-file <file>', "the server's TLS private key (PEM)")
  .option('--tls-ca-cert-file <file>', 'CA for client certificates, and for the certificate of a rediss:// Redis')
  .addOption(
    new Option('--tls-auth-clients <yes|no|optional>', 'whether TLS clients must present a certificate')
      .choices(['yes', 'no', 'optional'])
      .default('yes'),
  )
  .option(
    '--maxclients <n>',
    `connections accepted at once (Redis maxclients; default: ${DEFAULT_CLIENT_LIMITS.maxClients})`,
    positive,
  )
  .option('--client-query-buffer-limit <size>', 'input held per client before it is closed, e.g. 1gb')
  .option(
    '--client-output-buffer-limit <spec>',
    "'<normal|pubsub> <hard> <soft> <soft-seconds>', e.g. 'pubsub 32mb 8mb 60' (repeatable)",
    (spec: string, previous: string[] = []) => [...previous, spec],
  )
  .option('--tls-client-cert-file <file>', 'certificate shown to a rediss:// Redis instead of --tls-cert-file')
  .option('--tls-client-key-file <file>', 'its private key')
  .option(
    '--standby',
    'allow a replica as --redis: stand by (refusing writes) and take over its shard if it is promoted',
  )
  .action(serveCommand);

clientCommand('run')
  .description('run a gear function on a gears server and print its results and errors')
  .argument(
    '[file]',
    'a .js file holding the gear function source (bundled if it imports or exports), or a .ts script (bundled)',
  )
  .option('-e, --eval <source>', 'the gear function source itself')
  .option('--no-progress', 'no progress line for long jobs')
  .action(reporting('run', runCommand));

command('watch')
  .description(
    "load every gear function script in the folders, and load a script again whenever it changes (its registrations are replaced in one atomic upgrade; a deleted script's are removed)",
  )
  .argument('<dir...>', 'folders holding scripts')
  .addOption(new Option('-c, --config <path>', 'a config file of key=value lines').env('GEARBOX_CONFIG_FILE'))
  .addOption(
    new Option('-s, --server <url>', 'the gears server').env('GEARBOX_SERVER').default('redis://127.0.0.1:6390'),
  )
  .addOption(new Option('-p, --port <port>', 'the gears server port (overrides the one in --server)').argParser(port))
  .addOption(new Option('--password <password>', 'the gears server password').env('GEARBOX_PASSWORD'))
  .addOption(new Option('-r, --recursive', 'watch subfolders too').env('GEARBOX_RECURSIVE'))
  .addOption(
    new Option('--script-pattern <glob>', 'file names loaded as scripts')
      .env('GEARBOX_SCRIPT_PATTERN')
      .default('*.{js,mjs,ts,mts}'),
  )
  .addOption(
    new Option('--requirements-pattern <glob>', 'files of npm specs (one a line) sent with the scripts beside them')
      .env('GEARBOX_REQUIREMENTS_PATTERN')
      .default('*requirements.txt'),
  )
  .addOption(
    new Option('--unblocking-pattern <regex>', 'scripts whose path matches run UNBLOCKING').env(
      'GEARBOX_UNBLOCKING_PATTERN',
    ),
  )
  .addOption(new Option('-i, --ignore <glob...>', 'file names never loaded').env('GEARBOX_IGNORE'))
  .addOption(
    new Option('--index-prefix <prefix>', 'key prefix of the index of loaded scripts in Redis')
      .env('GEARBOX_INDEX_PREFIX')
      .default('__gearbox:watch'),
  )
  .option('--once', 'load the scripts once and exit instead of watching')
  .action(
    reporting('watch', async (dirs: string[], options, sub: Command) => {
      if (options.config) applyConfig(sub, parseConfigFile(options.config));
      const merged = sub.opts();
      const server = merged.port === undefined ? merged.server : withPort(merged.server, merged.port);
      await watchCommand(dirs, { ...merged, server } as Parameters<typeof watchCommand>[1]);
    }),
  );

clientCommand('trigger')
  .description('call a registered command function (RG.TRIGGER) and print its results')
  .argument('<name>', 'the trigger name')
  .argument('[args...]', 'its arguments')
  .action(reporting('trigger', triggerCommand));

clientCommand('executions')
  .description('list the executions the server keeps (RG.DUMPEXECUTIONS), with their progress')
  .option('--cluster', "every shard's executions, not only the node's own (RG.DUMPEXECUTIONS CLUSTER)")
  .action(reporting('executions', executionsCommand));

clientCommand('registrations')
  .description('list the registrations (RG.DUMPREGISTRATIONS)')
  .option('--cluster', 'counters added up over every shard (RG.DUMPREGISTRATIONS CLUSTER)')
  .action(reporting('registrations', registrationsCommand));

clientCommand('abort')
  .description('abort an execution (RG.ABORTEXECUTION)')
  .argument('<id>', 'the execution id')
  .option('--drop', 'also drop it from the executions list')
  .action(reporting('abort', abortCommand));

command('demo')
  .description('start a private Redis and gears server, run the RedisGears introduction flows, stop both')
  .option('--cluster', 'a 3-primary Redis Cluster with a gears server per primary: the cluster sections instead')
  .action((options: { cluster?: boolean }) => (options.cluster ? demoClusterCommand() : demoCommand()));

// at a terminal or under a supervisor, gearbox says what it does (as a library it says only what goes wrong)
preferLogLevel('info');
await program.parseAsync(process.argv);
