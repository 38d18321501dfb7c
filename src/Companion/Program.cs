using Serverless.Companion.Hosting;

var app = CompanionApp.Build(CompanionApp.CreateBuilder(args));

var failures = CompanionApp.ValidateConfiguration(app.Services);
if (failures.Count > 0)
{
    foreach (var failure in failures)
    {
        await Console.Error.WriteLineAsync($"Configuration error: {failure}");
    }

    return 2;
}

await app.RunAsync();
return 0;
