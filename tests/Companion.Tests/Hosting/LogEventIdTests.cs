using Serverless.Companion.Hosting;
using Serverless.TestSupport;

namespace Serverless.Companion.Tests.Hosting;

public sealed class LogEventIdTests
{
    // The companion process: the companion and the Serverless.* assemblies it loads (Discord, Storage, Domain).
    private static readonly IReadOnlyList<LogEventRow> Events = LogEventTable.Read("Companion", typeof(CompanionApp).Assembly);

    /// <summary>The runbook sends operators to log lines by event id, so one id must mean one line in the companion.</summary>
    [Fact]
    public void EveryLogEventOfTheCompanion_HasItsOwnId()
    {
        Assert.Contains(Events, row => row.Class.StartsWith("Serverless.Companion.", StringComparison.Ordinal));
        Assert.Contains(Events, row => row.Class.StartsWith("Serverless.Discord.", StringComparison.Ordinal));
        Assert.Empty(LogEventTable.SharedIds(Events));
    }

    /// <summary>docs/log-events.md is where an operator looks an event id up; it lists what the code logs.</summary>
    [Fact]
    public void LogEventTable_ListsEveryLogEventOfTheCompanion()
    {
        var problem = LogEventTable.Check("Companion", Events, "tests/Companion.Tests");
        Assert.True(problem is null, problem);
    }
}
