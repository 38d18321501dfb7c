using System.Collections;
using Serverless.Ops;

var environment = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
{
    environment[(string)variable.Key] = (string?)variable.Value;
}

return await OpsCli.RunAsync(args, environment, Console.Out, Console.Error, TimeProvider.System, CancellationToken.None);
