// RedGrease's ExecutionResult: what a batch execution gives back, typed by the function's records.
// It lives in the model because both the client (over RESP) and the embedded engine produce it.

/**
 * The results and errors of one execution. It iterates over the results; `value` is the single
 * result of a function that reduces to one value (`count()`, `avg()`, `aggregate()`), which is how
 * RedGrease unpacks a one-element result list.
 */
export class ExecutionResult<T> implements Iterable<T> {
  readonly results: readonly T[];
  /** The messages of the callbacks that threw; their records were dropped. */
  readonly errors: readonly string[];

  constructor(results: readonly T[], errors: readonly string[] = []) {
    this.results = results;
    this.errors = errors;
  }

  /** The only result; an error when the execution produced none or several (iterate those instead). */
  get value(): T {
    if (this.results.length !== 1) {
      throw new RangeError(
        `ExecutionResult.value: the execution produced ${this.results.length} results, not one; iterate the result or read .results`,
      );
    }
    return this.results[0]!;
  }

  get length(): number {
    return this.results.length;
  }

  /** True when no callback threw. */
  get ok(): boolean {
    return this.errors.length === 0;
  }

  [Symbol.iterator](): Iterator<T> {
    return this.results[Symbol.iterator]();
  }

  toJSON(): { results: readonly T[]; errors: readonly string[] } {
    return { results: this.results, errors: this.errors };
  }
}

/** The record type of a closed function (what its ExecutionResult holds). */
export type OutputOf<F> = F extends { readonly __output?: infer T } ? T : unknown;
