#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from 'commander';
import { serveCommand } from './serve.js';
import { runCommand } from './run.js';
import { demoCommand } from './demo.js';
import { demoClusterCommand } from './demo-cluster.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError(`'${value}' is not a port number (0-65535)`);
  return n;
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`'${value}' is not a positive integer`);
  return n;
}

const program = new Command('gearbox').description('RedisGears-style gear functions for TypeScript, on stock Redis');

program
  .command('serve')
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
  .option('--threads <n>', 'execution threads (RedisGears ExecutionThreads)', positive)
  .option('--log-level <level>', 'trace, debug, info, warn, error or silent', 'info')
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
  .option('--tls-client-cert-file <file>', 'certificate shown to a rediss:// Redis instead of --tls-cert-file')
  .option('--tls-client-key-file <file>', 'its private key')
  .action(serveCommand);

program
  .command('run')
  .description('run a gear function on a gears server and print its results and errors')
  .argument('[file]', 'a JavaScript file holding the gear function source')
  .option('-e, --eval <source>', 'the gear function source itself')
  .option('--server <url>', 'the gears server', 'redis://127.0.0.1:6390')
  .option('--password <password>', 'the gears server password')
  .option('--json', 'print one JSON document instead of lines')
  .option('--no-progress', 'no progress line for long jobs')
  .action(runCommand);

program
  .command('demo')
  .description('start a private Redis and gears server, run the RedisGears introduction flows, stop both')
  .option('--cluster', 'a 3-primary Redis Cluster with a gears server per primary: the cluster sections instead')
  .action((options: { cluster?: boolean }) => (options.cluster ? demoClusterCommand() : demoCommand()));

await program.parseAsync(process.argv);
