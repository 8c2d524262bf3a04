// RG.* commands are gated by the client's rights in Redis' own ACL, so there is no separate user
// store: submitting or removing code and changing configuration need the rights to run scripts (EVAL
// and FUNCTION LOAD), calling a registered trigger needs the right to call functions (FCALL), reading
// executions and registrations needs neither, only authentication. The check asks Redis itself: the
// gears server sends harmless probe commands as the client's user (on the client's shared link) and
// reads Redis' answers; only NOAUTH and NOPERM deny.
import { isErrorFrame } from './link/expect.js';
import { encodeCommand } from './resp/encode.js';
import { ErrorReply } from './resp/reply.js';

export type Right = 'scripts' | 'functions' | 'read';

const RIGHTS: Record<string, Right> = {
  'rg.jsexecute': 'scripts',
  'rg.pyexecute': 'scripts',
  'rg.unregister': 'scripts',
  'rg.configset': 'scripts',
  'rg.abortexecution': 'scripts',
  'rg.dropexecution': 'scripts',
  'rg.pauseregistrations': 'scripts',
  'rg.unpauseregistrations': 'scripts',
  'rg.clearregistrationsstats': 'scripts',
  'rg.trigger': 'functions',
  'rg.triggeronkey': 'functions',
  'rg.getresults': 'read',
  'rg.getresultsblocking': 'read',
  'rg.dumpexecutions': 'read',
  'rg.getexecution': 'read',
  'rg.dumpregistrations': 'read',
  'rg.configget': 'read',
  'rg.infocluster': 'read',
  'rg.refreshcluster': 'read',
  'rg.jsstats': 'read',
  'rg.jsdumpreqs': 'read',
};

/** What a table command needs; one not listed needs the most (the rights to run scripts). */
export function rightOf(name: string): Right {
  return RIGHTS[name] ?? 'scripts';
}

const NEEDS: Record<Right, string> = {
  scripts: 'EVAL and FUNCTION LOAD',
  functions: 'FCALL',
  read: 'authentication',
};

// Each probe passes Redis' ACL check exactly when the user has the right, and then does nothing:
// a constant script, an empty library (refused as malformed), a function name that cannot exist.
const PROBES: Record<Right, Buffer[]> = {
  scripts: [encodeCommand(['EVAL', 'return 0', '0']), encodeCommand(['FUNCTION', 'LOAD', ''])],
  functions: [encodeCommand(['FCALL', '', '0'])],
  read: [encodeCommand(['PING'])],
};

/**
 * The probes to send before running `right`'s commands. Reading needs only authentication, which a
 * client with credentials (checked by Redis or by `--password`) has already shown.
 */
export function probesFor(right: Right, hasCredentials: boolean): readonly Buffer[] {
  return right === 'read' && hasCredentials ? [] : PROBES[right];
}

const startsWith = (frame: Buffer, word: string): boolean => frame.toString('latin1', 1, 1 + word.length) === word;

/** Redis' answers to the probes: null if the command may run, else the error to reply. */
export function verdict(name: string, right: Right, answers: readonly Buffer[]): ErrorReply | Buffer | null {
  for (const a of answers) {
    if (!isErrorFrame(a)) continue;
    // Redis' own NOAUTH, as the client would get it for any command
    if (startsWith(a, 'NOAUTH')) return a;
    if (startsWith(a, 'NOPERM') && right !== 'read') {
      return new ErrorReply(
        `NOPERM this user has no permissions to run the '${name}' command: it needs the rights for ${NEEDS[right]}`,
      );
    }
  }
  return null;
}
