// Redis' client table as a client of the gears server sees it. Redis counts, lists and kills every
// connection it has, and the gears server adds its own: the links clients share (link/shared.ts) and
// the engine's, execution threads' and cluster's links (named `gearbox-...`). A client of the gears
// server is one entry in that table, as it would be on Redis: its own link (connection.ts opens one
// for every client), so CLIENT LIST, CLIENT KILL and INFO's connected_clients leave the server's own
// links out and count each of its clients once. Pure functions of Redis' replies, so they can be read
// and tested on their own; clients-commands.ts runs them.

/** Connection names the gears server gives its own links to Redis (a client of the server may use one too). */
export const OWN_LINK_NAME_PREFIX = 'gearbox-';

/** One line of CLIENT LIST, with the fields CLIENT KILL filters on. */
export interface ClientEntry {
  readonly id: string;
  readonly addr: string;
  readonly laddr: string;
  readonly name: string;
  readonly user: string;
  readonly flags: string;
  readonly line: string;
}

export function parseClientList(text: string): ClientEntry[] {
  const out: ClientEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const f = new Map<string, string>();
    // a field's value never holds a space: Redis refuses names with spaces (CLIENT SETNAME)
    for (const part of line.split(' ')) {
      const eq = part.indexOf('=');
      if (eq > 0 && !f.has(part.slice(0, eq))) f.set(part.slice(0, eq), part.slice(eq + 1));
    }
    out.push({
      id: f.get('id') ?? '',
      addr: f.get('addr') ?? '',
      laddr: f.get('laddr') ?? '',
      name: f.get('name') ?? '',
      user: f.get('user') ?? '',
      flags: f.get('flags') ?? '',
      line,
    });
  }
  return out;
}

/** `ip:port` as Redis writes a peer's address (IPv6 in brackets). */
export function redisAddress(ip: string | undefined, port: number | undefined): string {
  if (ip === undefined || port === undefined) return '';
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** What the gears server knows of the entries that are its own. */
export interface OwnLinks {
  /** Addresses (as Redis shows them in `addr=`) of the links clients share. */
  readonly shared: ReadonlySet<string>;
  /** Addresses of links the server closed that Redis may not have freed yet (link/retiring.ts). */
  readonly retiring: ReadonlySet<string>;
  /** Addresses of its clients' own links: always a client's, whatever name the client gave itself. */
  readonly clients: ReadonlySet<string>;
}

/** The server's own link, not a client's: left out of what clients are shown. */
export function isServerLink(e: ClientEntry, own: OwnLinks): boolean {
  if (own.clients.has(e.addr)) return false;
  return e.name.startsWith(OWN_LINK_NAME_PREFIX) || own.shared.has(e.addr) || own.retiring.has(e.addr);
}

/** CLIENT KILL's type of a connection, from CLIENT LIST's flags (as Redis' getClientType). */
export function clientType(flags: string): 'master' | 'slave' | 'pubsub' | 'normal' {
  if (flags.includes('M')) return 'master';
  if (flags.includes('S')) return 'slave';
  if (flags.includes('P')) return 'pubsub';
  return 'normal';
}

/** CLIENT KILL's filters; Redis has validated them already (clients-commands.ts asks it first). */
export interface KillFilter {
  /** The old form, `CLIENT KILL ip:port`: exactly that address, the caller included; OK or an error. */
  readonly oldForm: boolean;
  readonly id?: string;
  readonly type?: string;
  readonly user?: string;
  readonly addr?: string;
  readonly laddr?: string;
  readonly skipme: boolean;
}

/** CLIENT KILL's arguments (after KILL). */
export function parseKill(args: readonly Buffer[]): KillFilter {
  if (args.length === 1) return { oldForm: true, addr: args[0].toString(), skipme: false };
  const f: { -readonly [K in keyof KillFilter]: KillFilter[K] } = { oldForm: false, skipme: true };
  for (let i = 0; i + 1 < args.length; i += 2) {
    const value = args[i + 1].toString();
    switch (args[i].toString().toLowerCase()) {
      case 'id':
        f.id = String(Number(value));
        break;
      case 'type': {
        const t = value.toLowerCase();
        f.type = t === 'replica' ? 'slave' : t;
        break;
      }
      case 'user':
        f.user = value;
        break;
      case 'addr':
        f.addr = value;
        break;
      case 'laddr':
        f.laddr = value;
        break;
      case 'skipme':
        f.skipme = value.toLowerCase() === 'yes';
        break;
    }
  }
  return f;
}

/**
 * The arguments that make Redis check `args` as CLIENT KILL would (syntax, client type, user, and the
 * caller's right to run it) while killing nobody: an extra ID filter that matches no connection.
 */
export function killCheckArgs(args: readonly Buffer[]): Array<string | Buffer> {
  const never = ['ID', '9223372036854775807'];
  // no arguments: Redis' arity error as it is
  if (args.length === 0) return ['CLIENT', 'KILL'];
  return args.length === 1 ? ['CLIENT', 'KILL', ...never] : ['CLIENT', 'KILL', ...args, ...never];
}

/** Does a listed connection match the filter (as Redis' CLIENT KILL matches it, the caller aside)? */
export function killMatches(e: ClientEntry, f: KillFilter): boolean {
  if (f.addr !== undefined && e.addr !== f.addr) return false;
  if (f.laddr !== undefined && e.laddr !== f.laddr) return false;
  if (f.type !== undefined && clientType(e.flags) !== f.type) return false;
  if (f.id !== undefined && e.id !== f.id) return false;
  if (f.user !== undefined && e.user !== f.user) return false;
  return true;
}

/** A gears client with no connection of its own in Redis' list matches only filters on type and user. */
export function killMatchesUnlisted(user: string, f: KillFilter): boolean {
  if (f.addr !== undefined || f.laddr !== undefined || f.id !== undefined) return false;
  if (f.type !== undefined && f.type !== 'normal') return false;
  return f.user === undefined || f.user === user;
}

/** INFO sections that include `connected_clients`. */
export function infoHasClients(args: readonly Buffer[]): boolean {
  if (args.length === 0) return true;
  return args.some((a) => ['clients', 'default', 'all', 'everything'].includes(a.toString().toLowerCase()));
}

export function withConnectedClients(info: string, count: number): string {
  return info.replace(/^connected_clients:\d+/m, `connected_clients:${count}`);
}

/** The text of a bulk (`$`) or verbatim (`=`, RESP3) string frame; null for anything else. */
export function bulkText(frame: Buffer): { text: string; verbatim: boolean } | null {
  const type = frame[0];
  if (type !== 0x24 && type !== 0x3d) return null;
  const start = frame.indexOf('\r\n') + 2;
  const body = frame.toString('utf8', start, frame.length - 2);
  return type === 0x3d ? { text: body.slice(4), verbatim: true } : { text: body, verbatim: false };
}

export function bulkFrame(text: string, verbatim: boolean): Buffer {
  const body = verbatim ? `txt:${text}` : text;
  return Buffer.from(`${verbatim ? '=' : '$'}${Buffer.byteLength(body)}\r\n${body}\r\n`);
}
