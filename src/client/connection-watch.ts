// What a RedisGears client does about its own connection. Left alone, ioredis prints "[ioredis]
// Unhandled error event" for every failed attempt of a client nobody listens to, and a command sent
// while nothing answers waits through 20 reconnections (over a minute with ioredis 6) to fail with
// "Reached the max retries per request limit". The client listens itself, fails a command at the first
// refused connection until it has reached the server once (as redis-py does), and gives such a command
// the client's typed error, naming the address tried and what to do.
import type { Command, Redis } from 'ioredis';
import { GearsAuthError, GearsConnectionError, gearsError } from './errors.js';

// ioredis' words for a command failed because the connection did (event_handler.js, Redis.js)
const FLUSHED = /^Reached the max retries per request limit|^Connection is closed/;
// what ioredis itself sends while it sets a connection up (status 'connect'): it reads their errors,
// and its 'error' event passes them on as they came
const HANDSHAKE = new Set(['hello', 'auth', 'select', 'client', 'readonly', 'info']);

/**
 * Makes `client` quiet and fast to fail while unreachable; answers what types a command's failures,
 * naming the address `addressOf` gives for the command (a shard's, for one routed through a cluster).
 */
export function watchConnection(
  client: Redis,
  retriesChosen: boolean,
  addressOf: (command: Command) => string | undefined,
): (command: Command) => void {
  let lastError: unknown;
  client.on('error', (err: unknown) => (lastError = err)); // each failed command reports it
  client.on('ready', () => (lastError = undefined));
  if (!retriesChosen) {
    const settled = client.options.maxRetriesPerRequest;
    client.options.maxRetriesPerRequest = 0; // read by ioredis at each failed attempt
    client.once('ready', () => (client.options.maxRetriesPerRequest = settled));
  }
  const typed = (err: unknown, command: Command): unknown => {
    const reason = err instanceof Error && FLUSHED.test(err.message) ? lastError : err;
    if (reason === undefined) return err; // closed by the application, not by a failure
    const error = gearsError(reason, command.name.toUpperCase(), addressOf(command));
    return error instanceof GearsConnectionError || error instanceof GearsAuthError ? error : err;
  };
  const watched = new WeakSet<Command>();
  return (command) => {
    // ioredis sends a command again from its offline queue: typed once is enough
    if (watched.has(command) || (client.status === 'connect' && HANDSHAKE.has(command.name))) return;
    watched.add(command);
    const reject = command.reject.bind(command);
    command.reject = (err: Error) => reject(typed(err, command) as Error);
  };
}
