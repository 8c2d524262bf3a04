// The errors an application gets from the client: one GearsError family, a subclass per thing that
// went wrong, each message saying what happened and what to try.

/** Anything the gears client reports; the subclasses say what kind of problem it was. */
export class GearsError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Nothing answers at the address (refused, unreachable, timed out). */
export class GearsConnectionError extends GearsError {}

/** The gears server answers, but the Redis behind it does not. */
export class GearsRedisUnavailableError extends GearsConnectionError {}

/** Redis or the gears server refused the credentials, or wanted some and got none. */
export class GearsAuthError extends GearsError {}

/** The server is a plain Redis: it does not know the RG.* commands. */
export class GearsNotAvailableError extends GearsError {}

/** RG.GETRESULTS, RG.GETEXECUTION and friends named an execution the server does not know. */
export class ExecutionNotFoundError extends GearsError {}

/** A gear function's source or script file could not be read, compiled or parsed. */
export class GearsScriptError extends GearsError {}

/** The gears server refused or failed the function (a reply error that none of the above explains). */
export class GearsExecutionError extends GearsError {}

/** npm could not install a requirement of the function (its message says why); the function did not run. */
export class GearsRequirementsError extends GearsExecutionError {}

/** `command()` without `replace`: another registration already answers this trigger name. */
export class DuplicateTriggerError extends GearsError {}

/** The parts of a client error message that identify what went wrong, as Redis and gearbox word them. */
const PATTERNS: readonly [RegExp, (message: string, command: string, at: string) => GearsError][] = [
  // first: npm's own words inside it (ENOTFOUND, "does not exist") are not about the gears server
  [/Could not satisfy requirements/, (m) => new GearsRequirementsError(m)],
  // the gears server's own words for a Redis it cannot reach (src/engine/redis-health.ts)
  [
    /cannot reach Redis at|Redis at \S+ closed the gears server's connection/,
    (m) => new GearsRedisUnavailableError(`the gears server answers but its Redis does not: ${m}`),
  ],
  [
    /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|Connection is closed|The client is closed|Socket closed/i,
    (m, _c, at) =>
      new GearsConnectionError(
        `cannot reach the gears server${at} (${m}): start one with 'gearbox serve --redis <redis-url>' or check the host and port`,
      ),
  ],
  [
    /WRONGPASS|invalid password|invalid username-password/i,
    (m) => new GearsAuthError(`the password was refused (${m}): check the password (or GEARBOX_PASSWORD / REDIS_URL)`),
  ],
  [
    /NOAUTH|Authentication required/i,
    (m) =>
      new GearsAuthError(`the server needs a password (${m}): pass password in the options or set GEARBOX_PASSWORD`),
  ],
  [
    /unknown command .?rg\./i,
    (m, c, at) =>
      new GearsNotAvailableError(
        `${c} went to a Redis without gearbox${at} (${m}): connect to a gears server ('gearbox serve --redis <redis-url>' listens on port 6390)`,
      ),
  ],
  [
    /execution does not exist|no such execution|execution .* not found|does not exist/i,
    (m, c) =>
      new ExecutionNotFoundError(`${c}: ${m}; list the executions the server keeps with gears.dumpexecutions()`),
  ],
  [/does not parse|SyntaxError/i, (m) => new GearsScriptError(m)],
];

/** The typed error for an error a Redis client raised while sending `command` to `address` (if known). */
export function gearsError(err: unknown, command: string, address?: string): GearsError {
  if (err instanceof GearsError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const at = address === undefined ? '' : ` at ${address}`;
  for (const [pattern, make] of PATTERNS) {
    if (pattern.test(message)) {
      const typed = make(message, command, at);
      return Object.assign(typed, { cause: err });
    }
  }
  return new GearsExecutionError(`${command}: ${message}`, { cause: err });
}
