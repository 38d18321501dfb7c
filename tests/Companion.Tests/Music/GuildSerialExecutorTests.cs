using Serverless.Companion.Music;

namespace Serverless.Companion.Tests.Music;

public sealed class GuildSerialExecutorTests
{
    private readonly GuildSerialExecutor _work = new();

    [Fact]
    public async Task WorkOfOneGuild_RunsOneAtATimeInTheOrderItCame_WhileOtherGuildsGoOn()
    {
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ran = new List<string>();
        var one = _work.RunAsync(1, async _ => { ran.Add("1a"); await first.Task; }, CancellationToken.None);
        var two = _work.RunAsync(1, _ => { ran.Add("1b"); return Task.CompletedTask; }, CancellationToken.None);
        var three = _work.RunAsync(1, _ => { ran.Add("1c"); return Task.CompletedTask; }, CancellationToken.None);

        await _work.RunAsync(2, _ => Task.CompletedTask, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["1a"], ran);

        first.SetResult();
        await Task.WhenAll(one, two, three).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["1a", "1b", "1c"], ran);
    }

    [Fact]
    public async Task WorkCancelledWhileWaiting_EndsAtOnce_WithoutLettingLaterWorkOvertakeTheRunningOne()
    {
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ran = new List<string>();
        using var cancel = new CancellationTokenSource();
        var one = _work.RunAsync(1, async _ => { ran.Add("running"); await first.Task; ran.Add("done"); }, CancellationToken.None);
        var cancelled = _work.RunAsync(1, _ => { ran.Add("cancelled ran"); return Task.CompletedTask; }, cancel.Token);
        var later = _work.RunAsync(1, _ => { ran.Add("later"); return Task.CompletedTask; }, CancellationToken.None);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(["running"], ran);

        first.SetResult();
        await Task.WhenAll(one, later).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["running", "done", "later"], ran);
    }
}
