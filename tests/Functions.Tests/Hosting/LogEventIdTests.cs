using Serverless.Functions.Hosting;
using Serverless.TestSupport;

namespace Serverless.Functions.Tests.Hosting;

public sealed class LogEventIdTests
{
    // The worker process: the Functions app and the Serverless.* assemblies it loads (Discord, Storage, Domain): a Discord line reaches the same logs.
    private static readonly IReadOnlyList<LogEventRow> Events = LogEventTable.Read("Functions", typeof(FunctionAppServices).Assembly);

    /// <summary>The runbook sends operators to log lines by event id, so one id must mean one line in the Functions app.</summary>
    [Fact]
    public void EveryLogEventOfTheFunctionsApp_HasItsOwnId()
    {
        Assert.Contains(Events, row => row.Class.StartsWith("Serverless.Discord.", StringComparison.Ordinal));
        Assert.Contains(Events, row => row.Class.StartsWith("Serverless.Functions.", StringComparison.Ordinal));
        Assert.Empty(LogEventTable.SharedIds(Events));
    }

    /// <summary>docs/log-events.md is where an operator looks an event id up; it lists what the code logs.</summary>
    [Fact]
    public void LogEventTable_ListsEveryLogEventOfTheFunctionsApp()
    {
        var problem = LogEventTable.Check("Functions", Events, "tests/Functions.Tests");
        Assert.True(problem is null, problem);
    }
}
