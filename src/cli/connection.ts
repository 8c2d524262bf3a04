// The connection of the client commands (run, watch, trigger, executions, registrations, abort):
// where the gears server is, its password (from --password or GEARBOX_PASSWORD, never printed), and
// one-line diagnoses of why a connection failed.
import { Option } from 'commander';
import {
  GearsAuthError,
  GearsConnectionError,
  GearsNotAvailableError,
  GearsRedisUnavailableError,
  gearsError,
  RedisGears,
} from '../client/index.js';

export interface ServerOptions {
  readonly server: string;
  readonly password?: string;
}

export const DEFAULT_SERVER = 'redis://127.0.0.1:6390';

/** --server and --password, with their environment variables (shown by -h, values never). */
export function serverOptions(): Option[] {
  return [
    new Option('--server <url>', 'the gears server').env('GEARBOX_SERVER').default(DEFAULT_SERVER),
    new Option('--password <password>', 'the gears server password').env('GEARBOX_PASSWORD'),
  ];
}

/** The URL as it may be shown: without its password. */
export function shownUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@');
  }
}

/** A client that fails at once rather than retrying, so the CLI can say what is wrong. */
export function openClient(options: ServerOptions): RedisGears {
  const client = new RedisGears(options.server, {
    password: options.password,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 5000,
    enableReadyCheck: false,
  });
  client.on('error', () => undefined); // each failed command reports its own error
  return client;
}

/** Connects and checks that a gears server answers, turning each failure into its one-line diagnosis. */
export async function connectClient(options: ServerOptions): Promise<RedisGears> {
  const client = openClient(options);
  // ioredis reports why it closed a connection (a refused HELLO, say) only as an 'error' event;
  // the rejected connect() just says "Connection is closed"
  let reason: unknown;
  const remember = (err: unknown) => (reason ??= err);
  client.on('error', remember);
  try {
    await client.connect();
    await client.gears.jsstats();
    return client;
  } catch (err) {
    client.disconnect();
    throw new Error(diagnose(reason ?? err, options), { cause: err });
  } finally {
    client.off('error', remember);
  }
}

/** What went wrong talking to the gears server, and what to do, in one line. */
export function diagnose(raw: unknown, options: ServerOptions): string {
  const err = gearsError(raw, 'connect');
  const message = raw instanceof Error ? raw.message : String(raw);
  const where = shownUrl(options.server);
  if (err instanceof GearsRedisUnavailableError)
    return `the gears server at ${where} runs, but its Redis is down: ${message.replace(/^ERR (gearbox: )?/, '')}`;
  if (err instanceof GearsAuthError || /WRONGPASS|NOAUTH|invalid password/i.test(message)) {
    // WRONGPASS says a password was sent (--password, GEARBOX_PASSWORD or the URL's) and refused
    const given = options.password !== undefined || /WRONGPASS|invalid password/i.test(message);
    return !given
      ? `the gears server at ${where} needs a password: pass --password or set GEARBOX_PASSWORD`
      : `the gears server at ${where} refused the password: check --password, GEARBOX_PASSWORD or the password in the URL`;
  }
  if (err instanceof GearsNotAvailableError)
    return `${where} is a Redis without gearbox: point --server at a gears server ('gearbox serve')`;
  if (err instanceof GearsConnectionError || /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|Connection is closed/i.test(message))
    return `no gears server answers at ${where}: start one with 'gearbox serve --redis <redis-url>'`;
  return message;
}
