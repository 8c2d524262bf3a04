// Routing rules: who answers a command (Redis, the command table, or the connection itself), and for
// a command Redis answers, which kind of link may carry it. Pure functions of the command, so the
// rules can be read (and tested) in one place.
import { hasFlag, list } from '@ioredis/commands';
import { SUBSCRIBE_COMMANDS } from './pubsub.js';
import type { Request } from './resp/request.js';

export type Route =
  /** Forwarded to Redis; bindingOf() says on which link. */
  | 'relay'
  /** Answered by the command table (RG.*), after an ACL check against Redis (acl.ts). */
  | 'table'
  /** Handled by the connection because they change whose, which database's or which protocol's link it uses. */
  | 'auth'
  | 'hello'
  | 'select'
  | 'reset'
  | 'quit'
  /** SYNC/PSYNC: the connection becomes a byte tunnel to its own link (replication, `redis-cli --rdb`). */
  | 'tunnel'
  /** CLIENT LIST, CLIENT KILL, INFO: Redis answers, the server leaves its own links out (clients-view.ts). */
  | 'clients';

const SPECIAL = new Map<string, Route>([
  ['auth', 'auth'],
  ['hello', 'hello'],
  ['select', 'select'],
  ['reset', 'reset'],
  ['quit', 'quit'],
  ['sync', 'tunnel'],
  ['psync', 'tunnel'],
]);

const CLIENT_VIEW = new Set(['list', 'kill']);

export function routeOf(req: Request, table: ReadonlyMap<string, unknown>): Route {
  const name = req.name;
  const special = factsOf(name).special;
  if (special !== undefined) return special;
  if (table.has(name)) return 'table';
  if (name === 'info' || (name === 'client' && CLIENT_VIEW.has(req.arg0()))) return 'clients';
  return 'relay';
}

export type Binding =
  /** Stateless: any link of the client's user, database and protocol may carry it (multiplexed). */
  | 'any'
  /** Needs the client's own link while it runs (blocking commands, scripts), leaves no state behind. */
  | 'own'
  /** Creates or ends state on its connection (MULTI, WATCH, SUBSCRIBE, ...): own link, state followed. */
  | 'stateful'
  /** Leaves state for the connection's lifetime (a name, MONITOR, READONLY, tracking, ...): own link for good. */
  | 'sticky';

const STATEFUL = new Set(['multi', 'exec', 'discard', 'watch', 'unwatch', ...SUBSCRIBE_COMMANDS]);
const STICKY = new Set(['monitor', 'readonly', 'readwrite', 'asking', 'replconf']);
/**
 * CLIENT subcommands that neither read nor change the calling connection, plus SETINFO: client
 * libraries send it on connect (ioredis, node-redis), and pinning every such client to a link of its
 * own would end multiplexing for them; its only effect is a label in CLIENT LIST, which shows the
 * shared link's then.
 */
const CLIENT_STATELESS = new Set(['pause', 'unpause', 'kill', 'unblock', 'help', 'getname', 'setinfo']);

/**
 * Commands that can keep their connection busy for long: blocking commands, and scripts and
 * functions, which may run until SCRIPT KILL / FUNCTION KILL (sent by another client, which must not
 * queue behind them on a shared link).
 */
const LONG_RUNNING = new Set([
  ...list.filter((name) => hasFlag(name, 'blocking')),
  'eval',
  'evalsha',
  'eval_ro',
  'evalsha_ro',
  'fcall',
  'fcall_ro',
]);

export function bindingOf(req: Request): Binding {
  const name = req.name;
  if (name === 'client') return CLIENT_STATELESS.has(req.arg0()) ? 'any' : 'sticky';
  return factsOf(name).binding;
}

/** What the rules above make of a command name alone. */
interface NameFacts {
  readonly special: Route | undefined;
  readonly binding: Binding;
}

/**
 * The facts of names already seen: one lookup per command instead of one per rule (every command
 * passes here). Bounded, since names come from clients; past the bound, facts are worked out anew.
 */
const FACTS = new Map<string, NameFacts>();
const MAX_FACTS = 1024;

function factsOf(name: string): NameFacts {
  const known = FACTS.get(name);
  if (known !== undefined) return known;
  const facts: NameFacts = {
    special: SPECIAL.get(name),
    binding: STATEFUL.has(name) ? 'stateful' : STICKY.has(name) ? 'sticky' : LONG_RUNNING.has(name) ? 'own' : 'any',
  };
  if (FACTS.size < MAX_FACTS) FACTS.set(name, facts);
  return facts;
}
