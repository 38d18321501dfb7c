using Microsoft.Extensions.Options;
using Serverless.Functions.Hosting;

WebApplication app;
try
{
    app = HandlerApp.Build(HandlerApp.CreateBuilder(args));

    // Validate here rather than inside the host's start, so a bad setting is one clear line, not a stack trace.
    app.Services.GetRequiredService<IStartupValidator>().Validate();
}
catch (OptionsValidationException exception)
{
    foreach (var failure in exception.Failures)
    {
        await Console.Error.WriteLineAsync($"Configuration error: {failure}");
    }

    return 2;
}

await app.RunAsync();
return 0;
