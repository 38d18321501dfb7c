using Serverless.Sandbox.Hosting;
using Serverless.TestSupport;

namespace Serverless.Sandbox.Tests;

public sealed class LogEventIdTests
{
    private static readonly IReadOnlyList<LogEventRow> Events = LogEventTable.Read("Sandbox", typeof(SandboxServer).Assembly);

    /// <summary>A developer reading the Sandbox's output looks a line up by event id, so one id means one line.</summary>
    [Fact]
    public void EveryLogEventOfTheSandbox_HasItsOwnId()
    {
        Assert.NotEmpty(Events);
        Assert.Empty(LogEventTable.SharedIds(Events));
    }

    /// <summary>docs/log-events.md lists the Sandbox's events beside the app's, as the code declares them.</summary>
    [Fact]
    public void LogEventTable_ListsEveryLogEventOfTheSandbox()
    {
        var problem = LogEventTable.Check("Sandbox", Events, "tests/Sandbox.Tests");
        Assert.True(problem is null, problem);
    }
}
