// Assembles the command groups into one surface. Each group is a class of its own (one file per data
// type); `applyCommands` copies their methods onto the pipeline's prototype, and the interface below
// gives the pipeline their types, generics and overloads included.
import { GenericCommands } from './generic.js';
import { HashCommands } from './hashes.js';
import { HyperLogLogCommands } from './hyperloglog.js';
import { KeyCommands } from './keys.js';
import { ListCommands } from './lists.js';
import { SetCommands } from './sets.js';
import { SortedSetCommands } from './sorted-sets.js';
import { StringCommands } from './strings.js';

export interface RedisCommands
  extends
    KeyCommands,
    StringCommands,
    HashCommands,
    ListCommands,
    SetCommands,
    SortedSetCommands,
    HyperLogLogCommands,
    GenericCommands {}

const groups = [
  KeyCommands,
  StringCommands,
  HashCommands,
  ListCommands,
  SetCommands,
  SortedSetCommands,
  HyperLogLogCommands,
  GenericCommands,
];

export function applyCommands(target: abstract new (...args: any[]) => unknown): void {
  for (const group of groups) {
    for (const name of Object.getOwnPropertyNames(group.prototype)) {
      if (name === 'constructor') continue;
      if (Object.prototype.hasOwnProperty.call(target.prototype, name)) {
        throw new Error(`command ${name} is defined twice: by ${group.name} and by ${target.name}`);
      }
      Object.defineProperty(target.prototype, name, Object.getOwnPropertyDescriptor(group.prototype, name)!);
    }
  }
}

export type { KeyType, ExpireMode, ScanOptions } from './keys.js';
export type { SetOptions } from './strings.js';
export type { ListEnd } from './lists.js';
export type { ScoreBound, LexBound, ZaddOptions, Limit } from './sorted-sets.js';
export { CommandQueue } from './queue.js';
