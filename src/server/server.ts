// The gears server: accepts Redis clients, answers the command table's commands, proxies the rest.
import type { Server, Socket } from 'node:net';
import type { RedisTls } from '../engine/index.js';
import { childLogger, type Logger } from '../log/logger.js';
import { checkCommandTable, type CommandTable } from './commands.js';
import { type ClientsDirectory, RecentClientList } from './clients-commands.js';
import { ClientConnection } from './connection.js';
import { closeListeners, openListeners, type Bound, type ReservedListeners } from './listeners.js';
import { checkProtectedMode } from './protected-mode.js';
import { type ClientLimits, DEFAULT_CLIENT_LIMITS } from './limits.js';
import { type Credentials, initialSetup } from './link/setup.js';
import { retiringLinks } from './link/retiring.js';
import { SharedLinks } from './link/shared.js';
import { SpareLinks } from './link/spares.js';
import { parseRedisUrl, type RedisTarget } from './redis-url.js';
import type { TlsListenerOptions } from './tls.js';
import type { WriteHooks } from './write-hooks.js';

export interface GearsServerOptions {
  /** The Redis to proxy to: `redis://[[user]:password@]host[:port][/db]`. */
  redisUrl: string;
  /** Address to listen on; loopback unless told otherwise. */
  host?: string;
  /** Port to listen on (default 6390; 0 picks a free one; null: TLS only). */
  port?: number | null;
  /** Certificates for a rediss:// Redis URL. */
  redisTls?: RedisTls;
  /** TLS on a port of its own (`--tls-port` and Redis' other tls-* options). */
  tls?: TlsListenerOptions;
  /** maxclients, query and output buffer limits, back-pressure marks (limits.ts has the defaults). */
  limits?: Partial<ClientLimits>;
  /** Redis' protected mode (default on): no listener beyond loopback without authentication. */
  protectedMode?: boolean;
  /** When set, every command but AUTH, HELLO ... AUTH and QUIT needs `AUTH <password>` first. */
  password?: string;
  commands: CommandTable;
  logger?: Logger;
  /** Consulted for each proxied write (sync registrations); see write-hooks.ts. */
  writeHooks?: WriteHooks;
}

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 6390;

export class GearsServer {
  private readonly target: RedisTarget;
  private readonly limits: ClientLimits;
  private readonly log: Logger;
  private readonly clients = new Set<ClientConnection>();
  private servers: Server[] | null = null;
  private nextId = 1;
  private readonly shared: SharedLinks;
  private readonly spares: SpareLinks;
  private readonly urlCredentials: Credentials | null;
  private readonly directory: ClientsDirectory = {
    peers: () => [...this.clients].filter((c) => c.live),
    ownLinks: () => ({
      shared: new Set([...this.shared.addresses(), ...this.spares.addresses()]),
      retiring: retiringLinks(),
      clients: new Set(this.directory.peers().map((c) => c.linkAddress)),
    }),
    recent: new RecentClientList(),
  };

  constructor(private readonly opts: GearsServerOptions) {
    this.target = { ...parseRedisUrl(opts.redisUrl), tlsOptions: opts.redisTls };
    checkCommandTable(opts.commands);
    this.log = opts.logger ?? childLogger('server');
    this.limits = { ...DEFAULT_CLIENT_LIMITS, ...opts.limits };
    this.shared = new SharedLinks(this.target);
    this.spares = new SpareLinks(this.target);
    const { username, password } = this.target;
    this.urlCredentials = password === undefined ? null : { username, password, fromUrl: true };
  }

  get connections(): number {
    return this.clients.size;
  }

  /** Clients whose input is not read at the moment (back-pressure). */
  get clientsNotRead(): number {
    let n = 0;
    for (const c of this.clients) if (c.notRead) n++;
    return n;
  }

  /** Opens the listeners, or takes the connections of `reserved` ones (a taken port has failed already). */
  async listen(reserved?: ReservedListeners): Promise<Bound> {
    if (this.servers) throw new Error('GearsServer.listen() called twice: create another server instead');
    const host = this.opts.host ?? DEFAULT_HOST;
    checkProtectedMode({
      host,
      password: this.opts.password,
      redisHasCredentials: this.target.password !== undefined,
      protectedMode: this.opts.protectedMode !== false,
    });
    this.servers = [];
    const port = this.opts.port === undefined ? DEFAULT_PORT : this.opts.port;
    try {
      const accept = (socket: Socket) => this.accept(socket);
      const { servers, bound } = reserved
        ? { servers: reserved.hand(accept), bound: reserved.bound }
        : await openListeners({ host, port, tls: this.opts.tls }, accept);
      this.servers = servers;
      for (const server of servers) server.on('error', (err) => this.log.error({ err }, 'gears server error'));
      this.spares.fill(initialSetup(this.target.db));
      this.log.info({ ...bound, redis: this.target.address }, 'gears server listening');
      return bound;
    } catch (err) {
      this.servers = null;
      throw err;
    }
  }

  private accept(socket: Socket): void {
    if (this.clients.size >= this.limits.maxClients) {
      // as Redis does: the error, then the connection closes
      const addr = `${socket.remoteAddress}:${socket.remotePort}`;
      this.log.warn({ addr }, `refusing client ${addr}: maxclients ${this.limits.maxClients} reached`);
      socket.on('error', () => undefined);
      socket.end('-ERR max number of clients reached\r\n');
      return;
    }
    const conn = new ClientConnection(socket, this.nextId++, {
      target: this.target,
      commands: this.opts.commands,
      password: this.opts.password,
      urlCredentials: this.urlCredentials,
      shared: this.shared,
      spares: this.spares,
      log: this.log,
      onClose: (c) => this.clients.delete(c),
      writeHooks: this.opts.writeHooks,
      limits: this.limits,
      directory: this.directory,
    });
    this.clients.add(conn);
  }

  /** Stops accepting, drops every client (and its Redis link), and resolves once the port is free. */
  async close(): Promise<void> {
    const servers = this.servers;
    if (!servers) return;
    this.servers = null;
    const closed = closeListeners(servers);
    for (const conn of this.clients) conn.destroy();
    this.shared.close();
    this.spares.close();
    await closed;
    this.log.info('gears server closed');
  }
}
