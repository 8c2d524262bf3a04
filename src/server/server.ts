// The gears server: accepts Redis clients, answers the command table's commands, proxies the rest.
import { createServer, type Server, type Socket } from 'node:net';
import { childLogger, type Logger } from '../log/logger.js';
import { checkCommandTable, type CommandTable } from './commands.js';
import { ClientConnection } from './connection.js';
import type { Credentials } from './link/setup.js';
import { SharedLinks } from './link/shared.js';
import { parseRedisUrl, type RedisTarget } from './redis-url.js';
import type { WriteHooks } from './write-hooks.js';

export interface GearsServerOptions {
  /** The Redis to proxy to: `redis://[[user]:password@]host[:port][/db]`. */
  redisUrl: string;
  /** Address to listen on; loopback unless told otherwise. */
  host?: string;
  /** Port to listen on (default 6390; 0 picks a free one). */
  port?: number;
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
  private readonly log: Logger;
  private readonly clients = new Set<ClientConnection>();
  private server: Server | null = null;
  private nextId = 1;
  private readonly shared: SharedLinks;
  private readonly urlCredentials: Credentials | null;

  constructor(private readonly opts: GearsServerOptions) {
    this.target = parseRedisUrl(opts.redisUrl);
    checkCommandTable(opts.commands);
    this.log = opts.logger ?? childLogger('server');
    this.shared = new SharedLinks(this.target);
    const { username, password } = this.target;
    this.urlCredentials = password === undefined ? null : { username, password, fromUrl: true };
  }

  get connections(): number {
    return this.clients.size;
  }

  listen(): Promise<{ host: string; port: number }> {
    if (this.server)
      return Promise.reject(new Error('GearsServer.listen() called twice: create another server instead'));
    const host = this.opts.host ?? DEFAULT_HOST;
    const port = this.opts.port ?? DEFAULT_PORT;
    const server = createServer({ noDelay: true }, (socket) => this.accept(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        this.server = null;
        const hint = err.code === 'EADDRINUSE' ? ': another process listens there; pick another --port' : '';
        reject(new Error(`gears server cannot listen on ${host}:${port} (${err.code ?? err.message})${hint}`));
      });
      server.listen(port, host, () => {
        const address = server.address();
        const bound = typeof address === 'object' && address ? address.port : port;
        server.on('error', (err) => this.log.error({ err }, 'gears server error'));
        this.log.info({ host, port: bound, redis: this.target.address }, 'gears server listening');
        resolve({ host, port: bound });
      });
    });
  }

  private accept(socket: Socket): void {
    const conn = new ClientConnection(socket, this.nextId++, {
      target: this.target,
      commands: this.opts.commands,
      password: this.opts.password,
      urlCredentials: this.urlCredentials,
      shared: this.shared,
      log: this.log,
      onClose: (c) => this.clients.delete(c),
      writeHooks: this.opts.writeHooks,
    });
    this.clients.add(conn);
  }

  /** Stops accepting, drops every client (and its Redis link), and resolves once the port is free. */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const conn of this.clients) conn.destroy();
    this.shared.close();
    await closed;
    this.log.info('gears server closed');
  }
}
