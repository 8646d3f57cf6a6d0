using NetSim.Scenarios.Benchmarks;

return BenchmarkChild.Run("netsim-bench-case", args);
