using System.Net;
using Serverless.Discord.Rest;
using Serverless.Ports.RateLimiting;

namespace Serverless.Discord.Tests.RateLimiting;

public sealed class RateLimitHandlerTests
{
    private static MessageCreatePayload Message(string? nonce = null) => new() { Content = "hi", Nonce = nonce, EnforceNonce = nonce is null ? null : true };

    [Fact]
    public async Task Bucket_WhenExhausted_WaitsForResetAndNever429s()
    {
        using var harness = new ClientHarness();
        harness.Discord.BucketLimit = 2;
        harness.Discord.BucketPeriod = TimeSpan.FromSeconds(5);

        await harness.DriveAsync(Task.Run(async () =>
        {
            for (var i = 0; i < 6; i++)
            {
                await harness.Client.CreateMessageAsync(42, Message());
            }
        }));

        Assert.Equal(6, harness.Discord.Calls.Count);
        Assert.Equal(0, harness.Discord.TooManyRequests);
        var times = harness.Discord.Calls.Select(call => call.At - ClientHarness.Start).ToList();
        Assert.True(times[2] >= TimeSpan.FromSeconds(5), $"third call at {times[2]}");
        Assert.True(times[4] >= TimeSpan.FromSeconds(10), $"fifth call at {times[4]}");
    }

    [Fact]
    public async Task AfterAProbesAnswer_TheNextRequestGoesAtOnce_NotAfterTheProbeHold()
    {
        // The route's bucket is known from channel 41, so channel 42's first request probes a new bucket of a known
        // route. A one-second bucket ends before the probe's hold would: only writing the probe's answer down (rather
        // than leaving the shared row "probing") lets the next request go at once.
        using var harness = new ClientHarness(store: new InMemoryRateLimitStore());
        harness.Discord.BucketLimit = 5;
        harness.Discord.BucketPeriod = TimeSpan.FromSeconds(1);

        await harness.DriveAsync(Task.Run(async () =>
        {
            await harness.Client.CreateMessageAsync(41, Message());
            await harness.Client.CreateMessageAsync(42, Message());
            await harness.Client.CreateMessageAsync(42, Message());
        }));

        var gap = harness.Discord.Calls[2].At - harness.Discord.Calls[1].At;
        Assert.True(gap < TimeSpan.FromMilliseconds(500), $"the second request on channel 42 went {gap} after the first");
    }

    [Fact]
    public async Task LoneInstance_WithBudget_ClaimsLeases_NotOneStoreWritePerRequest()
    {
        using var harness = new ClientHarness(options => options.BucketLeaseSize = 5, store: new InMemoryRateLimitStore());
        harness.Discord.BucketLimit = 50;

        await harness.DriveAsync(Task.Run(async () =>
        {
            for (var i = 0; i < 30; i++)
            {
                await harness.Client.CreateMessageAsync(42, Message());
            }
        }));

        Assert.Equal(30, harness.Discord.Calls.Count);
        Assert.Equal(0, harness.Discord.TooManyRequests);

        // One probe, then leases of five for the bucket and of ten for the global limit: about 10, not 60.
        Assert.True(harness.Store!.Reservations <= 15, $"{harness.Store.Reservations} store reservations for 30 requests");
    }

    [Fact]
    public async Task TooManyRequests_WaitsRetryAfterFromBody_ThenRetries()
    {
        using var harness = new ClientHarness();
        harness.Discord.Script = (_, index) => index == 0 ? FakeDiscord.TooMany(3.5, global: false) : null;

        var message = await harness.DriveAsync(harness.Client.CreateMessageAsync(7, Message()));

        Assert.Equal("ok", message.Content);
        Assert.Equal(2, harness.Discord.Calls.Count);
        Assert.True(harness.Discord.Calls[1].At - harness.Discord.Calls[0].At >= TimeSpan.FromSeconds(3.5));
    }

    [Fact]
    public async Task TooManyRequests_BeyondMaxWait_ThrowsRateLimited()
    {
        using var harness = new ClientHarness(options => options.MaxWait = TimeSpan.FromSeconds(10));
        harness.Discord.Script = (_, _) => FakeDiscord.TooMany(60, global: false);

        var error = await Assert.ThrowsAsync<DiscordRateLimitedException>(() => harness.DriveAsync(harness.Client.CreateMessageAsync(7, Message())));

        Assert.Equal(TimeSpan.FromSeconds(60), error.RetryAfter);
        Assert.Single(harness.Discord.Calls);
    }

    [Fact]
    public async Task GlobalLimit_SpreadsBotCallsOverWindows()
    {
        using var harness = new ClientHarness(options =>
        {
            options.GlobalLimit = 5;
            options.GlobalLeaseSize = 2;
        });
        harness.Discord.GlobalLimit = 5;

        var step = TimeSpan.FromMilliseconds(20);
        var sends = Enumerable.Range(1, 15).Select(channel => harness.Client.CreateMessageAsync((ulong)channel, Message())).ToArray();
        await harness.DriveAsync(Task.WhenAll(sends), step);

        Assert.Equal(0, harness.Discord.TooManyRequests);
        var calls = harness.Discord.Calls.Select(call => call.At).ToList();
        Assert.Equal(15, calls.Count);

        // A call is recorded when it reaches the fake Discord, which on a loaded machine can be a few clock steps
        // after the limiter let it go: the span checked is a second less that slack. Unlimited, all 15 would go at once.
        var span = TimeSpan.FromSeconds(1) - (5 * step);
        foreach (var at in calls)
        {
            var inSpan = calls.Count(other => other >= at && other < at + span);
            Assert.True(inSpan <= 5, $"{inSpan} calls within {span.TotalMilliseconds} ms of {at:HH:mm:ss.fff}");
        }
    }

    [Fact]
    public async Task GlobalTooManyRequests_BlocksOtherRoutesToo()
    {
        using var harness = new ClientHarness();
        harness.Discord.Script = (_, index) => index == 0 ? GlobalLimited() : null;

        await harness.DriveAsync(Task.Run(async () =>
        {
            await harness.Client.CreateMessageAsync(1, Message());
            await harness.Client.CreateMessageAsync(2, Message());
        }));

        Assert.Equal(3, harness.Discord.Calls.Count);
        Assert.All(harness.Discord.Calls.Skip(1), call => Assert.True(call.At - ClientHarness.Start >= TimeSpan.FromSeconds(2)));

        static HttpResponseMessage GlobalLimited()
        {
            var response = FakeDiscord.TooMany(2, global: true);
            response.Headers.Add("X-RateLimit-Global", "true");
            response.Headers.Add("X-RateLimit-Scope", "global");
            return response;
        }
    }

    [Fact]
    public async Task InteractionWebhook_IsExemptFromGlobalLimit()
    {
        using var harness = new ClientHarness(options => options.GlobalLimit = 1);
        harness.Discord.BucketLimit = 50;

        var edits = Enumerable.Range(0, 5).Select(_ => harness.Client.EditOriginalResponseAsync(99, "secret-token", new MessageEditPayload { Content = "x" })).ToArray();
        await harness.DriveAsync(Task.WhenAll(edits));

        // All five go in the first instant once the bucket is learned: the global limit of 1/s does not apply.
        Assert.All(harness.Discord.Calls, call => Assert.True(call.At - ClientHarness.Start < TimeSpan.FromSeconds(1)));
        Assert.DoesNotContain(harness.Logs.Entries, entry => entry.Message.Contains("secret-token", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ServerErrors_AreRetried_ThenTheCircuitOpens()
    {
        using var harness = new ClientHarness(options =>
        {
            options.BreakerMinimumThroughput = 4;
            options.BucketLeaseSize = 1;
        });
        harness.Discord.Script = (_, _) => FakeDiscord.Error(HttpStatusCode.ServiceUnavailable, 0);

        var first = await Assert.ThrowsAsync<DiscordApiException>(() => harness.DriveAsync(harness.Client.GetCurrentUserAsync()));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.Status);
        Assert.True(first.IsTransient);
        Assert.Equal(3, harness.Discord.Calls.Count);

        await Assert.ThrowsAnyAsync<DiscordApiException>(() => harness.DriveAsync(harness.Client.GetCurrentUserAsync()));
        var callsWhenOpen = harness.Discord.Calls.Count;
        var open = await Assert.ThrowsAsync<DiscordUnavailableException>(() => harness.DriveAsync(harness.Client.GetCurrentUserAsync()));

        Assert.Equal(callsWhenOpen, harness.Discord.Calls.Count);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, open.Status);
        Assert.Contains(harness.Logs.Entries, entry => entry.Id.Id == 2132);
    }

    [Fact]
    public async Task Unauthorized_IsNotRetried_AndMarksTheTokenRejected()
    {
        using var harness = new ClientHarness();
        harness.Discord.Script = (_, _) => FakeDiscord.Error(HttpStatusCode.Unauthorized, 0);

        var error = await Assert.ThrowsAsync<DiscordUnauthorizedException>(() => harness.DriveAsync(harness.Client.GetCurrentUserAsync()));

        Assert.Equal(HttpStatusCode.Unauthorized, error.Status);
        Assert.Single(harness.Discord.Calls);
        Assert.True(harness.TokenState.IsRejected);
        Assert.DoesNotContain("test-token", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forbidden_IsNotRetried()
    {
        using var harness = new ClientHarness();
        harness.Discord.Script = (_, _) => FakeDiscord.Error(HttpStatusCode.Forbidden, DiscordErrorCodes.MissingPermissions);

        var error = await Assert.ThrowsAsync<DiscordApiException>(() => harness.DriveAsync(harness.Client.CreateMessageAsync(1, Message("n1"))));

        Assert.Equal(DiscordErrorCodes.MissingPermissions, error.ErrorCode);
        Assert.Single(harness.Discord.Calls);
    }

    [Fact]
    public async Task InvalidRequestBudget_WhenSpent_RefusesNonEssentialCallsOnly()
    {
        using var harness = new ClientHarness(options => options.InvalidRequestThreshold = 3);
        harness.Discord.Script = (request, _) => request.RequestUri!.AbsolutePath.Contains("/users/", StringComparison.Ordinal)
            ? FakeDiscord.Error(HttpStatusCode.Forbidden, DiscordErrorCodes.MissingAccess)
            : null;

        for (var i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<DiscordApiException>(() => harness.DriveAsync(harness.Client.GetCurrentUserAsync()));
        }

        var refused = await Assert.ThrowsAsync<DiscordBudgetExhaustedException>(() => harness.DriveAsync(harness.Client.GetCurrentUserAsync()));
        Assert.Equal(3, refused.InvalidRequests);
        Assert.Equal(3, harness.Discord.Calls.Count);
        Assert.Contains(harness.Logs.Entries, entry => entry.Id.Id == 2111);

        // The user is waiting on an interaction edit: it still goes out.
        var edited = await harness.DriveAsync(harness.Client.EditOriginalResponseAsync(99, "tok", new MessageEditPayload { Content = "done" }));
        Assert.Equal("ok", edited.Content);
    }

    [Fact]
    public async Task SharedScope429_DoesNotCountTowardTheBudget()
    {
        using var harness = new ClientHarness(options => options.InvalidRequestThreshold = 1);
        harness.Discord.Script = (_, index) =>
        {
            if (index > 0)
            {
                return null;
            }

            var shared = FakeDiscord.TooMany(0.5, global: false);
            shared.Headers.Add("X-RateLimit-Scope", "shared");
            return shared;
        };

        await harness.DriveAsync(harness.Client.GetCurrentUserAsync());
        await harness.DriveAsync(harness.Client.GetCurrentUserAsync());

        Assert.Equal(3, harness.Discord.Calls.Count);
    }

    [Fact]
    public async Task PostWithoutNonce_IsNotRetried()
    {
        using var harness = new ClientHarness();
        harness.Discord.Script = (_, index) => index == 0 ? FakeDiscord.Error(HttpStatusCode.BadGateway, 0) : null;

        var error = await Assert.ThrowsAsync<DiscordApiException>(() => harness.DriveAsync(harness.Client.CreateMessageAsync(1, Message())));

        Assert.Equal(HttpStatusCode.BadGateway, error.Status);
        Assert.Single(harness.Discord.Calls);
    }

    [Fact]
    public async Task PostWithEnforcedNonce_IsRetried()
    {
        using var harness = new ClientHarness();
        harness.Discord.Script = (_, index) => index == 0 ? FakeDiscord.Error(HttpStatusCode.BadGateway, 0) : null;

        var message = await harness.DriveAsync(harness.Client.CreateMessageAsync(1, Message("nonce-1")));

        Assert.Equal("ok", message.Content);
        Assert.Equal(2, harness.Discord.Calls.Count);
    }

    [Fact]
    public async Task StoreDown_FallsBackToConservativeLocalLimits_AndWarnsOnce()
    {
        using var harness = new ClientHarness(options => options.FallbackGlobalLimit = 2, store: new BrokenStore());

        var sends = Enumerable.Range(1, 6).Select(channel => harness.Client.CreateMessageAsync((ulong)channel, Message())).ToArray();
        await harness.DriveAsync(Task.WhenAll(sends), TimeSpan.FromMilliseconds(20));

        var calls = harness.Discord.Calls.Select(call => call.At).ToList();
        Assert.Equal(6, calls.Count);
        Assert.Equal(0, harness.Discord.TooManyRequests);
        foreach (var at in calls)
        {
            Assert.True(calls.Count(other => other >= at && other < at + TimeSpan.FromSeconds(1)) <= 2);
        }

        Assert.Single(harness.Logs.Entries, entry => entry.Id.Id == 2102);
    }

    [Fact]
    public async Task StoreDown_SplitsTheGlobalLimitOverTheExpectedInstances()
    {
        // 50/s shared by 25 processes that cannot see each other: 2/s each, below the per-process cap of 5.
        using var harness = new ClientHarness(options => options.ExpectedInstances = 25, store: new BrokenStore());

        var sends = Enumerable.Range(1, 6).Select(channel => harness.Client.CreateMessageAsync((ulong)channel, Message())).ToArray();
        await harness.DriveAsync(Task.WhenAll(sends), TimeSpan.FromMilliseconds(20));

        var calls = harness.Discord.Calls.Select(call => call.At).ToList();
        Assert.Equal(6, calls.Count);
        foreach (var at in calls)
        {
            Assert.True(calls.Count(other => other >= at && other < at + TimeSpan.FromSeconds(1)) <= 2, $"calls at {string.Join(", ", calls.Select(call => (call - ClientHarness.Start).TotalMilliseconds))} ms");
        }
    }

    [Fact]
    public async Task StoreDown_MoreInstancesThanTheGlobalLimit_StretchTheGlobalWindow()
    {
        // 50/s over 100 processes: one request per 2 s each.
        using var harness = new ClientHarness(options => options.ExpectedInstances = 100, store: new BrokenStore());

        var sends = Enumerable.Range(1, 3).Select(channel => harness.Client.CreateMessageAsync((ulong)channel, Message())).ToArray();
        await harness.DriveAsync(Task.WhenAll(sends), TimeSpan.FromMilliseconds(20));

        var calls = harness.Discord.Calls.Select(call => call.At).Order().ToList();
        Assert.Equal(3, calls.Count);
        Assert.True(calls[1] - calls[0] >= TimeSpan.FromSeconds(2), $"second call {(calls[1] - calls[0]).TotalMilliseconds} ms after the first");
        Assert.True(calls[2] - calls[1] >= TimeSpan.FromSeconds(2), $"third call {(calls[2] - calls[1]).TotalMilliseconds} ms after the second");
    }

    [Fact]
    public async Task StoreDown_InvalidRequestBudget_IsSplitOverTheExpectedInstances()
    {
        // Ten processes counting alone must not spend ten budgets: each stops at a tenth of what is left.
        using var harness = new ClientHarness(
            options =>
            {
                options.InvalidRequestThreshold = 100;
                options.ExpectedInstances = 10;
            },
            store: new BrokenStore());
        harness.Discord.Script = (_, _) => FakeDiscord.Error(HttpStatusCode.Forbidden, DiscordErrorCodes.MissingAccess);

        for (var i = 0; i < 10; i++)
        {
            await Assert.ThrowsAsync<DiscordApiException>(() => harness.DriveAsync(harness.Client.GetCurrentUserAsync()));
        }

        await Assert.ThrowsAsync<DiscordBudgetExhaustedException>(() => harness.DriveAsync(harness.Client.GetCurrentUserAsync()));
        Assert.Equal(10, harness.Discord.Calls.Count);
    }

    [Fact]
    public void ExpectedInstances_BelowOne_IsRefusedNamingTheSetting()
    {
        var result = new DiscordRateLimitOptionsValidator().Validate(null, new DiscordRateLimitOptions { ExpectedInstances = 0 });

        Assert.True(result.Failed);
        Assert.Contains("Discord__RateLimits__ExpectedInstances", result.FailureMessage, StringComparison.Ordinal);
    }

    private sealed class BrokenStore : IRateLimitStore
    {
        public Task<Reservation> ReserveAsync(string key, int wanted, BucketDefaults defaults, DateTimeOffset now, CancellationToken cancellationToken) => throw new IOException("down");

        public Task ObserveAsync(string key, BucketObservation observation, DateTimeOffset now, CancellationToken cancellationToken) => throw new IOException("down");

        public Task ExhaustAsync(string key, TimeSpan retryAfter, BucketDefaults defaults, DateTimeOffset now, CancellationToken cancellationToken) => throw new IOException("down");

        public Task<string?> GetBucketIdAsync(string route, CancellationToken cancellationToken) => throw new IOException("down");

        public Task SetBucketIdAsync(string route, string bucketId, CancellationToken cancellationToken) => throw new IOException("down");

        public Task AddInvalidRequestsAsync(int count, DateTimeOffset now, CancellationToken cancellationToken) => throw new IOException("down");

        public Task<int> CountInvalidRequestsAsync(TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken) => throw new IOException("down");
    }
}
