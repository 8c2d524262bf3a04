#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { serveCommand } from './serve.js';
import { runCommand } from './run.js';
import { demoCommand } from './demo.js';

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
  .option('--redis <url>', 'the Redis to serve', 'redis://127.0.0.1:6379')
  .option('--host <host>', 'address to listen on (loopback unless told otherwise)', '127.0.0.1')
  .option('--port <port>', 'port to listen on', port, 6390)
  .option('--password <password>', 'require AUTH <password> on every connection')
  .option('--threads <n>', 'execution threads (RedisGears ExecutionThreads)', positive)
  .option('--log-level <level>', 'trace, debug, info, warn, error or silent', 'info')
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
  .action(demoCommand);

await program.parseAsync(process.argv);
