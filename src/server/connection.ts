// One client of the gears server: reads its commands and runs them in order, as Redis does, pairing
// every reply with its command. Stateless commands go to a link shared with other clients of the same
// user, database and protocol (link/shared.ts); a command that needs a connection of its own
// (routing.ts) goes to the client's own link, which it keeps while Redis holds state for it. The
// client switches links only when nothing is in flight, so replies never need reordering. The other
// concerns sit beside it: session-commands.ts (AUTH, HELLO, SELECT, RESET, QUIT), rg-gate.ts (RG.*),
// tunnel.ts (SYNC/PSYNC), hook-hold.ts (sync registrations' hold on a write's reply), client-budget.ts
// (limits and back-pressure).
import type { Socket } from 'node:net';
import type { Logger } from '../log/logger.js';
import { ClientBudget, ReadGate } from './client-budget.js';
import { ClientLinks } from './client-links.js';
import { type ClientPeer, ClientsCommands, type ClientsDirectory } from './clients-commands.js';
import type { CommandContext, CommandTable } from './commands.js';
import { aclChanged } from './grants.js';
import { HookHold } from './hook-hold.js';
import { Inbox } from './inbox.js';
import type { Expect } from './link/expect.js';
import type { LinkLoss, LinkOwner, RedisLink } from './link/redis-link.js';
import type { Credentials } from './link/setup.js';
import type { SharedLinks } from './link/shared.js';
import type { SpareLinks } from './link/spares.js';
import { NOAUTH } from './auth.js';
import { SUBSCRIBE_COMMANDS } from './pubsub.js';
import type { RedisTarget } from './redis-url.js';
import type { ClientLimits } from './limits.js';
import { SocketReads } from './reads.js';
import { ClientReplyMode } from './reply-mode.js';
import { encodeReply } from './resp/encode.js';
import { ErrorReply, type Reply } from './resp/reply.js';
import { type Request, RequestReader } from './resp/request.js';
import { ProtocolError } from './resp/scan.js';
import { RgGate, toErrorReply } from './rg-gate.js';
import { bindingOf, routeOf } from './routing.js';
import { Session } from './session.js';
import { SessionCommands } from './session-commands.js';
import { Tunnel } from './tunnel.js';
import type { WriteHooks } from './write-hooks.js';
import { BatchWriter } from './writer.js';

export interface ConnectionDeps {
  readonly target: RedisTarget;
  readonly commands: CommandTable;
  readonly password: string | undefined;
  /** The Redis URL's credentials: lent to clients that passed `--password`, never to others. */
  readonly urlCredentials: Credentials | null;
  readonly shared: SharedLinks;
  readonly spares: SpareLinks;
  readonly log: Logger;
  readonly onClose: (conn: ClientConnection) => void;
  /** Sync registrations: a write they want is answered only once they ran (write-hooks.ts). */
  readonly writeHooks?: WriteHooks;
  readonly limits: ClientLimits;
  /** The server's clients and own links, for CLIENT LIST, CLIENT KILL and INFO (clients-commands.ts). */
  readonly directory: ClientsDirectory;
}

/** Why the client's next command waits (besides a switch of links, which waits for nothing in flight). */
type Wait =
  | 'none'
  /** A command whose outcome later ones depend on (AUTH, HELLO, SELECT, RESET): until every reply is in. */
  | 'replies'
  /** A command the server answers itself (RG.*) runs: its ACL probes or its handler. */
  | 'handler'
  /** A write the write hooks want: until its reply is in and the hooks ran. */
  | 'hook';

export class ClientConnection implements LinkOwner, ClientPeer {
  private readonly out: BatchWriter;
  private readonly reader: RequestReader;
  /** Commands are read into a reused buffer (reads.ts): whatever keeps a command past its read says so. */
  private readonly reads = new SocketReads((chunk) => this.onData(chunk));
  readonly session: Session;
  readonly replies = new ClientReplyMode();
  readonly ctx: CommandContext;
  readonly links: ClientLinks;
  private readonly inbox = new Inbox();
  /** Commands sent to Redis and not answered yet. */
  private inFlight = 0;
  private wait: Wait = 'none';
  /** Input is ignored: a malformed request was seen, or the connection is ending. */
  private deaf = false;
  /** No more commands run: QUIT, a protocol error, or the connection is gone. */
  private ended = false;
  /** SYNC/PSYNC made the connection a byte tunnel to its own link. */
  private tunnel: Tunnel | null = null;
  private abort: AbortController | null = null;
  private readonly readGate: ReadGate;
  private readonly budget: ClientBudget;
  private readonly sessionCommands: SessionCommands;
  private readonly rg: RgGate;
  private readonly hold: HookHold;
  private readonly clients: ClientsCommands;

  constructor(
    private readonly socket: Socket,
    readonly id: number,
    private readonly deps: ConnectionDeps,
  ) {
    const remoteAddress = `${socket.remoteAddress}:${socket.remotePort}`;
    this.session = new Session(deps.target.db, (setup) => deps.spares.fill(setup));
    deps.spares.fill(this.session.setup);
    this.out = new BatchWriter(socket);
    this.reader = new RequestReader((req) => this.enqueue(req));
    this.sessionCommands = new SessionCommands(
      {
        password: deps.password,
        urlCredentials: deps.urlCredentials,
        urlDb: deps.target.db,
        maxAuthFailures: deps.limits.maxAuthFailures,
        address: remoteAddress,
        log: deps.log,
      },
      this,
    );
    const gate = this.sessionCommands.gate;
    this.reader.authenticated = gate.authenticated;
    this.readGate = new ReadGate(socket);
    this.budget = new ClientBudget(
      deps.limits,
      {
        socket,
        gate: this.readGate,
        address: remoteAddress,
        id,
        authenticated: () => gate.authenticated,
        outputClass: () => (this.links.own?.state.subscribed ? 'pubsub' : 'normal'),
        close: () => this.crashed(null),
      },
      deps.log,
    );
    this.out.onQueued = (queued) => this.budget.output(queued);
    this.rg = new RgGate(deps.commands, this);
    this.hold = new HookHold(deps.writeHooks, this.out, deps.log, id);
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
    this.links = new ClientLinks({
      target: deps.target,
      pool: deps.shared,
      spares: deps.spares,
      clientId: id,
      session: this.session,
      owner: this,
      clientSide: this.readGate.as('redis'),
      // a client that does not read slows down its own link's replies, except pub/sub messages: Redis
      // does not slow publishers either, so they pile up here under the pubsub class limit (client-budget.ts)
      opened: (own) =>
        (this.out.peer = {
          pause: () => {
            if (!own.state.subscribed) own.pause();
          },
          resume: () => own.resume(),
        }),
    });
    this.clients = new ClientsCommands(deps.directory, {
      links: this.links,
      replies: this.replies,
      self: this,
      get protocol() {
        return session.protocol;
      },
      relay: (req) => this.forward(req),
      fetch: (link, commands) => {
        this.links.current = link;
        this.wait = 'replies';
        for (const c of commands) {
          this.inFlight++;
          link.send(this, 'fetch', c);
        }
      },
      write: (bytes) => this.out.write(bytes),
      end: () => this.end(),
    });
    socket.setNoDelay(true);
    if (!this.reads.adopt(socket)) socket.on('data', (chunk: Buffer) => this.onData(chunk));
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
    if (this.tunnel !== null) {
      this.reads.keep();
      return this.tunnel.fromClient(chunk);
    }
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
    // a command in pieces, or one waiting its turn, still lies in this read's buffer
    if (this.reader.holding || !this.inbox.empty) this.reads.keep();
  }

  /** Bytes of received commands waiting their turn (only while an earlier one holds them back). */
  private waitingBytes(): number {
    return this.inbox.empty ? 0 : this.inbox.bytes();
  }

  /**
   * A bug on this connection's path must cost this connection only, never the process; `err` null:
   * a limit (the budget has logged why) or a CLIENT KILL closes it.
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
    if (this.wait === 'none') this.pump();
  }

  private pump(): void {
    const inbox = this.inbox;
    while (!inbox.empty && this.wait === 'none' && !this.ended) {
      const req = inbox.peek();
      if (req instanceof ProtocolError) {
        if (this.inFlight > 0) return;
        inbox.take();
        this.reply(new ErrorReply(`ERR ${req.message}`));
        this.end();
        break;
      }
      if (!this.sessionCommands.gate.allows(req.name)) {
        if (this.inFlight > 0) return;
        inbox.take();
        if (this.replies.next(req, false)) this.reply(NOAUTH);
        continue;
      }
      const route = routeOf(req, this.deps.commands);
      if (route === 'relay') {
        const hooked = this.hold.wants(req);
        if (hooked) {
          // its reply is held until the hooks ran, so later replies stay behind it
          if (this.inFlight > 0) return;
          this.reads.keep(); // the hooks read the command once Redis answered it
          this.hold.start(req);
          this.wait = 'hook';
        }
        if (!this.forward(req)) return;
        inbox.take();
        // silenced by CLIENT REPLY: no reply to wait for
        if (hooked && this.inFlight === 0) this.hookDone();
        continue;
      }
      // everything else runs once every earlier reply is out
      if (this.inFlight > 0) return;
      inbox.take();
      // handlers may read the command after this read is handled (RG.* run asynchronously)
      this.reads.keep();
      try {
        switch (route) {
          case 'table':
            this.rg.run(req);
            break;
          case 'tunnel':
            this.startTunnel(req);
            break;
          case 'clients':
            this.clients.run(req);
            break;
          default:
            this.sessionCommands.run(route, req);
        }
      } catch (err) {
        return this.crashed(err);
      }
    }
    if (inbox.empty) this.budget.inputDrained();
  }

  /** Forwards a command Redis answers; false if it must wait for the replies in flight on another link. */
  private forward(req: Request): boolean {
    const binding = bindingOf(req);
    if (req.name === 'client') this.followPause(req);
    else if (req.name === 'acl') aclChanged();
    const link = this.links.forBinding(binding, this.inFlight === 0, req.name === 'monitor');
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
        this.reads.keep();
        link.subscribe(this, req.bytes());
        return true;
      }
      state.sent(req.name);
    }
    if (expected) this.inFlight++;
    if (!link.forward(this, expected ? 'reply' : null, req)) this.reads.keep();
    return true;
  }

  private followPause(req: Request): void {
    const sub = req.arg0();
    if (sub === 'pause') this.deps.shared.pause(Number(req.args[1]?.toString()) || 0);
    else if (sub === 'unpause') this.deps.shared.pause(0);
  }

  /** SYNC/PSYNC: the rest of the connection is a byte tunnel (tunnel.ts); what came after it is passed on. */
  private startTunnel(req: Request): void {
    this.replies.next(req, false);
    const sent = [req.bytes(), ...this.inbox.drain(), ...this.reader.rest()];
    this.deaf = true;
    this.tunnel = new Tunnel(this.links.ownLink(), sent, (bytes) => this.out.write(bytes));
  }

  // ClientPeer

  get linkAddress(): string {
    const own = this.links.own;
    return own !== null && own.alive ? own.listedAddress : '';
  }

  get user(): string {
    return this.session.credentials?.username ?? 'default';
  }

  /** True until the connection ends (killed, QUIT, or gone). */
  get live(): boolean {
    return !this.ended;
  }

  kill(): void {
    this.crashed(null);
  }

  // SessionHost and GateHost

  get idle(): boolean {
    return this.inFlight === 0;
  }

  get gone(): boolean {
    return this.socket.destroyed;
  }

  reply(r: Reply): void {
    let bytes: Buffer;
    try {
      bytes = encodeReply(r, this.session.protocol);
    } catch (err) {
      this.deps.log.error({ err, client: this.id }, 'a command handler returned a value that is not a Reply');
      bytes = encodeReply(toErrorReply(err), this.session.protocol);
    }
    this.out.write(bytes);
  }

  write(bytes: Buffer): void {
    this.out.write(bytes);
  }

  barrierSend(link: RedisLink, expect: Expect, req: Request, bytes: Buffer | readonly Buffer[] = req.bytes()): boolean {
    this.links.current = link;
    if (!this.replies.next(req, link.state.inMulti)) {
      link.send(this, null, bytes);
      return false;
    }
    this.inFlight++;
    this.wait = 'replies';
    link.send(this, expect, bytes);
    return true;
  }

  gateChanged(authenticated: boolean): void {
    this.reader.authenticated = authenticated;
  }

  pauseInput(ms: number): void {
    this.readGate.pause('auth');
    setTimeout(() => this.readGate.resume('auth'), ms).unref();
  }

  probe(link: RedisLink, probes: readonly Buffer[]): void {
    for (const p of probes) {
      this.inFlight++;
      link.send(this, 'probe', p);
    }
  }

  running(yes: boolean): void {
    this.wait = yes ? 'handler' : 'none';
  }

  next(): void {
    this.pump();
  }

  // LinkOwner

  relay(bytes: Buffer | readonly Buffer[]): void {
    this.hold.relay(bytes);
  }

  relaySlice(chunk: Buffer, start: number, end: number): void {
    this.hold.relaySlice(chunk, start, end);
  }

  answered(expect: Expect, frame: Buffer): void {
    this.inFlight--;
    if (expect === 'probe') this.rg.probed(frame, this.inFlight === 0);
    else if (expect === 'fetch') this.clients.fetched(frame);
    else if (expect !== 'reply') this.sessionCommands.settle(expect, frame);
    this.settled();
  }

  replied(): void {
    this.inFlight--;
    this.settled();
  }

  /** A command is answered: once none is in flight, what waited for that goes on. */
  private settled(): void {
    if (this.inFlight > 0) return;
    if (this.wait === 'hook') return this.hookDone();
    if (this.wait === 'replies') this.wait = 'none';
    if (this.wait === 'none') this.pump();
  }

  /** The write the hooks wanted is answered: its reply goes out once they ran, then the next commands. */
  private hookDone(): void {
    this.hold.answered(() => {
      this.wait = 'none';
      this.pump();
    });
  }

  lost(link: RedisLink, pending: number, loss: LinkLoss): void {
    this.hold.release();
    this.links.forget(link);
    this.inFlight -= pending;
    if (
      (this.tunnel !== null && this.tunnel.carries(link)) ||
      (loss.connected && !loss.refused && (pending > 0 || link.state.held))
    ) {
      // Redis closed or killed a connection that held this client's state or carried its commands: as
      // on Redis, the client's connection closes, and its library reconnects and restores what it needs.
      // (An idle link of its own that held nothing is simply opened again when needed.)
      return this.end();
    }
    // Redis could not be reached, or refused the link's setup: each pending command gets the error
    const error = Buffer.from(`-${loss.message}\r\n`);
    if (!this.rg.lost(error, loss.connected) && !this.clients.lost(error))
      for (let i = 0; i < pending; i++) this.out.write(error);
    if ((this.wait === 'replies' || this.wait === 'hook') && this.inFlight === 0) this.wait = 'none';
    this.pump();
  }

  /**
   * Sends what is written so far, then closes, as Redis closes after a protocol error or QUIT: input
   * is read and dropped meanwhile, and the close is a full one, so a client still writing sees it.
   */
  end(): void {
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
