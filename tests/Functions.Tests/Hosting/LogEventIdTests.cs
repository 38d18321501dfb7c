using System.Reflection;
using Microsoft.Extensions.Logging;
using Serverless.Discord.Rest;
using Serverless.Domain.DeferredWork;
using Serverless.Functions.Hosting;
using Serverless.Storage;

namespace Serverless.Functions.Tests.Hosting;

public sealed class LogEventIdTests
{
    /// <summary>The runbook sends operators to log lines by event id, so one id must mean one line in the Functions app.</summary>
    [Fact]
    public void EveryLogEventOfTheFunctionsApp_HasItsOwnId()
    {
        Assembly[] assemblies = [typeof(FunctionAppServices).Assembly, typeof(DiscordRestClient).Assembly, typeof(StorageAccount).Assembly, typeof(DeferredWorkRunner).Assembly];
        var events = assemblies
            .SelectMany(assembly => assembly.GetTypes())
            .SelectMany(type => type.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(method => (Method: method, Attribute: method.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(entry => entry.Attribute is not null)
            .ToList();

        Assert.NotEmpty(events);
        var shared = events
            .GroupBy(entry => entry.Attribute!.EventId)
            .Where(group => group.Count() > 1)
            .Select(group => $"{group.Key}: {string.Join(", ", group.Select(entry => $"{entry.Method.DeclaringType?.FullName}.{entry.Method.Name}"))}")
            .ToList();
        Assert.Empty(shared);
    }
}
