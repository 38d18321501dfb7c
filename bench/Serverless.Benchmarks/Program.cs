using BenchmarkDotNet.Running;
using Serverless.Benchmarks;

// Not typeof(Program): Serverless.Functions' own Program is visible here through InternalsVisibleTo.
BenchmarkSwitcher.FromAssembly(typeof(SignatureBenchmarks).Assembly).Run(args);
