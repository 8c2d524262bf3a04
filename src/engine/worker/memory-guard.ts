// The memory cap of an execution thread covers what V8's own heap limit (the Worker's resourceLimits)
// does not: Buffers and other ArrayBuffers live outside the JavaScript heap, so a function could hold
// gigabytes of them under any heap limit. Their total is per thread (per isolate), read here.
import { getHeapStatistics } from 'node:v8';

const CHECK_EVERY_MS = 50;
const MB = 1024 * 1024;

export interface MemoryUse {
  readonly heapMb: number;
  readonly externalMb: number;
}

function use(): MemoryUse {
  const heap = getHeapStatistics();
  return { heapMb: heap.used_heap_size / MB, externalMb: heap.external_memory / MB };
}

/** The message of an execution that went over the cap. */
export function overCapMessage(capMb: number, used?: MemoryUse): string {
  const detail = used ? `: heap ${Math.round(used.heapMb)} MB, Buffers ${Math.round(used.externalMb)} MB` : '';
  return (
    `the execution exceeded its thread's memory cap (ExecutionMaxMemory ${capMb} MB${detail}); ` +
    'the thread was replaced, so nothing the function held remains: hold less at once, or raise ExecutionMaxMemory'
  );
}

/**
 * Checks the thread's memory while an execution runs (between its awaits: a loop that never yields
 * is stopped by the heap limit or RG.ABORTEXECUTION instead), calling `onOver` once if it is over.
 * One timer serves a run of executions (a trigger is one execution each): it stops itself at the
 * first tick that finds no execution watched, rather than being made and cleared per execution.
 */
export function memoryWatcher(capMb: number): (onOver: (message: string) => void) => () => void {
  let timer: NodeJS.Timeout | undefined;
  let current: ((message: string) => void) | undefined;
  let strikes = 0;
  const tick = () => {
    if (!current) {
      clearInterval(timer);
      timer = undefined;
      return;
    }
    const now = use();
    // twice in a row: Buffers dropped a moment ago count until the next garbage collection frees them
    strikes = now.heapMb + now.externalMb > capMb ? strikes + 1 : 0;
    if (strikes < 2) return;
    const onOver = current;
    current = undefined;
    onOver(overCapMessage(capMb, now));
  };
  return (onOver) => {
    current = onOver;
    strikes = 0;
    timer ??= setInterval(tick, CHECK_EVERY_MS);
    return () => {
      if (current === onOver) current = undefined;
    };
  };
}
