using Serverless.Domain.Features.Admin;

namespace Serverless.Discord.Rest;

/// <summary>The application's owners from Discord: every team member when a team owns it, else its owner.</summary>
public sealed class DiscordApplicationOwnerLookup(DiscordRestClient discord) : IApplicationOwnerLookup
{
    public async Task<IReadOnlyCollection<ulong>> GetOwnerIdsAsync(CancellationToken cancellationToken)
    {
        var application = await discord.GetCurrentApplicationAsync(cancellationToken);
        return Owners(application);
    }

    public static IReadOnlyCollection<ulong> Owners(ApplicationPayload application)
    {
        ArgumentNullException.ThrowIfNull(application);
        if (application.Team is { } team)
        {
            // The owner field of a team-owned application is the team's synthetic user, not a person.
            return [.. (team.Members ?? []).Select(member => member.User?.Id ?? 0).Where(id => id != 0).Distinct()];
        }

        return application.Owner is { Id: not 0 } owner ? [owner.Id] : [];
    }
}
