using System.Globalization;
using Microsoft.Extensions.Options;
using Serverless.Domain.Hosting;

namespace Serverless.Functions.Hosting;

/// <summary>
/// The <c>Development</c> section (environment: <c>Development__*</c>): test-only settings, refused at start unless
/// <c>AZURE_FUNCTIONS_ENVIRONMENT</c> is <c>Development</c>.
/// </summary>
public sealed class DevelopmentOptions
{
    public const string SectionName = "Development";
    public const string EnvironmentSetting = "AZURE_FUNCTIONS_ENVIRONMENT";

    /// <summary>
    /// A file holding a time span (<c>d.hh:mm:ss</c>) the worker's clock runs ahead by, read again as it changes, so an
    /// end-to-end test can reach a month end. Unset: the real clock.
    /// </summary>
    public string? ClockOffsetFile { get; set; }

    /// <summary>The host's environment, from <c>AZURE_FUNCTIONS_ENVIRONMENT</c> (not bound from this section).</summary>
    public string? EnvironmentName { get; set; }
}

public sealed class DevelopmentOptionsValidator : IValidateOptions<DevelopmentOptions>
{
    public ValidateOptionsResult Validate(string? name, DevelopmentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return !string.IsNullOrEmpty(options.ClockOffsetFile) && !string.Equals(options.EnvironmentName, "Development", StringComparison.OrdinalIgnoreCase)
            ? ValidateOptionsResult.Fail($"Development__ClockOffsetFile is for tests only: it is refused unless {DevelopmentOptions.EnvironmentSetting} is Development.")
            : ValidateOptionsResult.Success;
    }
}

/// <summary>
/// The real clock plus an offset read from a file (a development setting): re-read at most every
/// <see cref="RereadEvery"/>, so a test moves the worker's "now" by writing the file. A missing, empty or unreadable
/// file is no offset.
/// </summary>
public sealed class OffsetFileTimeProvider(string path, TimeProvider inner) : TimeProvider
{
    public static readonly TimeSpan RereadEvery = TimeSpan.FromMilliseconds(200);

    private readonly Lock _gate = new();
    private TimeSpan _offset;
    private long _readAt = long.MinValue;

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow() + Offset();

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    private TimeSpan Offset()
    {
        lock (_gate)
        {
            var now = inner.GetTimestamp();
            if (_readAt == long.MinValue || inner.GetElapsedTime(_readAt, now) >= RereadEvery)
            {
                _offset = Read(path);
                _readAt = now;
            }

            return _offset;
        }
    }

    public static TimeSpan Read(string path)
    {
        try
        {
            return TimeSpan.TryParse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture, out var offset) ? offset : TimeSpan.Zero;
        }
        catch (IOException)
        {
            return TimeSpan.Zero;
        }
        catch (UnauthorizedAccessException)
        {
            return TimeSpan.Zero;
        }
    }
}

public static class DevelopmentClockServices
{
    /// <summary>
    /// The app's <see cref="TimeProvider"/>: the system clock, or with <c>Development__ClockOffsetFile</c> (Development
    /// only, checked at start) the system clock plus the file's offset.
    /// </summary>
    public static IServiceCollection AddAppClock(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<DevelopmentOptions>()
            .Bind(configuration.GetSection(DevelopmentOptions.SectionName))
            .Configure(options => options.EnvironmentName = configuration[DevelopmentOptions.EnvironmentSetting])
            .ValidateOnStartWith<DevelopmentOptions, DevelopmentOptionsValidator>();
        var offsetFile = configuration.GetSection(DevelopmentOptions.SectionName)[nameof(DevelopmentOptions.ClockOffsetFile)];
        if (string.IsNullOrEmpty(offsetFile))
        {
            services.TryAddSingleton(TimeProvider.System);
        }
        else
        {
            services.TryAddSingleton<TimeProvider>(new OffsetFileTimeProvider(offsetFile, TimeProvider.System));
        }

        return services;
    }
}
