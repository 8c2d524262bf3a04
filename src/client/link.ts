// One way to send a command, whichever Redis client the application holds. The types are
// structural (the few methods used), so ioredis 5 and 6 and node-redis 4 and 5 all fit without a
// dependency on the version an application installed.
import { gearsError } from './errors.js';

export type CommandArg = string | number | Buffer;

/** What gearbox uses of an ioredis client (Redis or Cluster). */
export interface IoredisLike {
  call(command: string, ...args: CommandArg[]): Promise<unknown>;
  disconnect(): void;
}

/** What gearbox uses of a node-redis client. */
export interface NodeRedisLike {
  sendCommand(args: string[]): Promise<unknown>;
  readonly isOpen: boolean;
}

export type GearsClientLike = IoredisLike | NodeRedisLike;

/** Sends one command and answers its reply; errors come back as GearsError subclasses. */
export type Send = (command: string, args?: readonly CommandArg[]) => Promise<unknown>;

function isIoredis(client: object): client is IoredisLike {
  return typeof (client as Partial<IoredisLike>).call === 'function';
}

function isNodeRedis(client: object): client is NodeRedisLike {
  return typeof (client as Partial<NodeRedisLike>).sendCommand === 'function';
}

/** node-redis sends strings and buffers only. */
const nodeArg = (arg: CommandArg): string => (typeof arg === 'number' ? String(arg) : (arg as string));

/** The command sender for `client`, or a TypeError saying which clients are accepted. */
export function sender(client: GearsClientLike): Send {
  if (client === null || typeof client !== 'object') {
    throw new TypeError(
      `Gears(client): expected an ioredis or node-redis client, got ${client === null ? 'null' : typeof client}`,
    );
  }
  const raw: (command: string, args: readonly CommandArg[]) => Promise<unknown> = isIoredis(client)
    ? (command, args) => client.call(command, ...args)
    : isNodeRedis(client)
      ? (command, args) => client.sendCommand([command, ...args.map(nodeArg)])
      : (() => {
          throw new TypeError(
            `Gears(client): expected an ioredis (Redis or Cluster) or node-redis client, got ${(client as object).constructor?.name ?? 'an object'}`,
          );
        })();
  return async (command, args = []) => {
    try {
      return await raw(command, args);
    } catch (err) {
      throw gearsError(err, command.toUpperCase(), addressOf(client));
    }
  };
}

interface WithOptions {
  readonly options?: {
    readonly host?: string;
    readonly port?: number;
    readonly path?: string;
    readonly url?: string;
    readonly socket?: { readonly host?: string; readonly port?: number; readonly path?: string };
  };
}

/** Where the client connects (ioredis or node-redis options), for error messages; undefined if unknown. */
export function addressOf(client: object): string | undefined {
  const options = (client as WithOptions).options;
  if (!options) return undefined;
  const where = options.socket ?? options;
  if (where.path) return where.path;
  if (where.port !== undefined) return `${where.host ?? '127.0.0.1'}:${where.port}`;
  if (options.url) return new URL(options.url).host || undefined;
  return undefined;
}
