namespace Serverless.Domain.Features.ScheduledPosts;

/// <summary>Where a scheduled post is in its life: waiting, being published by one timer run, done, given up on, or withdrawn by staff.</summary>
public enum PostStatus
{
    Pending,
    Processing,
    Published,
    Failed,
    Cancelled,
}
