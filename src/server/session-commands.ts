// The commands that change whose, which database's or which protocol's link a client's commands use:
// AUTH, HELLO, SELECT, RESET, QUIT. Redis decides (auth.ts): they run on the client's own link (SELECT
// on the shared one, undone right after), later commands wait for their reply, and the session changes
// only once Redis accepted them (settle). The server's own password (`--password`) is checked here.
import type { Logger } from '../log/logger.js';
import { AuthGate, HELLO_NOAUTH, parseHello, WRONGPASS } from './auth.js';
import { AuthFailures } from './auth-failures.js';
import type { ClientLinks } from './client-links.js';
import { type Expect, isErrorFrame } from './link/expect.js';
import type { RedisLink } from './link/redis-link.js';
import type { Credentials } from './link/setup.js';
import type { ClientReplyMode } from './reply-mode.js';
import { encodeCommand, type Protocol } from './resp/encode.js';
import { ErrorReply, type Reply, SimpleString, ok, wrongArity } from './resp/reply.js';
import type { Request } from './resp/request.js';
import type { Route } from './routing.js';
import type { Session } from './session.js';

export type SessionRoute = Extract<Route, 'auth' | 'hello' | 'select' | 'reset' | 'quit'>;

const RESET_REPLY = new SimpleString('RESET');
const OK_FRAME = Buffer.from('+OK\r\n');
const EMPTY_MAP_FRAME = Buffer.from('%0\r\n');

/** What the session commands need of the client connection. */
export interface SessionHost {
  readonly links: ClientLinks;
  readonly session: Session;
  readonly replies: ClientReplyMode;
  /** Nothing of the client's is in flight. */
  readonly idle: boolean;
  reply(r: Reply): void;
  /**
   * Sends a command whose outcome later commands depend on; they wait for its reply, which comes back
   * through settle(). False when CLIENT REPLY silenced it (nothing to wait for).
   */
  barrierSend(link: RedisLink, expect: Expect, req: Request, bytes?: Buffer | readonly Buffer[]): boolean;
  /** The client passed the gate, or RESET closed it again: its input limits follow. */
  gateChanged(authenticated: boolean): void;
  /** Stops reading the client for `ms` (after a failed AUTH). */
  pauseInput(ms: number): void;
  /** Closes the connection once what is written is sent. */
  end(): void;
}

export interface SessionCommandsOptions {
  /** The gears server's own password (`--password`). */
  readonly password: string | undefined;
  /** The Redis URL's credentials: lent to clients that passed `--password`, never to others. */
  readonly urlCredentials: Credentials | null;
  /** The Redis URL's database, which RESET goes back to. */
  readonly urlDb: number;
  readonly maxAuthFailures: number;
  readonly address: string;
  readonly log: Logger;
}

export class SessionCommands {
  readonly gate: AuthGate;
  private readonly failures: AuthFailures;
  /** What a command waiting for Redis' reply changes once Redis accepts it. */
  private pendingCredentials: Credentials | null = null;
  private pendingDb = 0;
  private pendingProtocol: Protocol = 2;

  constructor(
    private readonly options: SessionCommandsOptions,
    private readonly host: SessionHost,
  ) {
    this.gate = new AuthGate(options.password);
    this.failures = new AuthFailures(options.maxAuthFailures, options.address, options.log);
  }

  run(route: SessionRoute, req: Request): void {
    switch (route) {
      case 'auth':
        return this.auth(req);
      case 'hello':
        return this.hello(req);
      case 'select':
        return this.select(req);
      case 'reset':
        return this.reset(req);
      case 'quit':
        if (this.host.replies.next(req, false)) this.host.reply(ok());
        this.host.links.own?.close();
        return this.host.end();
    }
  }

  /** AUTH [username] password: the server's own password is checked here, anything else by Redis. */
  private auth(req: Request): void {
    const host = this.host;
    const args = req.args;
    if (args.length === 0 || args.length > 2) {
      if (host.replies.next(req, false))
        host.reply(args.length === 0 ? wrongArity('auth') : new ErrorReply('ERR syntax error'));
      return;
    }
    const username = args.length === 2 ? args[0].toString() : undefined;
    if (this.gate.checksLocally(username)) {
      const passed = this.gate.check(args[args.length - 1]);
      if (passed) this.authenticated(this.options.urlCredentials);
      if (host.replies.next(req, false)) host.reply(passed ? ok() : WRONGPASS);
      if (!passed) this.authFailed(username);
      return;
    }
    this.pendingCredentials = { username, password: args[args.length - 1], fromUrl: false };
    if (!host.barrierSend(host.links.ownLink(), 'auth', req)) this.settle('auth', OK_FRAME);
  }

  private authenticated(credentials: Credentials | null): void {
    this.gate.authenticated = true;
    this.host.gateChanged(true);
    this.host.session.change({ credentials });
  }

  /** HELLO: Redis answers with its own HELLO map, on the client's own link. */
  private hello(req: Request): void {
    const host = this.host;
    const parsed = parseHello(req.args);
    if (parsed instanceof ErrorReply) {
      if (host.replies.next(req, false)) host.reply(parsed);
      return;
    }
    const parts: Array<string | Buffer> = ['HELLO'];
    if (parsed.version !== undefined) parts.push(String(parsed.version));
    this.pendingCredentials = null;
    if (parsed.auth) {
      const [user, password] = parsed.auth;
      if (this.gate.checksLocally(user.toString())) {
        if (!this.gate.check(password)) {
          if (host.replies.next(req, false)) host.reply(WRONGPASS);
          return this.authFailed(user.toString());
        }
        this.authenticated(this.options.urlCredentials);
      } else {
        this.pendingCredentials = { username: user.toString(), password, fromUrl: false };
        parts.push('AUTH', user, password);
      }
    } else if (!this.gate.authenticated) {
      if (host.replies.next(req, false)) host.reply(HELLO_NOAUTH);
      return;
    }
    const link = host.links.ownLink();
    if (parsed.setname !== undefined) {
      parts.push('SETNAME', parsed.setname);
      link.state.sticky = true;
    }
    this.pendingProtocol = parsed.version ?? host.session.protocol;
    // as the client sent it (MONITOR shows it so), unless the server took out the AUTH it checked itself
    const bytes = parsed.auth && this.pendingCredentials === null ? encodeCommand(parts) : undefined;
    if (!host.barrierSend(link, 'hello', req, bytes)) this.settle('hello', EMPTY_MAP_FRAME);
  }

  /** SELECT on a shared link is undone right after, so the link stays in its database for the others. */
  private select(req: Request): void {
    const host = this.host;
    const own = host.links.own;
    this.pendingDb = Number(req.args[0]?.toString());
    if (own !== null && own.state.held) {
      if (!host.barrierSend(own, 'select', req)) this.settle('select', OK_FRAME);
      return;
    }
    const link = host.links.sharedLink(host.idle);
    if (!host.barrierSend(link, 'select', req)) return;
    link.send(null, 'drop', encodeCommand(['SELECT', String(link.setup.db)]));
    // the idle own link follows at once, so a later blocking command or MULTI finds it ready
    if (own !== null && own.alive) own.select(this.pendingDb);
  }

  /** RESET: Redis resets the client's own link if it holds state; otherwise there is nothing on Redis to reset. */
  private reset(req: Request): void {
    const host = this.host;
    const own = host.links.own;
    if (own !== null && own.alive && own.state.held) {
      host.barrierSend(own, 'reset', req);
      // RESET selects db 0 on Redis: put the Redis URL's database back
      const db = this.options.urlDb;
      if (db !== 0) own.send(null, 'setup', encodeCommand(['SELECT', String(db)]));
      return;
    }
    host.replies.next(req, false);
    this.wasReset();
    host.reply(RESET_REPLY);
  }

  private wasReset(): void {
    const host = this.host;
    host.session.reset();
    this.gate.reset();
    host.replies.reset();
    host.gateChanged(this.gate.authenticated);
    const own = host.links.own;
    if (own !== null) {
      if (own.state.held) own.setup.credentials = null;
      else host.links.dropOwn();
      own.setup.db = this.options.urlDb;
      own.setup.protocol = 2;
    }
  }

  /** A wrong password, checked here or by Redis: logged, and the connection slowed down, then closed. */
  private authFailed(username: string | undefined): void {
    const { close, pauseMs } = this.failures.failed(username);
    if (close) return this.host.end();
    this.host.pauseInput(pauseMs);
  }

  /** What a command sent with barrierSend changed, once Redis answered it (`frame` is its reply). */
  settle(expect: Expect, frame: Buffer): void {
    if (isErrorFrame(frame)) {
      const credentials = this.pendingCredentials;
      if (credentials !== null && (expect === 'auth' || expect === 'hello') && frame.includes('WRONGPASS'))
        this.authFailed(credentials.username);
      return;
    }
    const host = this.host;
    const own = host.links.own;
    switch (expect) {
      case 'auth':
        return this.authenticatedBy(own, this.pendingCredentials);
      case 'hello':
        host.session.change({ protocol: this.pendingProtocol });
        if (own !== null) own.setup.protocol = this.pendingProtocol;
        if (this.pendingCredentials !== null) this.authenticatedBy(own, this.pendingCredentials);
        return;
      case 'select':
        host.session.change({ db: this.pendingDb });
        if (own !== null && host.links.current === own) own.setup.db = this.pendingDb;
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
    if (own.unselected && !own.state.held) this.host.links.dropOwn();
  }
}
