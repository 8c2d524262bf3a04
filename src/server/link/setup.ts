// What a link to Redis is set up with: whose credentials, which database, which protocol. Shared
// links are keyed by it; a client's own link is replaced when it no longer matches the client's session.
import { encodeCommand } from '../resp/encode.js';

export interface Credentials {
  readonly username: string | undefined;
  readonly password: string | Buffer;
  /** The Redis URL's credentials (lent after `--password`), rather than ones a client authenticated with. */
  readonly fromUrl: boolean;
}

export interface LinkSetup {
  /** null: the link does not authenticate, so Redis treats it as its default user. */
  credentials: Credentials | null;
  db: number;
  protocol: 2 | 3;
}

/** A connection's setup before it authenticates, selects or says HELLO: Redis' default user, `db`, RESP2. */
export function initialSetup(db: number): LinkSetup {
  return { credentials: null, db, protocol: 2 };
}

export function sameSetup(a: LinkSetup, b: LinkSetup): boolean {
  return a.db === b.db && a.protocol === b.protocol && a.credentials === b.credentials;
}

/** A key for a pool of shared links; one per distinct setup. */
export function setupKey(s: LinkSetup): string {
  const c = s.credentials;
  const who = c === null ? '' : `${c.username ?? 'default'}\u0000${c.password.toString()}`;
  return `${s.db}\u0000${s.protocol}\u0000${who}`;
}

/**
 * The commands that bring a fresh connection to a setup. A client's user may lack the right to SELECT
 * (Redis keeps a connection's database across AUTH, so on Redis it never needed it): with a database
 * to select, the link selects it as the Redis URL's user and authenticates as the client's after.
 * The link holds every client command until all of these are answered, and fails if one is refused.
 */
export function setupCommands(s: LinkSetup, url: { username?: string; password?: string } = {}): Buffer[] {
  const out: Buffer[] = [];
  const auth = (username: string | undefined, password: string | Buffer): Buffer =>
    encodeCommand(username ? ['AUTH', username, password] : ['AUTH', password]);
  const c = s.credentials;
  if (c !== null && !c.fromUrl && s.db !== 0) {
    if (url.password !== undefined) out.push(auth(url.username, url.password));
    out.push(encodeCommand(['SELECT', String(s.db)]));
    out.push(auth(c.username, c.password));
  } else {
    if (c !== null) out.push(auth(c.username, c.password));
    if (s.db !== 0) out.push(encodeCommand(['SELECT', String(s.db)]));
  }
  if (s.protocol === 3) out.push(encodeCommand(['HELLO', '3']));
  return out;
}
