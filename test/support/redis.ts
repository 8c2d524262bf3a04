// Private redis-server and gears server processes for tests and benchmarks (the demo uses the same helpers).
export * from '../../src/cli/processes.js';
