// The gears server's own password (`--password`), checked the way Redis checks `requirepass`: the
// client authenticates as the default user with AUTH or HELLO ... AUTH. Redis' own credentials are in
// the Redis URL and never come from clients.
import { createHash, timingSafeEqual } from 'node:crypto';
import { ErrorReply, ok, type Reply, wrongArity } from './resp/reply.js';

export const NOAUTH = new ErrorReply('NOAUTH Authentication required.');
const WRONGPASS = new ErrorReply('WRONGPASS invalid username-password pair or user is disabled.');
const NO_PASSWORD_SET = new ErrorReply(
  'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
);
const HELLO_NOAUTH = new ErrorReply(
  'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
);

const digest = (b: Buffer | string): Buffer => createHash('sha256').update(b).digest();

export class AuthGate {
  private readonly secret: Buffer | null;
  authenticated: boolean;

  constructor(password: string | undefined) {
    this.secret = password === undefined ? null : digest(password);
    this.authenticated = password === undefined;
  }

  /** Only AUTH, HELLO and QUIT may run before authenticating. */
  allows(name: string): boolean {
    return this.authenticated || name === 'auth' || name === 'hello' || name === 'quit';
  }

  /** RESET makes the connection the default user again: authenticated only if no password is set. */
  reset(): void {
    this.authenticated = this.secret === null;
  }

  /** Checks default-user credentials; with no password set, any password is accepted (Redis' nopass). */
  private check(username: string, password: Buffer): boolean {
    if (username !== 'default') return false;
    // comparing digests keeps the time independent of where the password differs
    return this.secret === null || timingSafeEqual(digest(password), this.secret);
  }

  /** AUTH [username] password */
  auth(args: Buffer[]): Reply {
    if (args.length === 0) return wrongArity('auth');
    if (args.length > 2) return new ErrorReply('ERR syntax error');
    if (args.length === 1 && this.secret === null) return NO_PASSWORD_SET;
    const username = args.length === 2 ? args[0].toString() : 'default';
    if (!this.check(username, args[args.length - 1])) return WRONGPASS;
    this.authenticated = true;
    return ok();
  }

  /**
   * Applies HELLO's AUTH option, if any, and tells whether HELLO may go on; returns the error to send
   * otherwise. Redis authenticates first and refuses an unauthenticated HELLO after that.
   */
  hello(auth: readonly [Buffer, Buffer] | undefined): ErrorReply | null {
    if (auth) {
      if (!this.check(auth[0].toString(), auth[1])) return WRONGPASS;
      this.authenticated = true;
    }
    return this.authenticated ? null : HELLO_NOAUTH;
  }
}

export interface HelloRequest {
  version: 2 | 3 | undefined;
  auth: readonly [Buffer, Buffer] | undefined;
  setname: Buffer | undefined;
}

/** HELLO [protover [AUTH username password] [SETNAME clientname]], validated with Redis' messages. */
export function parseHello(args: Buffer[]): HelloRequest | ErrorReply {
  const req: HelloRequest = { version: undefined, auth: undefined, setname: undefined };
  if (args.length === 0) return req;
  const text = args[0].toString();
  const v = /^-?\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(v)) return new ErrorReply('ERR Protocol version is not an integer or out of range');
  if (v !== 2 && v !== 3) return new ErrorReply('NOPROTO unsupported protocol version');
  req.version = v;
  for (let j = 1; j < args.length; j++) {
    const opt = args[j].toString();
    const more = args.length - 1 - j;
    if (opt.toLowerCase() === 'auth' && more >= 2) {
      req.auth = [args[j + 1], args[j + 2]];
      j += 2;
    } else if (opt.toLowerCase() === 'setname' && more >= 1) {
      req.setname = args[j + 1];
      j++;
    } else {
      return new ErrorReply(`ERR Syntax error in HELLO option '${opt}'`);
    }
  }
  return req;
}
