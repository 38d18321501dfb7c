using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Hosting;
using Serverless.Functions.Hosting;
using Serverless.Observability;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();

// Log levels in code rather than an appsettings.json: no settings file to find and watch at start-up.
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.Services.AddFunctionApp(builder.Configuration);
// The worker's invocation span is the request's: it carries the host's trace context, and the host leaves the worker's telemetry to it.
builder.Services.AddBotTelemetry(builder.Configuration, roleName: "functions", host => host.UseFunctionsWorkerDefaults());
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
