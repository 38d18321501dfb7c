using System.CommandLine;
using Serverless.DevHost;

// Stopping kills the handler and waits for it; give that time before System.CommandLine ends the process.
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(20) };
return await DevHostCommand.Create().Parse(args).InvokeAsync(invocation);
