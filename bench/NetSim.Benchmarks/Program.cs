using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(NetSim.Benchmarks.CalendarBenchmarks).Assembly).Run(args);
