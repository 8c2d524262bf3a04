// The gears server's listening sockets: plain TCP on `port` and, with TLS configured, TLS on
// `tls-port`, as Redis has them (either may be off, not both).
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { tlsServerOptions, type TlsListenerOptions } from './tls.js';

export interface ListenOptions {
  readonly host: string;
  /** Plain TCP port; null for none (Redis' `port 0` with a tls-port). */
  readonly port: number | null;
  readonly tls?: TlsListenerOptions;
}

export interface Bound {
  readonly host: string;
  /** The plain port, or the TLS port when there is no plain listener. */
  readonly port: number;
  readonly tlsPort?: number;
}

function listenOn(server: Server, host: string, port: number, option: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const hint = err.code === 'EADDRINUSE' ? `: another process listens there; pick another ${option}` : '';
      reject(new Error(`gears server cannot listen on ${host}:${port} (${err.code ?? err.message})${hint}`));
    });
    server.listen(port, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/** Opens the listeners; on failure, closes any already open and rejects with the reason. */
export async function openListeners(
  options: ListenOptions,
  accept: (socket: Socket) => void,
): Promise<{ servers: Server[]; bound: Bound }> {
  if (options.port === null && !options.tls)
    throw new Error('the gears server needs a port or a TLS port to listen on: give --port or --tls-port');
  const servers: Server[] = [];
  try {
    let port: number | undefined;
    let tlsPort: number | undefined;
    if (options.port !== null) {
      const plain = createServer({ noDelay: true }, accept);
      servers.push(plain);
      port = await listenOn(plain, options.host, options.port, '--port');
    }
    if (options.tls) {
      const secure = createTlsServer(tlsServerOptions(options.tls), accept);
      // a client that fails the handshake (no certificate, wrong CA) is dropped before any command
      secure.on('tlsClientError', () => undefined);
      servers.push(secure);
      tlsPort = await listenOn(secure, options.host, options.tls.port, '--tls-port');
    }
    return { servers, bound: { host: options.host, port: port ?? tlsPort!, tlsPort } };
  } catch (err) {
    for (const server of servers) server.close();
    throw err;
  }
}

export function closeListeners(servers: Server[]): Promise<void> {
  return Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())))).then(
    () => undefined,
  );
}

/** Listeners opened before the server that takes their connections exists (see reserveListeners). */
export interface ReservedListeners {
  readonly bound: Bound;
  /** From now on `accept` takes the connections, first those that waited; returns the listeners. */
  hand(accept: (socket: Socket) => void): Server[];
  /** Closes the listeners and drops the connections that waited. */
  close(): Promise<void>;
}

/**
 * Opens the listeners first, so that a taken port fails before the engine restores registrations or
 * starts event sources; a client connecting meanwhile waits, unread, until hand() names its taker.
 */
export async function reserveListeners(options: ListenOptions): Promise<ReservedListeners> {
  const waiting = new Set<Socket>();
  let taker: ((socket: Socket) => void) | undefined;
  // a client that goes away before the server is up is nobody's concern
  const ignore = () => undefined;
  const { servers, bound } = await openListeners(options, (socket) => {
    if (taker) return taker(socket);
    socket.on('error', ignore);
    socket.once('close', () => waiting.delete(socket));
    waiting.add(socket);
  });
  return {
    bound,
    hand(accept) {
      taker = accept;
      for (const socket of waiting) {
        socket.off('error', ignore);
        accept(socket);
      }
      waiting.clear();
      return servers;
    },
    close() {
      for (const socket of waiting) socket.destroy();
      return closeListeners(servers);
    },
  };
}
