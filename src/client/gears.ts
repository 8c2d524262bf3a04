// gears: every RedisGears command as a typed method (RedGrease's `Gears`), over any Redis client.
import type {
  ClosedGearFunction,
  ExecutionResult,
  GearsBuilder,
  OpenGearFunction,
  ParametrizedFunction,
} from '../model/index.js';
import { GearsConfig } from './config.js';
import type { GearsError } from './errors.js';
import { sendable, type GearFunctionInput } from './functions.js';
import { sender, type CommandArg, type GearsClientLike, type Send } from './link.js';
import {
  parseClusterInfo,
  parseExecID,
  parseExecutionPlans,
  parseExecutions,
  parseRegistrations,
  parseRequirements,
  parseResults,
  parseStats,
} from './replies/parse.js';
import type {
  ClusterInfo,
  ExecID,
  ExecutionInfo,
  ExecutionPlan,
  ExecutionStatus,
  JsStats,
  Registration,
  RequirementInfo,
} from './replies/types.js';
import { list } from './replies/values.js';

/** Anything that names an execution or registration: its id, or a parsed reply that holds one. */
export type IdLike = string | ExecID | ExecutionInfo | Registration;

function idOf(id: IdLike): string {
  if (typeof id === 'string') return id;
  if ('executionId' in id) return id.executionId.text;
  if ('RegistrationData' in id) return id.id.text;
  return id.text;
}

export interface JsexecuteOptions {
  /** Answer an execution id at once instead of the results (RG.JSEXECUTE ... UNBLOCKING). */
  readonly unblocking?: boolean;
  /** npm specs to install on the server first, besides those the function declares. */
  readonly requirements?: readonly string[];
  /** Session name (RG.JSEXECUTE ... ID <name>): the source's registrations belong to it. */
  readonly id?: string;
  /** With `id`: replace the session's registrations with the new ones in one step. */
  readonly upgrade?: boolean;
}

export interface DumpExecutionsFilter {
  readonly status?: ExecutionStatus;
  readonly registered?: boolean;
}

/** RedGrease's dumpregistrations filters; each given one must match. */
export interface DumpRegistrationsFilter {
  readonly reader?: string;
  readonly desc?: string;
  readonly mode?: string;
  /** A KeysReader registration whose key pattern is this. */
  readonly key?: string;
  /** A StreamReader registration whose stream pattern is this. */
  readonly stream?: string;
  /** A CommandReader registration answering this trigger. */
  readonly trigger?: string;
}

function matches(registration: Registration, filter: DumpRegistrationsFilter): boolean {
  const data = registration.RegistrationData;
  const args = data.args as Record<string, unknown>;
  const pattern = args.regex ?? args.pattern ?? args.prefix;
  return (
    (filter.reader === undefined || registration.reader === filter.reader) &&
    (filter.desc === undefined || registration.desc === filter.desc) &&
    (filter.mode === undefined || data.mode === filter.mode) &&
    (filter.key === undefined || (registration.reader === 'KeysReader' && pattern === filter.key)) &&
    (filter.stream === undefined || (registration.reader === 'StreamReader' && pattern === filter.stream)) &&
    (filter.trigger === undefined || (registration.reader === 'CommandReader' && args.trigger === filter.trigger))
  );
}

/** What jsexecute answers: the results, or the execution id when unblocking (either, if that is not known). */
export type JsexecuteReply<T, O extends JsexecuteOptions | undefined> = [O] extends [{ readonly unblocking: true }]
  ? ExecID
  : [O] extends [{ readonly unblocking?: false } | undefined]
    ? ExecutionResult<T>
    : ExecID | ExecutionResult<T>;

export class Gears {
  readonly config: GearsConfig;
  /** Sends one raw command through the client (errors as GearsError subclasses). */
  readonly send: Send;

  constructor(client: GearsClientLike) {
    this.send = sender(client);
    this.config = new GearsConfig(this.send);
  }

  /**
   * Runs or registers a gear function: source text, a `.js`/`.ts` script path (bundled), or a
   * GearFunction object (an open one is closed with run()). Results come back typed by the function.
   */
  async jsexecute<const O extends JsexecuteOptions | undefined = undefined>(
    fn: OpenGearFunction<any, any> | GearsBuilder<any, any>,
    options?: O,
  ): Promise<JsexecuteReply<string, O>>;
  async jsexecute<T, const O extends JsexecuteOptions | undefined = undefined>(
    fn: ClosedGearFunction<T> | ParametrizedFunction<T>,
    options?: O,
  ): Promise<JsexecuteReply<T, O>>;
  async jsexecute<T = unknown, const O extends JsexecuteOptions | undefined = undefined>(
    source: string,
    options?: O,
  ): Promise<JsexecuteReply<T, O>>;
  async jsexecute(fn: GearFunctionInput, options?: JsexecuteOptions): Promise<unknown> {
    const { source, requirements, explain } = await sendable(fn);
    const args: CommandArg[] = [source];
    if (options?.id !== undefined) args.push('ID', options.id);
    if (options?.upgrade) args.push('UPGRADE');
    if (options?.unblocking) args.push('UNBLOCKING');
    const specs = [...new Set([...requirements, ...(options?.requirements ?? [])])];
    if (specs.length) args.push('REQUIREMENTS', ...specs);
    const reply = await this.send('RG.JSEXECUTE', args).catch((err: GearsError) => {
      throw explain ? explain(err) : err;
    });
    if (options?.unblocking) return parseExecID(reply);
    return parseResults(Array.isArray(reply) ? reply : [[], []]);
  }

  async getresults<T = unknown>(id: IdLike): Promise<ExecutionResult<T>> {
    return parseResults<T>(await this.send('RG.GETRESULTS', [idOf(id)]));
  }

  async getresultsblocking<T = unknown>(id: IdLike): Promise<ExecutionResult<T>> {
    return parseResults<T>(await this.send('RG.GETRESULTSBLOCKING', [idOf(id)]));
  }

  /** `locality` 'CLUSTER': every shard's executions, once per id (the node's own by default). */
  async dumpexecutions(filter: DumpExecutionsFilter = {}, locality?: 'SHARD' | 'CLUSTER'): Promise<ExecutionInfo[]> {
    return parseExecutions(await this.send('RG.DUMPEXECUTIONS', locality ? [locality] : [])).filter(
      (e) =>
        (filter.status === undefined || e.status === filter.status) &&
        (filter.registered === undefined || e.registered === filter.registered),
    );
  }

  /** `locality` 'CLUSTER': the counters added up over every shard (the node's own by default). */
  async dumpregistrations(
    filter: DumpRegistrationsFilter = {},
    locality?: 'SHARD' | 'CLUSTER',
  ): Promise<Registration[]> {
    return parseRegistrations(await this.send('RG.DUMPREGISTRATIONS', locality ? [locality] : [])).filter((r) =>
      matches(r, filter),
    );
  }

  async getexecution(id: IdLike, locality?: 'SHARD' | 'CLUSTER'): Promise<Record<string, ExecutionPlan>> {
    return parseExecutionPlans(await this.send('RG.GETEXECUTION', locality ? [idOf(id), locality] : [idOf(id)]));
  }

  async abortexecution(id: IdLike): Promise<true> {
    await this.send('RG.ABORTEXECUTION', [idOf(id)]);
    return true;
  }

  async dropexecution(id: IdLike): Promise<true> {
    await this.send('RG.DROPEXECUTION', [idOf(id)]);
    return true;
  }

  async unregister(id: IdLike): Promise<true> {
    await this.send('RG.UNREGISTER', [idOf(id)]);
    return true;
  }

  async pauseregistrations(...ids: IdLike[]): Promise<true> {
    await this.send('RG.PAUSEREGISTRATIONS', ids.map(idOf));
    return true;
  }

  async unpauseregistrations(...ids: IdLike[]): Promise<true> {
    await this.send('RG.UNPAUSEREGISTRATIONS', ids.map(idOf));
    return true;
  }

  async clearregistrationsstats(): Promise<true> {
    await this.send('RG.CLEARREGISTRATIONSSTATS');
    return true;
  }

  /** RG.TRIGGER: runs the CommandReader registration answering `name` with `args`. */
  async trigger<T = string>(name: string, ...args: CommandArg[]): Promise<ExecutionResult<T>> {
    return triggerResult<T>(await this.send('RG.TRIGGER', [name, ...args]));
  }

  async triggeronkey<T = string>(name: string, key: string, ...args: CommandArg[]): Promise<ExecutionResult<T>> {
    return triggerResult<T>(await this.send('RG.TRIGGERONKEY', [name, key, ...args]));
  }

  async jsdumpreqs(): Promise<RequirementInfo[]> {
    return parseRequirements(await this.send('RG.JSDUMPREQS'));
  }

  async jsstats(): Promise<JsStats> {
    return parseStats(await this.send('RG.JSSTATS'));
  }

  /** Null outside a Redis Cluster. */
  async infocluster(): Promise<ClusterInfo | null> {
    return parseClusterInfo(await this.send('RG.INFOCLUSTER'));
  }

  async refreshcluster(): Promise<true> {
    await this.send('RG.REFRESHCLUSTER');
    return true;
  }

  /** Whether the server answers the gears commands (false for a plain Redis). */
  async available(): Promise<boolean> {
    try {
      await this.send('RG.JSSTATS');
      return true;
    } catch {
      return false;
    }
  }
}

/** RG.TRIGGER answers the function's results (its first error as an error reply, as in RedisGears 1.2). */
function triggerResult<T>(reply: unknown): ExecutionResult<T> {
  return parseResults<T>([list(reply), []]);
}
