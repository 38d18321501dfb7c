using Microsoft.Extensions.Options;

namespace Serverless.Functions.Features.Hall;

/// <summary>The hall archiver's pacing, bound from <c>Hall__*</c>.</summary>
public sealed class HallArchiverOptions
{
    public const string SectionName = "Hall";

    /// <summary>How long a run owns a month's archive while posting it; after that another run may finish the job.</summary>
    public TimeSpan ArchiveLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How many ended months one run archives for a guild (a hall that missed several catches up over runs).</summary>
    public int MaxMonthsPerRun { get; set; } = 3;
}

public sealed class HallArchiverOptionsValidator : IValidateOptions<HallArchiverOptions>
{
    public ValidateOptionsResult Validate(string? name, HallArchiverOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string> failures = [];
        if (options.ArchiveLease < TimeSpan.FromSeconds(10) || options.ArchiveLease > TimeSpan.FromMinutes(14))
        {
            // Under the timer's 15 minutes, so a run that died is taken over by the next one.
            failures.Add("Hall__ArchiveLease must be between 00:00:10 and 00:14:00.");
        }

        if (options.MaxMonthsPerRun is < 1 or > 24)
        {
            failures.Add("Hall__MaxMonthsPerRun must be 1 to 24.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
