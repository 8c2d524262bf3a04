// Redis' protected mode: a server that anyone on the network could reach must not be open to all.
// A gears server is open when it has no password of its own and its Redis URL carries no
// credentials (with credentials, clients must authenticate as Redis' own ACL users).
import { isIP } from 'node:net';

/** 127.0.0.0/8, ::1 and localhost: only this machine can connect. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  const version = isIP(host);
  if (version === 4) return host.startsWith('127.');
  if (version === 6) return host === '::1' || /^::ffff:127\./i.test(host);
  return false;
}

export interface ProtectedModeInput {
  readonly host: string;
  readonly password: string | undefined;
  readonly redisHasCredentials: boolean;
  /** `--protected-mode no`, as Redis has it: the operator guards the port some other way. */
  readonly protectedMode: boolean;
}

/** Throws, saying how to proceed, when the server would listen beyond loopback without authentication. */
export function checkProtectedMode(input: ProtectedModeInput): void {
  if (!input.protectedMode || isLoopback(input.host)) return;
  if (input.password !== undefined || input.redisHasCredentials) return;
  throw new Error(
    `refusing to listen on ${input.host} without authentication (protected mode): anyone who can reach it could ` +
      "run code with this server's rights. Set a password (--password or GEARBOX_PASSWORD), or put an ACL " +
      "user's credentials in the Redis URL so clients must AUTH as Redis users, or listen on 127.0.0.1; " +
      'only if a firewall already guards the port, pass --protected-mode no',
  );
}
