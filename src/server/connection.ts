// One client of the gears server. Commands run in the client's order, as on Redis. Stateless commands
// go to a link shared with other clients of the same user, database and protocol (link/shared.ts); a
// command that needs a connection of its own (routing.ts) goes to the client's own link, which it keeps
// while Redis holds state for it. The client switches links only when nothing is in flight, so replies
// never need reordering. A command the server answers itself (RG.*, QUIT, ...) waits until every
// earlier reply is out and holds later commands until it is done, so its handler sees the effects of
// the writes sent before it.
import type { Socket } from 'node:net';
import type { Logger } from '../log/logger.js';
import { probesFor, type Right, rightOf, verdict } from './acl.js';
import { AuthGate, HELLO_NOAUTH, NOAUTH, parseHello, WRONGPASS } from './auth.js';
import { AuthFailures } from './auth-failures.js';
import { ClientBudget, ReadGate } from './client-budget.js';
import { ClientLinks } from './client-links.js';
import type { CommandContext, CommandTable } from './commands.js';
import { type Expect, isErrorFrame } from './link/expect.js';
import type { LinkLoss, LinkOwner, RedisLink } from './link/redis-link.js';
import type { Credentials } from './link/setup.js';
import type { SharedLinks } from './link/shared.js';
import { SUBSCRIBE_COMMANDS } from './pubsub.js';
import type { RedisTarget } from './redis-url.js';
import type { ClientLimits } from './limits.js';
import { ClientReplyMode } from './reply-mode.js';
import { encodeCommand, encodeReply, type Protocol } from './resp/encode.js';
import { ErrorReply, type Reply, SimpleString, ok, wrongArity } from './resp/reply.js';
import { type Request, RequestReader } from './resp/request.js';
import { ProtocolError } from './resp/scan.js';
import { bindingOf, type Route, routeOf } from './routing.js';
import { Session } from './session.js';
import type { WriteHooks } from './write-hooks.js';
import { BatchWriter } from './writer.js';

export interface ConnectionDeps {
  readonly target: RedisTarget;
  readonly commands: CommandTable;
  readonly password: string | undefined;
  /** The Redis URL's credentials: lent to clients that passed `--password`, never to others. */
  readonly urlCredentials: Credentials | null;
  readonly shared: SharedLinks;
  readonly log: Logger;
  readonly onClose: (conn: ClientConnection) => void;
  /** Sync registrations: a write they want is answered only once they ran (write-hooks.ts). */
  readonly writeHooks?: WriteHooks;
  readonly limits: ClientLimits;
}

const RESET_REPLY = new SimpleString('RESET');
const NOT_IN_MULTI = new ErrorReply('ERR Command not allowed inside a transaction');
/** A command Redis refuses at queue time (wrong arity), so that EXEC answers EXECABORT. */
const SPOIL_TRANSACTION = encodeCommand(['GET']);
const PING = encodeCommand(['PING']);

function toErrorReply(err: unknown): ErrorReply {
  if (err instanceof ErrorReply) return err;
  return new ErrorReply(`ERR ${err instanceof Error ? err.message : String(err)}`);
}

function isPromise(v: unknown): v is Promise<Reply> {
  return typeof (v as Promise<Reply> | null)?.then === 'function';
}

const bytesOf = (req: Request): Buffer => req.raw ?? encodeCommand([req.name, ...req.args]);

/** An RG.* command waiting for Redis' answers to its ACL probes. */
interface Probing {
  readonly req: Request;
  readonly right: Right;
  readonly answers: Buffer[];
  readonly silent: boolean;
}

export class ClientConnection implements LinkOwner {
  private readonly out: BatchWriter;
  private readonly reader: RequestReader;
  private readonly gate: AuthGate;
  private readonly session: Session;
  private readonly replies = new ClientReplyMode();
  private readonly ctx: CommandContext;
  private readonly links: ClientLinks;
  private readonly inbox: Array<Request | ProtocolError> = [];
  private head = 0;
  /** Commands sent to Redis and not answered yet. */
  private inFlight = 0;
  /** A server-handled command, or one whose outcome later commands depend on, is running. */
  private busy = false;
  /** busy lasts until everything in flight is answered (AUTH, HELLO, SELECT, RESET). */
  private barrier = false;
  private probing: Probing | null = null;
  /** What a barrier command changes once Redis accepts it. */
  private pendingCredentials: Credentials | null = null;
  private pendingDb = 0;
  private pendingProtocol: Protocol = 2;
  /** Input is ignored: a malformed request was seen, or the connection is ending. */
  private deaf = false;
  /** No more commands run: QUIT, a protocol error, or the connection is gone. */
  private ended = false;
  /** SYNC/PSYNC made the connection a byte tunnel to this link. */
  private tunnel: RedisLink | null = null;
  private abort: AbortController | null = null;
  /** A write the write hooks want, in flight, and its reply bytes held until the hook is done. */
  private hold: { req: Request; bytes: Buffer[] } | null = null;
  private readonly readGate: ReadGate;
  private readonly budget: ClientBudget;
  private readonly authFailures: AuthFailures;

  constructor(
    private readonly socket: Socket,
    readonly id: number,
    private readonly deps: ConnectionDeps,
  ) {
    this.gate = new AuthGate(deps.password);
    this.session = new Session(deps.target.db);
    this.out = new BatchWriter(socket);
    this.reader = new RequestReader((req) => this.enqueue(req));
    this.reader.authenticated = this.gate.authenticated;
    const remoteAddress = `${socket.remoteAddress}:${socket.remotePort}`;
    this.readGate = new ReadGate(socket);
    this.budget = new ClientBudget(
      deps.limits,
      {
        socket,
        gate: this.readGate,
        address: remoteAddress,
        id,
        authenticated: () => this.gate.authenticated,
        outputClass: () => (this.links.own?.state.subscribed ? 'pubsub' : 'normal'),
        close: () => this.crashed(null),
      },
      deps.log,
    );
    this.out.onQueued = (queued) => this.budget.output(queued);
    this.authFailures = new AuthFailures(deps.limits.maxAuthFailures, remoteAddress, deps.log);
    const session = this.session;
    const signal = (): AbortSignal => (this.abort ??= new AbortController()).signal;
    this.ctx = {
      get protocol() {
        return session.protocol;
      },
      clientId: id,
      remoteAddress,
      get signal() {
        return signal();
      },
    };
    // opened at once, so a client's first command that needs a connection of its own (a blocking
    // command, MULTI) reaches Redis in the order it was sent relative to other clients' commands
    this.links = new ClientLinks({
      target: deps.target,
      pool: deps.shared,
      clientId: id,
      session: this.session,
      owner: this,
      clientSide: this.readGate.as('redis'),
      opened: (own) => (this.out.peer = own),
    });
    if (this.gate.authenticated) this.links.ownLink();
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => deps.log.debug({ err, client: id }, 'client connection error'));
    socket.on('close', () => this.closed());
  }

  /** True while the client's input is not read (back-pressure). */
  get notRead(): boolean {
    return this.readGate.paused;
  }

  /** Drops the client (server shutdown). */
  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.tunnel) return this.tunnel.writeRaw(chunk);
    if (this.deaf) return;
    try {
      this.reader.push(chunk);
      this.budget.input(this.reader.buffered, this.waitingBytes());
    } catch (err) {
      if (!(err instanceof ProtocolError)) return this.crashed(err);
      // Redis answers a malformed request with an error and closes the connection; commands before it still run
      this.deps.log.debug({ client: this.id, err: err.message }, 'malformed request; closing the connection');
      this.deaf = true;
      this.enqueue(err);
    }
  }

  /** Bytes of received commands waiting their turn (only while an earlier one holds them back). */
  private waitingBytes(): number {
    let n = 0;
    for (let i = this.head; i < this.inbox.length; i++) {
      const r = this.inbox[i];
      if (!(r instanceof ProtocolError)) n += r.raw?.length ?? 0;
    }
    return n;
  }

  /**
   * A bug on this connection's path must cost this connection only, never the process; `err` null:
   * a limit closes it (the budget has logged why).
   */
  private crashed(err: unknown): void {
    if (err !== null)
      this.deps.log.error(
        { err, client: this.id, addr: this.ctx.remoteAddress },
        'unexpected error while handling a client; closing its connection',
      );
    this.deaf = this.ended = true;
    this.socket.destroy();
  }

  private enqueue(req: Request | ProtocolError): void {
    this.inbox.push(req);
    if (!this.busy) this.pump();
  }

  private pump(): void {
    const inbox = this.inbox;
    while (this.head < inbox.length && !this.busy && !this.ended) {
      const req = inbox[this.head];
      if (req instanceof ProtocolError) {
        if (this.inFlight > 0) return;
        this.head++;
        this.reply(new ErrorReply(`ERR ${req.message}`));
        this.end();
        break;
      }
      if (!this.gate.allows(req.name)) {
        if (this.inFlight > 0) return;
        this.head++;
        if (this.replies.next(req, false)) this.reply(NOAUTH);
        continue;
      }
      const route = routeOf(req.name, this.deps.commands);
      if (route === 'relay') {
        if (this.deps.writeHooks?.wants(req)) {
          // a barrier whose reply is held until the hook is done, so later replies stay behind it
          if (this.inFlight > 0) return;
          this.hold = { req, bytes: [] };
          this.busy = this.barrier = true;
        }
        if (!this.forward(req)) return;
        this.head++;
        // silenced by CLIENT REPLY: no reply to wait for
        if (this.hold !== null && this.inFlight === 0) this.afterHookedWrite(this.hold);
        continue;
      }
      // everything else runs once every earlier reply is out
      if (this.inFlight > 0) return;
      this.head++;
      try {
        this.run(route, req);
      } catch (err) {
        return this.crashed(err);
      }
    }
    if (this.head === inbox.length) {
      inbox.length = 0;
      this.head = 0;
      this.budget.inputDrained();
    }
  }

  /** Forwards a command Redis answers; false if it must wait for the replies in flight on another link. */
  private forward(req: Request): boolean {
    const binding = bindingOf(req);
    if (req.name === 'client') this.followPause(req);
    const link = this.links.forBinding(binding, this.inFlight === 0);
    if (link !== this.links.current) {
      if (this.inFlight > 0) return false;
      this.links.current = link;
    }
    const state = link.state;
    const expected = this.replies.next(req, state.inMulti);
    if (binding === 'sticky') state.sticky = true;
    else if (binding === 'stateful') {
      if (expected && SUBSCRIBE_COMMANDS.has(req.name) && !state.inMulti) {
        state.sent(req.name);
        this.inFlight++;
        link.subscribe(this, bytesOf(req));
        return true;
      }
      state.sent(req.name);
    }
    if (expected) this.inFlight++;
    link.send(this, expected ? 'reply' : null, bytesOf(req));
    return true;
  }

  private followPause(req: Request): void {
    const sub = req.arg0();
    if (sub === 'pause') this.deps.shared.pause(Number(req.args[1]?.toString()) || 0);
    else if (sub === 'unpause') this.deps.shared.pause(0);
  }

  private run(route: Route, req: Request): void {
    switch (route) {
      case 'table':
        return this.table(req);
      case 'auth':
        return this.auth(req);
      case 'hello':
        return this.hello(req);
      case 'select':
        return this.select(req);
      case 'reset':
        return this.reset(req);
      case 'quit':
        if (this.replies.next(req, false)) this.reply(ok());
        this.links.own?.close();
        return this.end();
      case 'tunnel':
        return this.startTunnel(req);
      case 'relay':
        this.forward(req);
    }
  }

  /** Sends a command whose outcome later commands depend on; they wait for its reply. */
  private barrierSend(link: RedisLink, expect: Expect, req: Request, bytes: Buffer = bytesOf(req)): boolean {
    this.links.current = link;
    if (!this.replies.next(req, link.state.inMulti)) {
      link.send(this, null, bytes);
      return false;
    }
    this.inFlight++;
    this.busy = this.barrier = true;
    link.send(this, expect, bytes);
    return true;
  }

  /** AUTH [username] password: the server's own password is checked here, anything else by Redis. */
  private auth(req: Request): void {
    const args = req.args;
    if (args.length === 0 || args.length > 2) {
      if (this.replies.next(req, false))
        this.reply(args.length === 0 ? wrongArity('auth') : new ErrorReply('ERR syntax error'));
      return;
    }
    const username = args.length === 2 ? args[0].toString() : undefined;
    if (this.gate.checksLocally(username)) {
      const passed = this.gate.check(args[args.length - 1]);
      if (passed) this.authenticated(this.deps.urlCredentials);
      if (this.replies.next(req, false)) this.reply(passed ? ok() : WRONGPASS);
      if (!passed) this.authFailed(username);
      return;
    }
    this.pendingCredentials = { username, password: args[args.length - 1], fromUrl: false };
    if (!this.barrierSend(this.links.ownLink(), 'auth', req)) this.settle('auth', Buffer.from('+OK\r\n'));
  }

  private authenticated(credentials: Credentials | null): void {
    this.gate.authenticated = true;
    this.reader.authenticated = true;
    this.session.change({ credentials });
  }

  /** HELLO: Redis answers with its own HELLO map, on the client's own link. */
  private hello(req: Request): void {
    const parsed = parseHello(req.args);
    if (parsed instanceof ErrorReply) {
      if (this.replies.next(req, false)) this.reply(parsed);
      return;
    }
    const parts: Array<string | Buffer> = ['HELLO'];
    if (parsed.version !== undefined) parts.push(String(parsed.version));
    this.pendingCredentials = null;
    if (parsed.auth) {
      const [user, password] = parsed.auth;
      if (this.gate.checksLocally(user.toString())) {
        if (!this.gate.check(password)) {
          if (this.replies.next(req, false)) this.reply(WRONGPASS);
          return this.authFailed(user.toString());
        }
        this.authenticated(this.deps.urlCredentials);
      } else {
        this.pendingCredentials = { username: user.toString(), password, fromUrl: false };
        parts.push('AUTH', user, password);
      }
    } else if (!this.gate.authenticated) {
      if (this.replies.next(req, false)) this.reply(HELLO_NOAUTH);
      return;
    }
    const link = this.links.ownLink();
    if (parsed.setname !== undefined) {
      parts.push('SETNAME', parsed.setname);
      link.state.sticky = true;
    }
    this.pendingProtocol = parsed.version ?? this.session.protocol;
    // as the client sent it (MONITOR shows it so), unless the server took out the AUTH it checked itself
    const bytes = parsed.auth && this.pendingCredentials === null ? encodeCommand(parts) : bytesOf(req);
    if (!this.barrierSend(link, 'hello', req, bytes)) this.settle('hello', Buffer.from('%0\r\n'));
  }

  /** SELECT on a shared link is undone right after, so the link stays in its database for the others. */
  private select(req: Request): void {
    const own = this.links.own;
    this.pendingDb = Number(req.args[0]?.toString());
    if (own !== null && own.state.held) {
      if (!this.barrierSend(own, 'select', req)) this.settle('select', Buffer.from('+OK\r\n'));
      return;
    }
    const link = this.links.sharedLink(this.inFlight === 0);
    if (!this.barrierSend(link, 'select', req)) return;
    link.send(null, 'drop', encodeCommand(['SELECT', String(link.setup.db)]));
    // the idle own link follows at once, so a later blocking command or MULTI finds it ready
    if (own !== null && own.alive) own.select(this.pendingDb);
  }

  /** RESET: Redis resets the client's own link if it holds state; otherwise there is nothing on Redis to reset. */
  private reset(req: Request): void {
    const own = this.links.own;
    if (own !== null && own.alive && own.state.held) {
      this.barrierSend(own, 'reset', req);
      // RESET selects db 0 on Redis: put the Redis URL's database back
      const db = this.deps.target.db;
      if (db !== 0) own.send(null, 'setup', encodeCommand(['SELECT', String(db)]));
      return;
    }
    this.replies.next(req, false);
    this.wasReset();
    this.reply(RESET_REPLY);
  }

  private wasReset(): void {
    this.session.reset();
    this.gate.reset();
    this.replies.reset();
    this.reader.authenticated = this.gate.authenticated;
    const own = this.links.own;
    if (own !== null) {
      if (own.state.held) own.setup.credentials = null;
      else {
        this.links.dropOwn();
      }
      own.setup.db = this.deps.target.db;
      own.setup.protocol = 2;
    }
  }

  /** A wrong password, checked here or by Redis: logged, and the connection slowed down, then closed. */
  private authFailed(username: string | undefined): void {
    const { close, pauseMs } = this.authFailures.failed(username);
    if (close) return this.end();
    this.readGate.pause('auth');
    setTimeout(() => this.readGate.resume('auth'), pauseMs).unref();
  }

  /** What a barrier command changed, once Redis accepted it (`frame` is its reply). */
  private settle(expect: Expect, frame: Buffer): void {
    if (expect === 'probe') return this.probed(frame);
    if (isErrorFrame(frame)) {
      const credentials = this.pendingCredentials;
      if (credentials !== null && (expect === 'auth' || expect === 'hello') && frame.includes('WRONGPASS'))
        this.authFailed(credentials.username);
      return;
    }
    const own = this.links.own;
    switch (expect) {
      case 'auth':
        return this.authenticatedBy(own, this.pendingCredentials);
      case 'hello':
        this.session.change({ protocol: this.pendingProtocol });
        if (own !== null) own.setup.protocol = this.pendingProtocol;
        if (this.pendingCredentials !== null) this.authenticatedBy(own, this.pendingCredentials);
        return;
      case 'select':
        this.session.change({ db: this.pendingDb });
        if (own !== null && this.links.current === own) own.setup.db = this.pendingDb;
        return;
      case 'reset':
        return this.wasReset();
    }
  }

  /**
   * Redis accepted credentials on the client's own link, which now runs as that user in the same
   * database. One that could not select its database before authenticating is replaced on next use.
   */
  private authenticatedBy(own: RedisLink | null, credentials: Credentials | null): void {
    this.authenticated(credentials);
    if (own === null) return;
    own.setup.credentials = credentials;
    if (own.unselected && !own.state.held) {
      this.links.dropOwn();
    }
  }

  /** RG.*: refused where Redis would refuse a command, then checked against the user's ACL, then run. */
  private table(req: Request): void {
    const own = this.links.own;
    const silent = !this.replies.next(req, own?.state.inMulti ?? false);
    // Redis still waits to silence the next command it sees: let it be a PING nobody reads
    if (silent && this.replies.consumedSkip && own !== null) own.send(null, null, PING);
    const say = (r: Reply): void => {
      if (!silent) this.reply(r);
    };
    if (own !== null && own.state.inMulti) {
      // as Redis treats a command it cannot queue: an error now, EXECABORT at EXEC
      own.send(null, 'drop', SPOIL_TRANSACTION);
      return say(NOT_IN_MULTI);
    }
    if (own !== null && own.state.subscribed && this.session.protocol === 2) {
      return say(
        new ErrorReply(
          `ERR Can't execute '${req.name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
        ),
      );
    }
    const right = rightOf(req.name);
    const probes = probesFor(right, this.session.credentials !== null);
    if (probes.length === 0) return this.execute(req, silent);
    // the shared link of the client's setup runs as the client's user and never has replies turned off
    const link = this.links.sharedLink(this.inFlight === 0);
    this.links.current = link;
    this.probing = { req, right, answers: [], silent };
    this.busy = true;
    for (const p of probes) {
      this.inFlight++;
      link.send(this, 'probe', p);
    }
  }

  private probed(frame: Buffer): void {
    const p = this.probing;
    if (p === null) return;
    p.answers.push(frame);
    if (this.inFlight > 0) return;
    this.probing = null;
    this.busy = false;
    const refusal = verdict(p.req.name, p.right, p.answers);
    if (refusal === null) return this.execute(p.req, p.silent);
    if (p.silent) return;
    if (Buffer.isBuffer(refusal)) this.out.write(refusal);
    else this.reply(refusal);
  }

  private execute(req: Request, silent: boolean): void {
    const handler = this.deps.commands.get(req.name);
    if (!handler) return;
    let result: Reply | Promise<Reply>;
    try {
      result = handler(req.args, this.ctx);
    } catch (err) {
      if (!silent) this.reply(toErrorReply(err));
      return;
    }
    if (!isPromise(result)) {
      if (!silent) this.reply(result);
      return;
    }
    this.busy = true;
    result.then(
      (r) => this.handled(r, silent),
      (err: unknown) => this.handled(toErrorReply(err), silent),
    );
  }

  private handled(r: Reply, silent: boolean): void {
    if (this.socket.destroyed) return;
    this.busy = false;
    if (!silent) this.reply(r);
    this.pump();
  }

  /**
   * SYNC/PSYNC: Redis answers with an RDB file and then the replication stream, which is not RESP, so
   * the connection stops reading commands and passes bytes both ways between the client and its own link.
   */
  private startTunnel(req: Request): void {
    this.replies.next(req, false);
    const link = this.links.ownLink();
    link.state.sticky = true;
    this.deaf = true;
    const later = this.inbox.slice(this.head);
    this.inbox.length = this.head = 0;
    const rest = this.reader.rest();
    link.whenIdle(() => {
      this.tunnel = link;
      link.tunnel((bytes) => this.out.write(bytes));
      link.writeRaw(bytesOf(req));
      for (const r of later) if (!(r instanceof ProtocolError)) link.writeRaw(bytesOf(r));
      if (rest.length > 0) link.writeRaw(rest);
    });
  }

  private reply(r: Reply): void {
    let bytes: Buffer;
    try {
      bytes = encodeReply(r, this.session.protocol);
    } catch (err) {
      this.deps.log.error({ err, client: this.id }, 'a command handler returned a value that is not a Reply');
      bytes = encodeReply(toErrorReply(err), this.session.protocol);
    }
    this.out.write(bytes);
  }

  // LinkOwner

  relay(bytes: Buffer): void {
    if (this.hold !== null) this.hold.bytes.push(bytes);
    else this.out.write(bytes);
  }

  answered(expect: Expect, frame: Buffer): void {
    this.inFlight--;
    if (expect !== 'reply') this.settle(expect, frame);
    if (this.inFlight === 0 && this.hold !== null) return this.afterHookedWrite(this.hold);
    if (this.barrier && this.inFlight === 0) this.busy = this.barrier = false;
    if (!this.busy) this.pump();
  }

  private afterHookedWrite(hold: { req: Request; bytes: Buffer[] }): void {
    const release = (): void => {
      if (this.hold !== hold) return;
      this.releaseHold();
      this.busy = this.barrier = false;
      this.pump();
    };
    (this.deps.writeHooks as WriteHooks).afterWrite(hold.req).then(release, (err: unknown) => {
      this.deps.log.warn({ err, client: this.id }, 'a write hook failed; replying anyway');
      release();
    });
  }

  private releaseHold(): void {
    const hold = this.hold;
    if (hold === null) return;
    this.hold = null;
    for (const bytes of hold.bytes) this.out.write(bytes);
  }

  lost(link: RedisLink, pending: number, loss: LinkLoss): void {
    this.releaseHold();
    this.links.forget(link);
    if (link === this.tunnel || (loss.connected && !loss.refused && (pending > 0 || link.state.held))) {
      // Redis closed or killed a connection that held this client's state or carried its commands: as
      // on Redis, the client's connection closes, and its library reconnects and restores what it needs.
      // (An idle link of its own that held nothing is simply opened again when needed.)
      this.inFlight -= pending;
      return this.end();
    }
    // Redis could not be reached, or refused the link's setup: each pending command gets the error
    const error = Buffer.from(`-${loss.message}\r\n`);
    this.inFlight -= pending;
    const probing = this.probing;
    if (probing !== null) {
      this.probing = null;
      this.busy = false;
      // rights cannot be checked without Redis: reading the server's own state needs none, the rest waits
      if (!loss.connected && probing.right === 'read') this.execute(probing.req, probing.silent);
      else if (!probing.silent) this.out.write(error);
    } else {
      for (let i = 0; i < pending; i++) this.out.write(error);
    }
    if (this.barrier && this.inFlight === 0) this.busy = this.barrier = false;
    this.pump();
  }

  /**
   * Sends what is written so far, then closes, as Redis closes after a protocol error or QUIT: input
   * is read and dropped meanwhile, and the close is a full one, so a client still writing sees it.
   */
  private end(): void {
    this.deaf = this.ended = true;
    this.out.end();
    this.socket.once('finish', () => this.socket.destroy());
  }

  private closed(): void {
    this.deaf = this.ended = true;
    this.links.dropOwn();
    this.abort?.abort(new Error('client connection closed'));
    this.deps.onClose(this);
  }
}
