using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Serverless.Functions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();

// Log levels in code rather than an appsettings.json: no settings file to find and watch at start-up.
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.Services.AddFunctionApp(builder.Configuration);
using var host = builder.Build();

// Checked before the worker connects to the host: bad settings stop it with one line per key, not a failed invocation later.
var failures = FunctionAppServices.ValidateConfiguration(host.Services);
if (failures.Count > 0)
{
    foreach (var failure in failures)
    {
        await Console.Error.WriteLineAsync($"Configuration error: {failure}");
    }

    return 2;
}

await host.RunAsync();
return 0;
