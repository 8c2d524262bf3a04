// The gate in front of the commands the gears server answers itself (RG.*, the command table): refused
// where Redis would refuse a command (inside MULTI, in RESP2 subscribed mode), then checked against the
// client's rights in Redis' ACL (acl.ts: probes sent as the client's user), then run. A handler may be
// async; the client's later commands wait for it, so replies keep their order.
import { probesFor, type Right, rightOf, verdict } from './acl.js';
import type { ClientLinks } from './client-links.js';
import { Grants } from './grants.js';
import type { CommandContext, CommandTable } from './commands.js';
import type { RedisLink } from './link/redis-link.js';
import { NOT_IN_MULTI, spoilTransaction } from './link/refuse-in-multi.js';
import type { Credentials } from './link/setup.js';
import type { ClientReplyMode } from './reply-mode.js';
import { encodeCommand } from './resp/encode.js';
import { ErrorReply, type Reply } from './resp/reply.js';
import type { Request } from './resp/request.js';
import type { Session } from './session.js';

const NOT_IN_MULTI_REPLY = new ErrorReply(NOT_IN_MULTI);
const PING = encodeCommand(['PING']);

export function toErrorReply(err: unknown): ErrorReply {
  if (err instanceof ErrorReply) return err;
  return new ErrorReply(`ERR ${err instanceof Error ? err.message : String(err)}`);
}

function isPromise(v: unknown): v is Promise<Reply> {
  return typeof (v as Promise<Reply> | null)?.then === 'function';
}

/** What the gate needs of the client connection it serves. */
export interface GateHost {
  readonly links: ClientLinks;
  readonly session: Session;
  readonly replies: ClientReplyMode;
  readonly ctx: CommandContext;
  /** Nothing of the client's is in flight. */
  readonly idle: boolean;
  /** The client is gone: a late result is dropped. */
  readonly gone: boolean;
  reply(r: Reply): void;
  /** Bytes for the client as they are (Redis' own error frame). */
  write(bytes: Buffer): void;
  /** Sends ACL probes on `link`; each answer comes back through RgGate.probed. */
  probe(link: RedisLink, probes: readonly Buffer[]): void;
  /** A command of the gate's is running (later commands wait) or done. */
  running(yes: boolean): void;
  /** Runs the commands that waited. */
  next(): void;
}

/** An RG.* command waiting for Redis' answers to its ACL probes. */
interface Probing {
  readonly req: Request;
  readonly right: Right;
  /** Whose rights the probes checked (the session may change before they are answered). */
  readonly credentials: Credentials | null;
  readonly answers: Buffer[];
  readonly silent: boolean;
}

export class RgGate {
  private probing: Probing | null = null;
  private readonly grants = new Grants();

  constructor(
    private readonly commands: CommandTable,
    private readonly host: GateHost,
  ) {}

  run(req: Request): void {
    const host = this.host;
    const own = host.links.own;
    const silent = !host.replies.next(req, own?.state.inMulti ?? false);
    // Redis still waits to silence the next command it sees: let it be a PING nobody reads
    if (silent && host.replies.consumedSkip && own !== null) own.send(null, null, PING);
    const say = (r: Reply): void => {
      if (!silent) host.reply(r);
    };
    if (own !== null && own.state.inMulti) {
      spoilTransaction(own);
      return say(NOT_IN_MULTI_REPLY);
    }
    if (own !== null && own.state.subscribed && host.session.protocol === 2) {
      return say(
        new ErrorReply(
          `ERR Can't execute '${req.name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
        ),
      );
    }
    const right = rightOf(req.name);
    const credentials = host.session.credentials;
    if (this.grants.holds(right, credentials)) return this.execute(req, silent);
    const probes = probesFor(right, credentials !== null);
    if (probes.length === 0) return this.execute(req, silent);
    // the shared link of the client's setup runs as the client's user and never has replies turned off
    const link = host.links.sharedLink(host.idle);
    host.links.current = link;
    this.probing = { req, right, credentials, answers: [], silent };
    host.running(true);
    host.probe(link, probes);
  }

  /** Redis' answer to one probe; `last`: every probe is answered. */
  probed(frame: Buffer, last: boolean): void {
    const p = this.probing;
    if (p === null) return;
    p.answers.push(frame);
    if (!last) return;
    this.probing = null;
    this.host.running(false);
    const refusal = verdict(p.req.name, p.right, p.answers);
    if (refusal === null) {
      this.grants.granted(p.right, p.credentials);
      return this.execute(p.req, p.silent);
    }
    this.grants.refused();
    if (p.silent) return;
    if (Buffer.isBuffer(refusal)) this.host.write(refusal);
    else this.host.reply(refusal);
  }

  /**
   * The link carrying the probes is gone before they were answered. Rights cannot be checked without
   * Redis: a command that only reads the server's own state runs when Redis was never reached; the
   * rest get `error`. False when no probe was pending.
   */
  lost(error: Buffer, reached: boolean): boolean {
    const p = this.probing;
    if (p === null) return false;
    this.probing = null;
    this.host.running(false);
    if (!reached && p.right === 'read') this.execute(p.req, p.silent);
    else if (!p.silent) this.host.write(error);
    return true;
  }

  private execute(req: Request, silent: boolean): void {
    const handler = this.commands.get(req.name);
    if (!handler) return;
    let result: Reply | Promise<Reply>;
    try {
      result = handler(req.args, this.host.ctx);
    } catch (err) {
      if (!silent) this.host.reply(toErrorReply(err));
      return;
    }
    if (!isPromise(result)) {
      if (!silent) this.host.reply(result);
      return;
    }
    this.host.running(true);
    result.then(
      (r) => this.handled(r, silent),
      (err: unknown) => this.handled(toErrorReply(err), silent),
    );
  }

  private handled(r: Reply, silent: boolean): void {
    const host = this.host;
    if (host.gone) return;
    host.running(false);
    if (!silent) host.reply(r);
    host.next();
  }
}
