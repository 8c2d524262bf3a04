// Gives the model's `fn.on(client)` and `run({ on: client })` their meaning: send with that client.
import { setSender } from '../model/index.js';
import { gearsOf, type GearsTarget } from './target.js';

setSender((fn, target) => gearsOf(target as GearsTarget).jsexecute(fn));
