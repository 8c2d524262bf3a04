// CLIENT LIST, CLIENT KILL and INFO's connected_clients, answered as Redis would if the gears server's
// clients were its own (clients-view.ts has the rules). Each asks Redis on the client's own link, so
// Redis checks the client's rights, then shapes the answer from what the server knows of its clients.
import type { ClientLinks } from './client-links.js';
import {
  bulkFrame,
  bulkText,
  type ClientEntry,
  infoHasClients,
  isServerLink,
  killCheckArgs,
  killMatches,
  killMatchesUnlisted,
  type OwnLinks,
  parseClientList,
  parseKill,
  withConnectedClients,
} from './clients-view.js';
import { isErrorFrame } from './link/expect.js';
import type { RedisLink } from './link/redis-link.js';
import { NOT_IN_MULTI, spoilTransaction } from './link/refuse-in-multi.js';
import type { ClientReplyMode } from './reply-mode.js';
import { encodeCommand } from './resp/encode.js';
import type { Request } from './resp/request.js';

const CLIENT_LIST = encodeCommand(['CLIENT', 'LIST']);
const OK_FRAME = Buffer.from('+OK\r\n');
const NO_SUCH_CLIENT = Buffer.from('-ERR No such client\r\n');
const NOT_IN_MULTI_FRAME = Buffer.from(`-${NOT_IN_MULTI}\r\n`);

/** A client of the gears server, as CLIENT KILL and connected_clients see it. */
export interface ClientPeer {
  /** `addr` Redis lists for the client's own link; '' while it has none. */
  readonly linkAddress: string;
  /** The ACL user it runs as. */
  readonly user: string;
  /** Closes the client at once, as Redis closes a client it kills. */
  kill(): void;
}

/** What the server knows of all its clients and its own links. */
export interface ClientsDirectory {
  /** The clients still connected. */
  peers(): readonly ClientPeer[];
  ownLinks(): OwnLinks;
  readonly recent: RecentClientList;
}

/** How long a CLIENT LIST answers INFO's connected_clients for every client of the server. */
export const CLIENT_LIST_REUSE_MS = 100;

/**
 * How many of Redis' connections the last CLIENT LIST showed that are neither the server's links nor its
 * clients', so a burst of INFO (ioredis sends one on every connect) costs Redis one CLIENT LIST per
 * CLIENT_LIST_REUSE_MS, not one each: with thousands of clients reconnecting, a list per INFO would be
 * quadratic work for Redis and the server. The server's clients are counted from its own table at
 * each INFO; only connections straight to Redis that came or went meanwhile are missed.
 */
export class RecentClientList {
  private others: number | null = null;
  private at = 0;

  get(): number | null {
    return this.others !== null && performance.now() - this.at < CLIENT_LIST_REUSE_MS ? this.others : null;
  }

  set(others: number | null): void {
    this.others = others;
    this.at = performance.now();
  }
}

/** What the commands need of the client connection. */
export interface ClientsHost {
  readonly links: ClientLinks;
  readonly replies: ClientReplyMode;
  readonly self: ClientPeer;
  readonly protocol: 2 | 3;
  /** Sends the command to Redis as any other (in MULTI, or INFO without connected_clients). */
  relay(req: Request): void;
  /** Sends commands whose replies come back through fetched(); later commands wait for them. */
  fetch(link: RedisLink, commands: ReadonlyArray<Buffer | readonly Buffer[]>): void;
  write(bytes: Buffer): void;
  /** Closes the connection once what is written is sent. */
  end(): void;
}

export class ClientsCommands {
  private frames: Buffer[] = [];
  private expected = 0;
  private then: ((frames: Buffer[]) => void) | null = null;

  constructor(
    private readonly directory: ClientsDirectory,
    private readonly host: ClientsHost,
  ) {}

  run(req: Request): void {
    const host = this.host;
    const own = host.links.own;
    const sub = req.name === 'client' ? req.arg0() : '';
    if (own !== null && own.state.inMulti && sub === 'kill') {
      // queued, Redis would run it at EXEC without the server's filter, killing its links
      spoilTransaction(own);
      if (host.replies.next(req, true)) host.write(NOT_IN_MULTI_FRAME);
      return;
    }
    // inside MULTI Redis queues INFO and CLIENT LIST (EXEC answers with Redis' own view); a subscribed
    // RESP2 connection gets Redis' refusal (RESP3 runs them, pushes and all)
    const asIs = own !== null && (own.state.inMulti || (own.state.subscribed && host.protocol === 2));
    if (asIs || (req.name === 'info' && !infoHasClients(req.args))) return host.relay(req);
    const reply = host.replies.next(req, false);
    const link = host.links.ownLink();
    const answer = (frame: Buffer): void => {
      if (reply) host.write(frame);
    };
    if (req.name === 'info') {
      const recent = this.directory.recent.get();
      if (recent !== null) return this.ask(link, [req.bytes()], ([info]) => answer(this.info(recent, info)));
      return this.ask(link, [CLIENT_LIST, req.bytes()], ([list, info]) => {
        const entries = listedEntries(list);
        answer(this.info(entries === null ? null : this.remember(entries), info));
      });
    }
    if (sub === 'list') {
      const whole = req.args.length === 1;
      return this.ask(link, [req.bytes()], ([list]) => answer(this.list(list, whole)));
    }
    const args = req.args.slice(1);
    this.ask(link, [encodeCommand(killCheckArgs(args)), CLIENT_LIST], ([check, list]) => {
      if (isErrorFrame(check)) return answer(check);
      const text = bulkText(list);
      // a user allowed CLIENT KILL but not CLIENT LIST: Redis' own answer, server links and all
      if (text === null) return this.ask(link, [req.bytes()], ([r]) => answer(r));
      // what it kills leaves the list: the next INFO asks Redis again
      this.directory.recent.set(null);
      this.kill(link, args, parseClientList(text.text), answer);
    });
  }

  /** A reply to a command sent with fetch(). */
  fetched(frame: Buffer): void {
    this.frames.push(frame);
    if (this.frames.length < this.expected) return;
    const then = this.then as (frames: Buffer[]) => void;
    const frames = this.frames;
    this.frames = [];
    this.then = null;
    then(frames);
  }

  /** The link carrying a fetch was lost: its command gets `error`; true if one was waiting. */
  lost(error: Buffer): boolean {
    if (this.then === null) return false;
    this.then = null;
    this.frames = [];
    this.host.write(error);
    return true;
  }

  private ask(
    link: RedisLink,
    commands: ReadonlyArray<Buffer | readonly Buffer[]>,
    then: (frames: Buffer[]) => void,
  ): void {
    this.then = then;
    this.expected = commands.length;
    this.host.fetch(link, commands);
  }

  /** Counts Redis' connections other than the server's own and its clients', kept for the next INFOs. */
  private remember(entries: ClientEntry[]): number {
    const own = this.directory.ownLinks();
    let others = 0;
    for (const e of entries) if (!isServerLink(e, own) && !own.clients.has(e.addr)) others++;
    this.directory.recent.set(others);
    return others;
  }

  /** connected_clients: Redis' other connections, plus every client of the server. */
  private info(others: number | null, info: Buffer): Buffer {
    const text = bulkText(info);
    if (others === null || text === null) return info;
    const count = others + this.directory.peers().length;
    return bulkFrame(withConnectedClients(text.text, count), text.verbatim);
  }

  /** CLIENT LIST without the server's links; `whole`: not filtered by TYPE or ID, so kept for INFO. */
  private list(frame: Buffer, whole: boolean): Buffer {
    const text = bulkText(frame);
    if (text === null) return frame;
    const entries = parseClientList(text.text);
    if (whole) this.remember(entries);
    const own = this.directory.ownLinks();
    const shown = entries.filter((e) => !isServerLink(e, own));
    return bulkFrame(shown.map((e) => `${e.line}\n`).join(''), text.verbatim);
  }

  /**
   * Kills what matches, as Redis would: other connections through Redis (waiting for it, so a command
   * sent after the reply no longer finds them), the server's clients by closing them; the caller, if
   * it matches and may be killed, after its reply.
   */
  private kill(link: RedisLink, args: Buffer[], entries: ClientEntry[], answer: (frame: Buffer) => void): void {
    const host = this.host;
    const filter = parseKill(args);
    const own = this.directory.ownLinks();
    const others = this.directory.peers().filter((p) => p !== host.self);
    const byAddress = new Map<string, ClientPeer>();
    for (const p of others) if (p.linkAddress !== '') byAddress.set(p.linkAddress, p);
    const selfAddress = host.self.linkAddress;
    const listed = new Set<string>();
    const victims: ClientPeer[] = [];
    const ids: Buffer[] = [];
    let killedSelf = false;
    for (const e of entries) {
      listed.add(e.addr);
      if (isServerLink(e, own) || !killMatches(e, filter)) continue;
      if (e.addr === selfAddress) {
        killedSelf ||= !filter.skipme;
        continue;
      }
      const peer = byAddress.get(e.addr);
      if (peer !== undefined) victims.push(peer);
      ids.push(encodeCommand(['CLIENT', 'KILL', 'ID', e.id]));
    }
    let killed = ids.length + (killedSelf ? 1 : 0);
    for (const peer of others) {
      if (listed.has(peer.linkAddress) || !killMatchesUnlisted(peer.user, filter)) continue;
      victims.push(peer);
      killed++;
    }
    for (const peer of victims) peer.kill();
    const done = (): void => {
      answer(filter.oldForm ? (killed > 0 ? OK_FRAME : NO_SUCH_CLIENT) : Buffer.from(`:${killed}\r\n`));
      if (killedSelf) host.end();
    };
    if (ids.length === 0) return done();
    this.ask(link, ids, done);
  }
}

/** CLIENT LIST's entries; null if Redis refused it. */
function listedEntries(frame: Buffer): ClientEntry[] | null {
  const text = bulkText(frame);
  return text === null ? null : parseClientList(text.text);
}
