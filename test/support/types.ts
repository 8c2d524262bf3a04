// Compile-time checks for the type tests: `exactly<T>()(value, true)` compiles only if the value's
// type is exactly T (not merely assignable), so a regression in a public type fails the build.

/** Exact type equality (not mere assignability). */
export type Equals<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;

/** `exactly<T>()(value, true)` compiles only if the value's type is exactly T. */
export const exactly =
  <Expected>() =>
  <V>(_value: V, _proof: Equals<V, Expected>) =>
    undefined;
