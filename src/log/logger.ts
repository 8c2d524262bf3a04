// The one logger of gearbox: every layer logs through it, so a single level (GEARBOX_LOG_LEVEL or
// --log-level) governs server, engine and gear functions alike.
import { pino, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

// A library inside an application says nothing unasked but what goes wrong; the gearbox command, a
// program of its own, asks for more (preferLogLevel in src/cli/main.ts).
const LIBRARY_LEVEL: LogLevel = 'warn';

let root: Logger | undefined;

/** Human-readable lines on a terminal, JSON lines for machines (a file, a pipe, a log collector). */
function destination(): DestinationStream {
  if (!process.stderr.isTTY) return pino.destination(2);
  return pretty({ destination: 2, sync: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss.l' });
}

export function logger(): Logger {
  root ??= pino({ level: process.env.GEARBOX_LOG_LEVEL ?? LIBRARY_LEVEL, base: { pid: process.pid } }, destination());
  return root;
}

/** A level the command line chose: it beats GEARBOX_LOG_LEVEL. */
export function setLogLevel(level: LogLevel): void {
  logger().level = level;
}

/** A level the program chose (a default, an option in code): GEARBOX_LOG_LEVEL, set by whoever runs it, wins. */
export function preferLogLevel(level: LogLevel): void {
  if (process.env.GEARBOX_LOG_LEVEL === undefined) setLogLevel(level);
}

export function childLogger(component: string): Logger {
  return logger().child({ component });
}
