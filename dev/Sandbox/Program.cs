using Serverless.Sandbox.Cli;

return await SandboxCli.RunAsync(args, Console.Out, Console.Error, CancellationToken.None);
