// TLS material for `rediss://` Redis URLs. Every connection the engine opens (its own, each execution
// thread's, the key-event subscriber's) is made from the URL alone, so the certificates are
// registered here once per thread, under the URL, rather than threaded through each of them.
import type { ConnectionOptions } from 'node:tls';

/** PEM texts (plain data, so they cross to execution threads). */
export interface RedisTls {
  /** The CA Redis' certificate must chain to (Redis' tls-ca-cert-file); the system's CAs if absent. */
  readonly ca?: string;
  /** A client certificate and key, for a Redis with tls-auth-clients yes. */
  readonly cert?: string;
  readonly key?: string;
}

const registered = new Map<string, RedisTls>();

export function registerRedisTls(url: string, tls: RedisTls | undefined): void {
  if (tls) registered.set(url, tls);
}

export function registeredRedisTls(url: string): RedisTls | undefined {
  return registered.get(url);
}

/** ioredis' `tls` option for the URL: TLS with the registered material for rediss://, none otherwise. */
export function tlsOptionsFor(url: string): { tls?: ConnectionOptions } {
  if (!/^rediss:\/\//i.test(url)) return {};
  const tls = registered.get(url) ?? {};
  return { tls: { ca: tls.ca, cert: tls.cert, key: tls.key } };
}
