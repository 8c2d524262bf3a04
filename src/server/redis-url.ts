// The Redis a gears server proxies to, from a `redis[s]://[[user]:password@]host[:port][/db]` URL.
import { redactUrl, type RedisTls } from '../engine/index.js';

export interface RedisTarget {
  readonly host: string;
  readonly port: number;
  readonly username?: string;
  readonly password?: string;
  readonly db: number;
  /** host:port, for messages. */
  readonly address: string;
  /** rediss://: links to Redis use TLS. */
  readonly tls: boolean;
  /** The CA and client certificate for TLS links (the system's CAs if absent). */
  readonly tlsOptions?: RedisTls;
}

export function parseRedisUrl(url: string): RedisTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`invalid Redis URL ${JSON.stringify(redactUrl(url))}: expected redis://[:password@]host:port[/db]`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new Error(
      `unsupported Redis URL scheme ${JSON.stringify(u.protocol)} in ${redactUrl(url)}: use redis://host:port, or rediss:// for TLS`,
    );
  }
  const dbText = u.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0) {
    throw new Error(
      `invalid database ${JSON.stringify(dbText)} in Redis URL ${redactUrl(url)}: expected a number, e.g. redis://127.0.0.1:6379/0`,
    );
  }
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1';
  const port = u.port === '' ? 6379 : Number(u.port);
  const username = u.username ? decodeURIComponent(u.username) : undefined;
  const password = u.password ? decodeURIComponent(u.password) : undefined;
  return { host, port, username, password, db, address: `${host}:${port}`, tls: u.protocol === 'rediss:' };
}
