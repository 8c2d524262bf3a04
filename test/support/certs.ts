// Throw-away certificates for TLS tests, made with openssl in a temporary folder: a CA, a server
// certificate for 127.0.0.1/localhost, and a client certificate, all signed by that CA.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCerts {
  readonly dir: string;
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
  readonly ca: string;
  readonly clientCert: string;
  readonly clientKey: string;
  remove(): void;
}

function openssl(dir: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

function signed(dir: string, name: string, subject: string, extensions: string): void {
  openssl(
    dir,
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    subject,
  );
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(
    dir,
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-out',
    `${name}.crt`,
    '-extfile',
    `${name}.ext`,
  );
}

export function makeCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), 'gearbox-tls-'));
  openssl(
    dir,
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=gearbox test CA',
  );
  signed(
    dir,
    'server',
    '/CN=localhost',
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n',
  );
  signed(dir, 'client', '/CN=gearbox test client', 'extendedKeyUsage=clientAuth\n');
  const path = (name: string) => join(dir, name);
  return {
    dir,
    caFile: path('ca.crt'),
    certFile: path('server.crt'),
    keyFile: path('server.key'),
    clientCertFile: path('client.crt'),
    clientKeyFile: path('client.key'),
    ca: readFileSync(path('ca.crt'), 'utf8'),
    clientCert: readFileSync(path('client.crt'), 'utf8'),
    clientKey: readFileSync(path('client.key'), 'utf8'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
