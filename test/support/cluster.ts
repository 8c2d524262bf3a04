// A private 3-primary Redis Cluster for tests and benchmarks (the cluster demo uses the same helper).
export * from '../../src/cli/cluster-processes.js';
