// Starts an execution thread with the application's node flags where a thread can take them. A thread
// inherits them (loaders, --conditions, --enable-source-maps), but Node refuses some in a thread:
// process-wide ones (--max-old-space-size, --title, ...: a thread's heap is set by resourceLimits instead)
// and --input-type in a thread that runs a file. Left in, any of them would fail every thread, and with
// it `gearbox serve` started as `node --max-old-space-size=4096 ...`. Node names what it refuses; those
// are left out, once, for every later thread.
import { Worker, type WorkerOptions } from 'node:worker_threads';

let execArgv = process.execArgv.filter((arg) => !arg.startsWith('--input-type'));

const REFUSED = 'ERR_WORKER_INVALID_EXEC_ARGV';

export function spawnWorker(url: URL, options: Omit<WorkerOptions, 'execArgv'>): Worker {
  try {
    return new Worker(url, { ...options, execArgv });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== REFUSED || execArgv.length === 0) throw err;
    const named = (err as Error).message.split(': ').slice(1).join(': ').split(', ');
    const kept = execArgv.filter((arg) => !named.includes(arg));
    // what Node named could not be told apart from the flags given: the thread takes none
    execArgv = kept.length < execArgv.length ? kept : [];
    return spawnWorker(url, options);
  }
}
