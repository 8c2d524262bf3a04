// A connection's recent grant of the right to call functions (RG.TRIGGER, RG.TRIGGERONKEY), so a
// client calling a trigger in a loop does not pay an ACL probe's round trip to Redis on every call
// (it was about a third of a trigger's latency, bench/client.ts). Only that right is remembered:
// submitting code and changing the server always ask Redis, and a refusal is never remembered, so a
// right granted in Redis applies at once. A right revoked in Redis applies to RG.TRIGGER within
// GRANT_TTL_MS; at once when the ACL command went through any gears server connection in this process,
// or when the client authenticates again (README.md, "Security and operations").
import type { Right } from './acl.js';
import type { Credentials } from './link/setup.js';

/** How long a granted right to call functions is trusted without asking Redis again. */
export const GRANT_TTL_MS = 1000;

/**
 * Bumped by every ACL command relayed through a gears server of this process: grants made before it
 * are asked again. Process-wide rather than per server, which only errs on the side of asking.
 */
let aclEpoch = 0;

/** An ACL command went through: every connection's grants are stale. */
export function aclChanged(): void {
  aclEpoch++;
}

export class Grants {
  /** The credentials the grant was made for (null: Redis' default user); undefined: no grant. */
  private holder: Credentials | null | undefined = undefined;
  private epoch = 0;
  private until = 0;

  /** Whether `right` was granted to `credentials` recently enough to skip asking Redis. */
  holds(right: Right, credentials: Credentials | null): boolean {
    return (
      right === 'functions' && this.holder === credentials && this.epoch === aclEpoch && performance.now() < this.until
    );
  }

  /** Redis allowed `right` to `credentials` just now. */
  granted(right: Right, credentials: Credentials | null): void {
    if (right !== 'functions') return;
    this.holder = credentials;
    this.epoch = aclEpoch;
    this.until = performance.now() + GRANT_TTL_MS;
  }

  /** Redis refused: nothing is trusted until it grants again. */
  refused(): void {
    this.holder = undefined;
  }
}
