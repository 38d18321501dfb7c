using Serverless.Functions.Hosting;

var app = HandlerApp.Build(HandlerApp.CreateBuilder(args));

var failures = HandlerApp.ValidateConfiguration(app.Services);
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
