// Who a client is. Redis decides: AUTH and HELLO ... AUTH go to Redis on the client's own link and,
// once Redis accepts them, every link the client uses authenticates with those credentials, so its
// commands reach Redis as that user with exactly that user's rights. The one exception is the gears
// server's own password (`--password`), checked here the way Redis checks `requirepass`: a client that
// gives it (as the default user) uses the Redis URL's credentials. A client that authenticated with
// neither gets no credentials at all; Redis then treats it as its default user.
import { createHash, timingSafeEqual } from 'node:crypto';
import { ErrorReply } from './resp/reply.js';

export const NOAUTH = new ErrorReply('NOAUTH Authentication required.');
export const WRONGPASS = new ErrorReply('WRONGPASS invalid username-password pair or user is disabled.');
export const HELLO_NOAUTH = new ErrorReply(
  'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
);

const digest = (b: Buffer | string): Buffer => createHash('sha256').update(b).digest();

/** The gears server's own password gate (`--password`); without one it lets everything through to Redis. */
export class AuthGate {
  private readonly secret: Buffer | null;
  authenticated: boolean;

  constructor(password: string | undefined) {
    this.secret = password === undefined ? null : digest(password);
    this.authenticated = password === undefined;
  }

  /** Only AUTH, HELLO, QUIT and RESET may run before the gate is passed. */
  allows(name: string): boolean {
    return this.authenticated || name === 'auth' || name === 'hello' || name === 'quit' || name === 'reset';
  }

  /** True when the server itself checks these credentials: `--password` is set and the user is the default one. */
  checksLocally(username: string | undefined): boolean {
    return this.secret !== null && (username === undefined || username === 'default');
  }

  /** Checks the server's password; comparing digests keeps the time independent of where it differs. */
  check(password: Buffer): boolean {
    const ok = this.secret !== null && timingSafeEqual(digest(password), this.secret);
    if (ok) this.authenticated = true;
    return ok;
  }

  /** RESET makes the connection the default user again: through the gate only if no password is set. */
  reset(): void {
    this.authenticated = this.secret === null;
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
