using Serverless.TestSupport;
using Xunit;

namespace Serverless.DevHost.Tests;

public sealed class LogEventIdTests
{
    private static readonly IReadOnlyList<LogEventRow> Events = LogEventTable.Read("DevHost", typeof(FunctionsDevHost).Assembly);

    /// <summary>A developer reading the DevHost's output looks a line up by event id, so one id means one line.</summary>
    [Fact]
    public void EveryLogEventOfTheDevHost_HasItsOwnId()
    {
        Assert.NotEmpty(Events);
        Assert.Empty(LogEventTable.SharedIds(Events));
    }

    /// <summary>docs/log-events.md lists the DevHost's events beside the app's, as the code declares them.</summary>
    [Fact]
    public void LogEventTable_ListsEveryLogEventOfTheDevHost()
    {
        var problem = LogEventTable.Check("DevHost", Events, "tests/DevHost.Tests");
        Assert.True(problem is null, problem);
    }
}
