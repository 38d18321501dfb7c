using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Serverless.Functions.Hosting;

namespace Serverless.Functions.Tests.Hosting;

/// <summary><c>Development__ClockOffsetFile</c>: a clock a test moves by writing a file, refused outside Development.</summary>
public sealed class DevelopmentClockTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"clock-{Guid.NewGuid():N}.txt");

    public void Dispose() => File.Delete(_file);

    [Theory]
    [InlineData(null, false)]
    [InlineData("Production", false)]
    [InlineData("Development", true)]
    [InlineData("development", true)]
    public void TheOffsetFile_IsRefusedUnlessTheEnvironmentIsDevelopment(string? environment, bool accepted)
    {
        var result = new DevelopmentOptionsValidator().Validate(null, new DevelopmentOptions { ClockOffsetFile = _file, EnvironmentName = environment });

        Assert.Equal(accepted, result.Succeeded);
        if (!accepted)
        {
            Assert.StartsWith("Development__ClockOffsetFile", result.FailureMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void WithoutTheSetting_TheAppClockIsTheSystems()
    {
        using var provider = new ServiceCollection().AddAppClock(new ConfigurationBuilder().Build()).BuildServiceProvider();

        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public async Task TheClock_AddsTheFilesOffset_AndReadsItAgainWhenItChanges()
    {
        var real = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));
        var clock = new OffsetFileTimeProvider(_file, real);
        Assert.Equal(real.GetUtcNow(), clock.GetUtcNow());

        await File.WriteAllTextAsync(_file, "27.01:30:00");
        real.Advance(OffsetFileTimeProvider.RereadEvery);

        Assert.Equal(real.GetUtcNow() + new TimeSpan(27, 1, 30, 0), clock.GetUtcNow());
        await File.WriteAllTextAsync(_file, "not a time span");
        real.Advance(OffsetFileTimeProvider.RereadEvery);
        Assert.Equal(real.GetUtcNow(), clock.GetUtcNow());
    }
}
