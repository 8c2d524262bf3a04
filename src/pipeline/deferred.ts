// A value that a pipeline fills in when it executes. Deliberately not a thenable: an async function
// may return one without `await` unwrapping it (and so waiting for a pipeline that has not run yet).
// Pipelines create one per command, so the shape stays small and the promise is only made on demand.

const PENDING = 0;
const FULFILLED = 1;
const REJECTED = 2;
type State = typeof PENDING | typeof FULFILLED | typeof REJECTED;

export class NotExecutedError extends Error {
  constructor() {
    super(
      'this result is not available yet: its pipeline has not executed. Read `.result` after the outermost pipeline ' +
        'has run, or `await deferred.promise`.',
    );
    this.name = 'NotExecutedError';
  }
}

/** Only results somebody waits on get one: most command results are just read after execution. */
interface Waiters {
  promise: Promise<any> | undefined;
  resolve: ((value: any) => void) | undefined;
  reject: ((error: Error) => void) | undefined;
  listeners: ((source: DeferredResult<any>) => void)[] | undefined;
}

export class DeferredResult<T> {
  private state: State;
  private value: T | Error | undefined;
  private waiters: Waiters | undefined;

  constructor() {
    this.state = PENDING;
    this.value = undefined;
    this.waiters = undefined;
  }

  /** A result that is already known, e.g. for a function that can sometimes answer without Redis. */
  static of<T>(value: T): DeferredResult<T> {
    const ref = new DeferredResult<T>();
    ref.set(value);
    return ref;
  }

  /** The value; throws if the pipeline has not executed, or the error that failed this result. */
  get result(): T {
    if (this.state === FULFILLED) return this.value as T;
    if (this.state === REJECTED) throw this.value as Error;
    throw new NotExecutedError();
  }

  get settled(): boolean {
    return this.state !== PENDING;
  }

  /** The error that failed this result, if it failed. */
  get error(): Error | undefined {
    return this.state === REJECTED ? (this.value as Error) : undefined;
  }

  /** Settles with the value once known; created on first read so commands nobody awaits cost no promise. */
  get promise(): Promise<T> {
    const waiters = this.waitersOf();
    if (waiters.promise) return waiters.promise;
    if (this.state === FULFILLED) waiters.promise = Promise.resolve(this.value as T);
    else if (this.state === REJECTED) waiters.promise = Promise.reject(this.value as Error);
    else {
      waiters.promise = new Promise<T>((resolve, reject) => {
        waiters.resolve = resolve;
        waiters.reject = reject;
      });
    }
    return waiters.promise;
  }

  /** Fills in the value; a callback registered with `pipe.onExecute` uses this to combine other results. */
  set(value: T): void {
    if (this.state !== PENDING) throw new Error('this DeferredResult is already settled; it can be set only once');
    this.state = FULFILLED;
    this.value = value;
    if (this.waiters) this.notify(this.waiters);
  }

  /** Fails this result: reading `result` throws `error` and `promise` rejects with it. */
  fail(error: Error): void {
    if (this.state !== PENDING) throw new Error('this DeferredResult is already settled; it can be failed only once');
    this.state = REJECTED;
    this.value = error;
    if (this.waiters) this.notify(this.waiters);
  }

  /** Settles this result the same way as `source`, now or when `source` settles. */
  follow(source: DeferredResult<T>): void {
    if (source.state === PENDING) source.listen((settled) => this.follow(settled));
    else if (source.state === FULFILLED) this.set(source.value as T);
    else this.fail(source.value as Error);
  }

  /** A DeferredResult of `fn` applied to this one's value; an error (this one's or fn's) fails it. */
  map<U>(fn: (value: T) => U): DeferredResult<U> {
    const mapped = new DeferredResult<U>();
    const apply = (source: DeferredResult<T>): void => {
      if (source.state === REJECTED) return mapped.fail(source.value as Error);
      let value: U;
      try {
        value = fn(source.value as T);
      } catch (err) {
        return mapped.fail(err instanceof Error ? err : new Error(String(err)));
      }
      mapped.set(value);
    };
    if (this.state === PENDING) this.listen(apply);
    else apply(this);
    return mapped;
  }

  private listen(listener: (source: DeferredResult<T>) => void): void {
    (this.waitersOf().listeners ??= []).push(listener);
  }

  private waitersOf(): Waiters {
    return (this.waiters ??= { promise: undefined, resolve: undefined, reject: undefined, listeners: undefined });
  }

  private notify(waiters: Waiters): void {
    if (this.state === FULFILLED) waiters.resolve?.(this.value);
    else waiters.reject?.(this.value as Error);
    const listeners = waiters.listeners;
    if (!listeners) return;
    waiters.listeners = undefined;
    for (const listener of listeners) listener(this);
  }
}

/** What a pipeline body's return becomes: a DeferredResult returned directly is flattened, as promises are. */
export type Unwrapped<R> = R extends DeferredResult<infer U> ? U : R;

export function isDeferred(value: unknown): value is DeferredResult<unknown> {
  return value instanceof DeferredResult;
}
