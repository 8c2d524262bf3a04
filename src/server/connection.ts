// One client of the gears server. Commands run in the client's order, as on Redis: proxied commands
// are pipelined to the pinned Redis link; a command the server answers itself (the table, AUTH,
// HELLO, ...) waits until every earlier reply is out and holds later commands until it is done, so
// replies never need reordering and a handler sees the effects of the writes sent before it.
import type { Socket } from 'node:net';
import type { Logger } from '../log/logger.js';
import { AuthGate, NOAUTH, parseHello } from './auth.js';
import type { CommandContext, CommandTable } from './commands.js';
import { type LinkOwner, RedisLink } from './proxy.js';
import type { RedisTarget } from './redis-url.js';
import { encodeCommand, encodeReply, type Protocol } from './resp/encode.js';
import { ErrorReply, type Reply, SimpleString, ok } from './resp/reply.js';
import { type Request, RequestReader } from './resp/request.js';
import { ProtocolError } from './resp/scan.js';
import { BatchWriter } from './writer.js';
import type { WriteHooks } from './write-hooks.js';

export interface ConnectionDeps {
  readonly target: RedisTarget;
  readonly commands: CommandTable;
  readonly password: string | undefined;
  readonly log: Logger;
  readonly onClose: (conn: ClientConnection) => void;
  /** Sync registrations: a write they want is answered only once they ran (write-hooks.ts). */
  readonly writeHooks?: WriteHooks;
}

const RESET_REPLY = new SimpleString('RESET');

// how pump() runs a command
const PROXY = 0;
const LOCAL = 1;
const BARRIER = 2;
const HOOKED = 3; // a write the write hooks want: a barrier whose reply is held until afterWrite settles

function toErrorReply(err: unknown): ErrorReply {
  if (err instanceof ErrorReply) return err;
  return new ErrorReply(`ERR ${err instanceof Error ? err.message : String(err)}`);
}

/**
 * Commands that would break the one-reply-per-command pairing of the proxy: CLIENT REPLY OFF/SKIP
 * silences replies, and SYNC/PSYNC stream an RDB that is not RESP.
 */
function unsupported(req: Request): ErrorReply | null {
  const name = req.name;
  if (name === 'sync' || name === 'psync') {
    return new ErrorReply(
      `ERR gearbox: ${name.toUpperCase()} cannot go through the gears server: replicate from Redis directly`,
    );
  }
  if (name === 'client' && req.args[0]?.toString().toLowerCase() === 'reply') {
    return new ErrorReply(
      'ERR gearbox: CLIENT REPLY is not supported through the gears server: every command gets its reply',
    );
  }
  return null;
}

function isPromise(v: unknown): v is Promise<Reply> {
  return typeof (v as Promise<Reply> | null)?.then === 'function';
}

export class ClientConnection implements LinkOwner {
  private readonly out: BatchWriter;
  private readonly reader: RequestReader;
  private readonly auth: AuthGate;
  private readonly ctx: CommandContext;
  private link: RedisLink | null = null;
  private protocol: Protocol = 2;
  private db: number;
  private readonly inbox: Array<Request | ProtocolError> = [];
  private head = 0;
  /** Proxied commands sent and not answered yet. */
  private inFlight = 0;
  /** A server-handled command, or a HELLO/RESET whose outcome later commands depend on, is running. */
  private busy = false;
  private barrier = false;
  /** Input is ignored: a malformed request was seen, or the connection is ending. */
  private deaf = false;
  /** No more commands run: QUIT, a protocol error, or the connection is gone. */
  private ended = false;
  private abort: AbortController | null = null;
  /** The hooked write in flight, and its reply bytes held until the hook is done. */
  private hold: { req: Request; bytes: Buffer[] } | null = null;

  constructor(
    private readonly socket: Socket,
    readonly id: number,
    private readonly deps: ConnectionDeps,
  ) {
    this.db = deps.target.db;
    this.auth = new AuthGate(deps.password);
    this.out = new BatchWriter(socket);
    this.reader = new RequestReader((req) => this.enqueue(req));
    this.reader.authenticated = this.auth.authenticated;
    const remoteAddress = `${socket.remoteAddress}:${socket.remotePort}`;
    const protocol = (): Protocol => this.protocol;
    const signal = (): AbortSignal => (this.abort ??= new AbortController()).signal;
    this.ctx = {
      get protocol() {
        return protocol();
      },
      clientId: id,
      remoteAddress,
      get signal() {
        return signal();
      },
    };
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => deps.log.debug({ err, client: id }, 'client connection error'));
    socket.on('close', () => this.closed());
  }

  /** Drops the client (server shutdown). */
  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.deaf) return;
    try {
      this.reader.push(chunk);
    } catch (err) {
      if (!(err instanceof ProtocolError)) return this.crashed(err);
      // Redis answers a malformed request with an error and closes the connection; commands before it still run
      this.deps.log.debug({ client: this.id, err: err.message }, 'malformed request; closing the connection');
      this.socket.pause();
      this.deaf = true;
      this.enqueue(err);
    }
  }

  /** A bug on this connection's path must cost this connection only, never the process. */
  private crashed(err: unknown): void {
    this.deps.log.error(
      { err, client: this.id, addr: this.ctx.remoteAddress },
      'unexpected error while handling a client; closing its connection',
    );
    this.deaf = this.ended = true;
    this.socket.destroy();
  }

  private enqueue(req: Request | ProtocolError): void {
    this.inbox.push(req);
    this.pump();
  }

  private pump(): void {
    const inbox = this.inbox;
    while (this.head < inbox.length && !this.busy && !this.ended) {
      const req = inbox[this.head];
      const route = this.route(req);
      // everything but a plain proxied command waits for the replies before it
      if (route !== PROXY && this.inFlight > 0) return;
      this.head++;
      if (route === LOCAL) {
        this.runLocal(req);
      } else {
        // a barrier (RESET) changes protocol and authentication: later commands wait for its reply
        if (route !== PROXY) this.busy = this.barrier = true;
        if (route === HOOKED) this.hold = { req: req as Request, bytes: [] };
        this.forward(req as Request);
      }
    }
    if (this.head === inbox.length) {
      inbox.length = 0;
      this.head = 0;
    }
  }

  private route(req: Request | ProtocolError): number {
    if (req instanceof ProtocolError || !this.auth.authenticated) return LOCAL;
    const name = req.name;
    if (name === 'reset') return this.link ? BARRIER : LOCAL;
    if (name === 'auth' || name === 'hello' || name === 'quit' || this.deps.commands.has(name)) return LOCAL;
    if (unsupported(req)) return LOCAL;
    return this.deps.writeHooks?.wants(req) ? HOOKED : PROXY;
  }

  private forward(req: Request): void {
    this.inFlight++;
    this.redis().forward(req);
  }

  private redis(): RedisLink {
    if (this.link === null || !this.link.alive) {
      this.link = new RedisLink(this.deps.target, this, { db: this.db, protocol: this.protocol });
      this.link.clientSide = this.socket;
      this.out.peer = this.link;
    }
    return this.link;
  }

  private runLocal(req: Request | ProtocolError): void {
    if (req instanceof ProtocolError) {
      this.reply(new ErrorReply(`ERR ${req.message}`));
      return this.end();
    }
    const name = req.name;
    if (!this.auth.allows(name)) return this.reply(NOAUTH);
    switch (name) {
      case 'auth':
        this.reply(this.auth.auth(req.args));
        this.reader.authenticated = this.auth.authenticated;
        return;
      case 'hello':
        return this.hello(req.args);
      case 'quit':
        this.reply(ok());
        this.link?.close();
        return this.end();
      case 'reset':
        // no Redis link yet, so nothing on Redis to reset
        this.wasReset();
        return this.reply(RESET_REPLY);
    }
    const refusal = unsupported(req);
    if (refusal) return this.reply(refusal);
    const handler = this.deps.commands.get(name);
    if (!handler) return this.forward(req); // unreachable: route() sent it to Redis
    let result: Reply | Promise<Reply>;
    try {
      result = handler(req.args, this.ctx);
    } catch (err) {
      return this.reply(toErrorReply(err));
    }
    if (!isPromise(result)) return this.reply(result);
    this.busy = true;
    result.then(
      (r) => this.localDone(r),
      (err: unknown) => this.localDone(toErrorReply(err)),
    );
  }

  private localDone(r: Reply): void {
    if (this.socket.destroyed) return;
    this.busy = false;
    this.reply(r);
    this.pump();
  }

  /** HELLO: the server applies AUTH itself; Redis gets the rest and answers with its own HELLO map. */
  private hello(args: Buffer[]): void {
    const req = parseHello(args);
    if (req instanceof ErrorReply) return this.reply(req);
    const refused = this.auth.hello(req.auth);
    this.reader.authenticated = this.auth.authenticated;
    if (refused) return this.reply(refused);
    const parts: Array<string | Buffer> = ['HELLO'];
    if (req.version !== undefined) parts.push(String(req.version));
    if (req.setname !== undefined) parts.push('SETNAME', req.setname);
    this.inFlight++;
    this.busy = this.barrier = true;
    this.redis().hello(req.version, encodeCommand(parts));
  }

  private reply(r: Reply): void {
    let bytes: Buffer;
    try {
      bytes = encodeReply(r, this.protocol);
    } catch (err) {
      this.deps.log.error({ err, client: this.id }, 'a command handler returned a value that is not a Reply');
      bytes = encodeReply(toErrorReply(err), this.protocol);
    }
    this.out.write(bytes);
  }

  // LinkOwner

  send(bytes: Buffer): void {
    if (this.hold) this.hold.bytes.push(bytes);
    else this.out.write(bytes);
  }

  answered(n: number): void {
    this.inFlight -= n;
    if (this.inFlight === 0 && this.hold) return this.afterHookedWrite(this.hold);
    if (this.inFlight === 0 && this.barrier) this.busy = this.barrier = false;
    this.pump();
  }

  private afterHookedWrite(hold: { req: Request; bytes: Buffer[] }): void {
    const release = () => {
      this.hold = null;
      for (const bytes of hold.bytes) this.out.write(bytes);
      this.busy = this.barrier = false;
      this.pump();
    };
    this.deps.writeHooks!.afterWrite(hold.req).then(release, (err: unknown) => {
      this.deps.log.warn({ err, client: this.id }, 'a write hook failed; replying anyway');
      release();
    });
  }

  protocolChanged(protocol: Protocol): void {
    this.protocol = protocol;
  }

  wasReset(): void {
    this.protocol = 2;
    this.db = this.deps.target.db;
    this.auth.reset();
    this.reader.authenticated = this.auth.authenticated;
  }

  lost(answered: number, stateful: boolean): void {
    if (this.link) this.db = this.link.db;
    this.link = null;
    this.out.peer = null;
    this.inFlight -= answered;
    if (this.hold) {
      for (const bytes of this.hold.bytes) this.out.write(bytes);
      this.hold = null;
    }
    if (this.inFlight === 0 && this.barrier) this.busy = this.barrier = false;
    // the client's transaction, watches or subscriptions died with the link: closing tells the client
    // library to reconnect and restore them, instead of silently going on without them
    if (stateful) {
      this.end();
    } else {
      this.pump();
    }
  }

  /** Sends what is written so far, then closes; later commands do not run. */
  private end(): void {
    this.deaf = this.ended = true;
    this.out.end();
  }

  private closed(): void {
    this.deaf = this.ended = true;
    this.link?.close();
    this.link = null;
    this.abort?.abort(new Error('client connection closed'));
    this.deps.onClose(this);
  }
}
