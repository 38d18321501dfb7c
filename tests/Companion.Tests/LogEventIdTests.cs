using System.Reflection;
using Microsoft.Extensions.Logging;
using Serverless.Companion.Hosting;
using Serverless.Discord.Rest;
using Serverless.Domain.DeferredWork;
using Serverless.Storage;

namespace Serverless.Companion.Tests;

public sealed class LogEventIdTests
{
    /// <summary>The runbook sends operators to log lines by event id, so one id must mean one line in the companion too.</summary>
    [Fact]
    public void EveryLogEventOfTheCompanion_HasItsOwnId()
    {
        Assembly[] assemblies = [typeof(CompanionApp).Assembly, typeof(DiscordRestClient).Assembly, typeof(StorageAccount).Assembly, typeof(DeferredWorkRunner).Assembly];
        var events = assemblies
            .SelectMany(assembly => assembly.GetTypes())
            .SelectMany(type => type.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(method => (Method: method, Attribute: method.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(entry => entry.Attribute is not null)
            .ToList();

        Assert.Contains(events, entry => entry.Method.DeclaringType?.DeclaringType == typeof(DeferredWorkRunner));
        var shared = events
            .GroupBy(entry => entry.Attribute!.EventId)
            .Where(group => group.Count() > 1)
            .Select(group => $"{group.Key}: {string.Join(", ", group.Select(entry => $"{entry.Method.DeclaringType?.FullName}.{entry.Method.Name}"))}")
            .ToList();
        Assert.Empty(shared);
    }
}
