// The one logger of gearbox: every layer logs through it, so a single level (GEARBOX_LOG_LEVEL or
// --log-level) governs server, engine and gear functions alike.
import { pino, type Logger } from 'pino';

export type { Logger };
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

let root: Logger | undefined;

export function logger(): Logger {
  root ??= pino({ level: process.env.GEARBOX_LOG_LEVEL ?? 'info', base: { pid: process.pid } }, pino.destination(2));
  return root;
}

export function setLogLevel(level: LogLevel): void {
  logger().level = level;
}

export function childLogger(component: string): Logger {
  return logger().child({ component });
}
