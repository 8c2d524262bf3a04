// TLS on the gears server's own listener, with Redis' option names and meanings: tls-cert-file and
// tls-key-file are the server's certificate, tls-ca-cert-file the CA that client certificates must
// chain to, and tls-auth-clients (default yes, as in Redis) whether clients must present one.
import { readFileSync } from 'node:fs';
import type { TlsOptions } from 'node:tls';

export type TlsAuthClients = 'yes' | 'no' | 'optional';

export interface TlsListenerOptions {
  /** tls-port: where TLS clients connect (0 picks a free one). */
  readonly port: number;
  readonly certFile: string;
  readonly keyFile: string;
  readonly caCertFile?: string;
  readonly authClients?: TlsAuthClients;
}

/** A PEM file's text; one that cannot be read is named with the option that gave it. */
export function readPem(file: string, what: string, option: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(
      `cannot read the ${what} ${file} (${(err as NodeJS.ErrnoException).code ?? err}): check ${option}`,
      {
        cause: err,
      },
    );
  }
}

/** Node's TLS server options for the listener; a file that cannot be read is named in the error. */
export function tlsServerOptions(options: TlsListenerOptions): TlsOptions {
  const authClients = options.authClients ?? 'yes';
  if (authClients !== 'no' && options.caCertFile === undefined && authClients === 'yes')
    throw new Error(
      'TLS client authentication (tls-auth-clients yes, the default) needs --tls-ca-cert-file to check client certificates; ' +
        'give it, or pass --tls-auth-clients no',
    );
  return {
    cert: readPem(options.certFile, 'TLS certificate', '--tls-cert-file'),
    key: readPem(options.keyFile, 'TLS private key', '--tls-key-file'),
    ca: options.caCertFile ? readPem(options.caCertFile, 'TLS CA certificate', '--tls-ca-cert-file') : undefined,
    requestCert: authClients !== 'no',
    rejectUnauthorized: authClients === 'yes',
  };
}
