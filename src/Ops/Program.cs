using System.Collections;
using Serverless.Ops;

var environment = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
{
    environment[(string)variable.Key] = (string?)variable.Value;
}

// A person at the terminal can confirm destructive commands and watch progress; a script or pipeline cannot.
var terminal = new OpsTerminal(Console.In, !Console.IsInputRedirected && !Console.IsErrorRedirected);
return await OpsCli.RunAsync(
    args,
    environment,
    Console.Out,
    Console.Error,
    terminal,
    TimeProvider.System,
    DevelopmentSettings.Find(Environment.CurrentDirectory),
    CancellationToken.None);
