using System.CommandLine;
using Serverless.DevHost;

// Stopping terminates the worker (grace period, then kill) and waits for it; give that time before System.CommandLine ends the process.
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(20) };
return await DevHostCommand.Create().Parse(args).InvokeAsync(invocation);
