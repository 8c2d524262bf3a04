// `gearbox serve`'s TLS flags, named as Redis' own options: the listener's (tls-port, tls-cert-file,
// tls-key-file, tls-ca-cert-file, tls-auth-clients) and, for a rediss:// Redis, the CA and client
// certificate the server presents to Redis (Redis' tls-client-cert-file/-key-file, else tls-cert-file).
import type { RedisTls } from '../engine/index.js';
import { readPem, type TlsAuthClients, type TlsListenerOptions } from '../server/index.js';

export interface TlsFlags {
  readonly tlsPort?: number;
  readonly tlsCertFile?: string;
  readonly tlsKeyFile?: string;
  readonly tlsCaCertFile?: string;
  readonly tlsAuthClients?: TlsAuthClients;
  readonly tlsClientCertFile?: string;
  readonly tlsClientKeyFile?: string;
}

/** The TLS listener, when --tls-port is given; its certificate files are required then. */
export function tlsListener(flags: TlsFlags): TlsListenerOptions | undefined {
  if (flags.tlsPort === undefined) return undefined;
  if (!flags.tlsCertFile || !flags.tlsKeyFile)
    throw new Error('--tls-port needs --tls-cert-file and --tls-key-file (the server certificate and its key)');
  return {
    port: flags.tlsPort,
    certFile: flags.tlsCertFile,
    keyFile: flags.tlsKeyFile,
    caCertFile: flags.tlsCaCertFile,
    authClients: flags.tlsAuthClients,
  };
}

/** What the server presents to a rediss:// Redis; nothing for redis://. */
export function redisTls(redisUrl: string, flags: TlsFlags): RedisTls | undefined {
  if (!/^rediss:\/\//i.test(redisUrl)) return undefined;
  const certFile = flags.tlsClientCertFile ?? flags.tlsCertFile;
  const keyFile = flags.tlsClientKeyFile ?? flags.tlsKeyFile;
  const read = (file: string | undefined, what: string, option: string) =>
    file === undefined ? undefined : readPem(file, what, option);
  return {
    ca: read(flags.tlsCaCertFile, 'TLS CA certificate', '--tls-ca-cert-file'),
    cert: read(certFile, 'TLS certificate', flags.tlsClientCertFile ? '--tls-client-cert-file' : '--tls-cert-file'),
    key: read(keyFile, 'TLS private key', flags.tlsClientKeyFile ? '--tls-client-key-file' : '--tls-key-file'),
  };
}
