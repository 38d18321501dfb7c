namespace Serverless.Domain.Features.ScheduledPosts;

/// <summary>How a scheduled post repeats after its first occurrence.</summary>
public enum RecurrenceKind
{
    None,
    Daily,
    Weekly,
    Cron,
}
