// `pipeline()`: runs a body with a pipe, nests into a parent's pipeline when given one, and otherwise
// executes once the body is done. This is RedPipe's PipelineContext as a function.
import type { FailedCommand, QueuedCommand } from './command.js';
import { DeferredResult, isDeferred, type Unwrapped } from './deferred.js';
import { Batches } from './batches.js';
import { Pipeline } from './pipeline.js';
import { DEFAULT_CONNECTION, getConnection } from './connections/registry.js';

export interface PipelineOptions {
  /** The named connection (see `connect`); the default one otherwise. A nested pipeline may name another. */
  readonly name?: string;
  /** MULTI/EXEC around each connection's commands. Decided by the outermost pipeline. */
  readonly transaction?: boolean;
}

export type PipelineBody<R> = (pipe: Pipeline) => R;

/**
 * Runs `body` at once with a pipe and answers a DeferredResult of what it returns: a DeferredResult
 * returned directly is flattened, anything else (arrays of DeferredResults, say) is the value as is,
 * available once the commands have executed. With a `parent` pipe the commands and callbacks join
 * the parent and run when the outermost pipeline does; without one they execute as soon as the body
 * has returned, or its promise settled. A body that throws executes nothing and rethrows.
 */
export function pipeline<R>(body: PipelineBody<R>, options?: PipelineOptions): DeferredResult<Unwrapped<Awaited<R>>>;
export function pipeline<R>(
  parent: Pipeline | undefined,
  body: PipelineBody<R>,
  options?: PipelineOptions,
): DeferredResult<Unwrapped<Awaited<R>>>;
export function pipeline<R>(
  first: Pipeline | undefined | PipelineBody<R>,
  second?: PipelineBody<R> | PipelineOptions,
  third?: PipelineOptions,
): DeferredResult<Unwrapped<Awaited<R>>> {
  const [parent, body, options] =
    typeof first === 'function' ? [undefined, first, second as PipelineOptions | undefined] : [first, second, third];
  if (typeof body !== 'function') {
    throw new TypeError('pipeline([parent], body, [options]): body must be a function that receives the pipe');
  }
  if (parent !== undefined && !(parent instanceof Pipeline)) {
    throw new TypeError('pipeline(parent, body): parent must be a pipe given by pipeline(), or undefined');
  }
  const name = options?.name ?? parent?.connectionName ?? DEFAULT_CONNECTION;
  getConnection(name); // an unknown name fails here, naming it, rather than at execution
  if (parent && options?.transaction && !parent.transaction) {
    throw new Error(
      'a nested pipeline asked for a transaction but its parent is not one: pass { transaction: true } to the ' +
        'outermost pipeline',
    );
  }
  const pipe = new Pipeline(name, parent ? parent.transaction : options?.transaction === true, new Batches(name));
  const result = new DeferredResult<Unwrapped<Awaited<R>>>();

  let returned: R;
  try {
    returned = body(pipe);
  } catch (err) {
    discard(pipe.batches, err);
    throw err;
  }
  if (!isPromiseLike(returned)) {
    complete(pipe, parent, result, returned);
    return result;
  }
  const done = Promise.resolve(returned).then(
    (value) => complete(pipe, parent, result, value),
    (err: unknown) => {
      discard(pipe.batches, err);
      result.fail(err instanceof Error ? err : new Error(String(err)));
    },
  );
  if (parent) parent.batches.pending.push(done);
  return result;
}

/** The body is done: hand everything to the parent, or execute. Async only when nested bodies still run. */
function complete<V>(
  pipe: Pipeline,
  parent: Pipeline | undefined,
  result: DeferredResult<any>,
  value: V,
): void | Promise<void> {
  const batches = pipe.batches;
  if (parent) {
    batches.callbacks.push(() => settleWith(result, value));
    if (batches.pending.length === 0) return mergeInto(batches, parent.batches);
    const merged = batches.drainPending().then(() => mergeInto(batches, parent.batches));
    parent.batches.pending.push(merged);
    return merged;
  }
  void execute(batches, pipe.transaction, () => settleWith(result, value), result);
}

function mergeInto(child: Batches, parent: Batches): void {
  if (parent.closed) {
    discard(
      child,
      new Error(
        'the parent pipeline had already executed when this nested pipeline finished: await nested async ' +
          'pipelines inside the parent body',
      ),
    );
    return;
  }
  child.mergeInto(parent);
}

async function execute(
  batches: Batches,
  transaction: boolean,
  settle: () => void,
  result: DeferredResult<any>,
): Promise<void> {
  if (batches.pending.length > 0) await batches.drainPending();
  batches.close();
  const work: Promise<void>[] = [];
  const queues = batches.queues();
  for (const [name, commands] of queues) {
    try {
      work.push(getConnection(name).execute(commands, transaction));
    } catch (err) {
      for (const command of commands) command.abort(err as Error);
    }
  }
  if (work.length === 1) await work[0];
  else if (work.length > 1) await Promise.all(work);

  batches.failures = collectFailures(queues);
  const callbacks = batches.callbacks;
  batches.clear();
  let callbackError: unknown;
  for (const callback of callbacks) {
    try {
      callback();
    } catch (err) {
      callbackError ??= err;
    }
  }
  if (callbackError === undefined) settle();
  else result.fail(callbackError instanceof Error ? callbackError : new Error(String(callbackError)));
}

function collectFailures(queues: readonly [string, readonly QueuedCommand[]][]): readonly FailedCommand[] {
  let failures: FailedCommand[] | undefined;
  for (const [, commands] of queues) {
    for (const command of commands) {
      const error = command.error;
      if (error) (failures ??= []).push({ command: command.name, args: command.args, error });
    }
  }
  return failures ?? [];
}

function settleWith(result: DeferredResult<any>, value: unknown): void {
  if (isDeferred(value)) result.follow(value);
  else result.set(value);
}

function discard(batches: Batches, reason: unknown): void {
  batches.close();
  const error = new Error('not executed: the pipeline body failed', { cause: reason });
  batches.abortAll(error);
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
