using Serverless.Domain.Commands;
using Serverless.Domain.Features.ScheduledPosts;

namespace Serverless.Domain.Tests;

public sealed class CommandCatalogTests
{
    /// <summary>Every option at every level of every command, with the command and parent names that lead to it.</summary>
    public static TheoryData<string> FreeTextOptions()
    {
        var data = new TheoryData<string>();
        foreach (var (path, option) in CommandCatalog.Definitions.SelectMany(command => Walk("/" + command.Name, command.Options)))
        {
            // With choices, Discord accepts only one of them: the length is bounded already.
            if (option.Type == CommandOptionType.String && option.Choices.Count == 0)
            {
                data.Add(path);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FreeTextOptions))]
    public void FreeTextOption_DeclaresAMaxLength(string path)
    {
        var option = Find(path);

        Assert.NotNull(option.MaxLength);
        Assert.InRange(option.MaxLength.Value, 1, 6000);
    }

    [Fact]
    public void CronOption_MaxLength_FitsTheFormForAnyChannelAndTime()
    {
        var cron = Find("/schedule create cron");
        var longestDraft = new ScheduleDraft(ulong.MaxValue, DateTimeOffset.FromUnixTimeSeconds(9_999_999_999), new string('z', PostIds.Length), PostRecurrence.None);

        Assert.NotNull(cron.MaxLength);
        Assert.InRange(cron.MaxLength.Value, 1, longestDraft.MaxCronLength());
    }

    private static CommandOptionDefinition Find(string path) =>
        CommandCatalog.Definitions.SelectMany(command => Walk("/" + command.Name, command.Options)).Single(entry => entry.Path == path).Option;

    private static IEnumerable<(string Path, CommandOptionDefinition Option)> Walk(string parent, IReadOnlyList<CommandOptionDefinition> options) =>
        options.SelectMany(option => Walk($"{parent} {option.Name}", option.Options).Prepend(($"{parent} {option.Name}", option)));
}
