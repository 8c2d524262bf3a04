// The runtime as an application imports it, for callbacks written in application code:
// `import { execute, log } from 'gearbox/runtime'` gives them full types, as RedGrease callbacks
// import from `redgrease`. The functions only run inside a gear function on a gears server, where the
// runtime's own globals stand in for these imports (the model rewrites the imports to the globals
// when it turns a callback into source); called in the application, they say so.
import type { Runtime } from './globals.js';

function outside(name: string): never {
  throw new Error(
    `${name}() runs only inside a gear function on a gears server; call it from a callback and send the function with gears.jsexecute()`,
  );
}

const stub =
  <K extends string>(name: K) =>
  (..._args: unknown[]): never =>
    outside(name);

export const execute: Runtime['execute'] = stub('execute');
export const atomic: Runtime['atomic'] = stub('atomic');
export const hashtag: Runtime['hashtag'] = stub('hashtag');
export const hashtag3: Runtime['hashtag3'] = stub('hashtag3');
export const log: Runtime['log'] = stub('log');
export const configGet: Runtime['configGet'] = stub('configGet');
export const gearsConfigGet: Runtime['gearsConfigGet'] = stub('gearsConfigGet');
export const cmd: Runtime['cmd'] = new Proxy({} as Runtime['cmd'], {
  get: (_target, name) => stub(`cmd.${String(name)}`),
});

// The builder and the readers are the model's own: in the application they build GearFunction objects.
export * from '../model/app-builders.js';
