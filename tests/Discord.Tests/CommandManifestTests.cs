using System.Text.Json;
using Serverless.Discord.Commands;
using Serverless.Discord.Json;
using Serverless.Domain.Commands;

namespace Serverless.Discord.Tests;

public sealed class CommandManifestTests
{
    private static string Sample(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Samples", name));

    [Fact]
    public void Catalog_IsValidForDiscord()
    {
        var manifest = CommandManifest.Create(CommandCatalog.Definitions);

        Assert.Empty(CommandManifest.Validate(manifest));
        Assert.Equal(CommandCatalog.Definitions.Select(definition => definition.Name), manifest.Select(command => command.Name));
    }

    [Fact]
    public void Catalog_ExportsTheGoldenManifest()
    {
        // On purpose a change to a command shows here: regenerate with `dotnet run --project src/Ops -- commands export --out tests/Discord.Tests/Samples/commands-manifest.json`.
        var json = CommandManifest.ToJson(CommandManifest.Create(CommandCatalog.Definitions));

        Assert.Equal(Sample("commands-manifest.json").ReplaceLineEndings("\n"), json);
    }

    [Fact]
    public void Manifest_HasTheBulkOverwriteShape()
    {
        using var document = JsonDocument.Parse(CommandManifest.ToJson(CommandManifest.Create(CommandCatalog.Definitions)));

        foreach (var command in document.RootElement.EnumerateArray())
        {
            Assert.Equal(
                ["name", "type", "description", "options", "default_member_permissions", "contexts", "integration_types"],
                command.EnumerateObject().Select(property => property.Name));
            Assert.Equal(1, command.GetProperty("type").GetInt32());
            Assert.Equal(JsonValueKind.Array, command.GetProperty("options").ValueKind);
            Assert.Contains(command.GetProperty("default_member_permissions").ValueKind, new[] { JsonValueKind.Null, JsonValueKind.String });
            Assert.Equal([0], command.GetProperty("integration_types").EnumerateArray().Select(type => type.GetInt32()));
        }
    }

    [Fact]
    public void ToPayload_MapsPermissionsAsStringAndOptionsInOrder()
    {
        var definition = new CommandDefinition
        {
            Name = "ban",
            Description = "Ban someone",
            DefaultMemberPermissions = MemberPermissions.ManageGuild | MemberPermissions.ManageMessages,
            Contexts = [CommandContext.PrivateChannel, CommandContext.Guild, CommandContext.Guild],
            Options =
            [
                new CommandOptionDefinition { Name = "user", Description = "Who", Type = CommandOptionType.User, Required = true },
                new CommandOptionDefinition { Name = "reason", Description = "Why", Type = CommandOptionType.String },
            ],
        };

        var payload = CommandManifest.ToPayload(definition);
        var json = JsonSerializer.Serialize<IReadOnlyList<ApplicationCommandPayload>>([payload], DiscordJsonContext.Default.IReadOnlyListApplicationCommandPayload);

        Assert.Equal("8224", payload.DefaultMemberPermissions);
        Assert.Equal([0, 2], payload.Contexts!);
        Assert.Equal(
            """[{"name":"ban","type":1,"description":"Ban someone","options":[{"type":6,"name":"user","description":"Who","required":true},{"type":3,"name":"reason","description":"Why","required":false}],"default_member_permissions":"8224","contexts":[0,2],"integration_types":[0]}]""",
            json);
    }

    [Fact]
    public void ForGuild_LeavesOutContextsAndIntegrationTypes()
    {
        var guild = CommandManifest.ForGuild(CommandManifest.Create(CommandCatalog.Definitions));

        Assert.All(guild, command => Assert.Null(command.Contexts));
        Assert.All(guild, command => Assert.Null(command.IntegrationTypes));
        Assert.Equal("32", guild.Single(command => command.Name == "status").DefaultMemberPermissions);
    }

    [Fact]
    public void Create_WithInvalidDefinitions_ThrowsListingEveryProblem()
    {
        var tooMany = Enumerable.Range(0, 26)
            .Select(index => new CommandOptionDefinition { Name = $"o{index}", Description = "x", Type = CommandOptionType.String })
            .ToList();
        CommandDefinition[] definitions =
        [
            new() { Name = "Play", Description = "Uppercase name" },
            new() { Name = "has space", Description = "Space in name" },
            new() { Name = new string('a', 33), Description = "Too long" },
            new() { Name = "nodescription", Description = "" },
            new() { Name = "longdescription", Description = new string('d', 101) },
            new() { Name = "options", Description = "Too many", Options = tooMany },
            new()
            {
                Name = "order",
                Description = "Required after optional",
                Options =
                [
                    new() { Name = "first", Description = "optional", Type = CommandOptionType.String },
                    new() { Name = "second", Description = "required", Type = CommandOptionType.String, Required = true },
                ],
            },
            new() { Name = "ping", Description = "One" },
            new() { Name = "ping", Description = "Twice" },
        ];

        var exception = Assert.Throws<CommandManifestException>(() => CommandManifest.Create(definitions));

        Assert.Collection(
            exception.Problems,
            problem => Assert.Equal("/Play: the name must be lowercase.", problem),
            problem => Assert.Equal("/has space: the name may only hold letters, digits, '-', '_' and apostrophes.", problem),
            problem => Assert.StartsWith($"/{new string('a', 33)}: the name must be 1 to 32 characters (was 33)", problem),
            problem => Assert.Equal("/nodescription: the description must be 1 to 100 characters (was 0).", problem),
            problem => Assert.Equal("/longdescription: the description must be 1 to 100 characters (was 101).", problem),
            problem => Assert.Equal("/options: has 26 options; Discord allows at most 25.", problem),
            problem => Assert.Equal("/order second: required options must come before optional ones.", problem),
            problem => Assert.Equal("/ping: the name is used by more than one command of type 1.", problem));
        Assert.StartsWith("The command manifest is invalid (8 problems):", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ping")]
    [InlineData("set-volume")]
    [InlineData("don't_stop")]
    [InlineData("écouter")]
    [InlineData("चलाओ")]
    [InlineData("เล่น")]
    [InlineData("42")]
    public void Validate_AcceptsDiscordsNameAlphabet(string name)
    {
        var manifest = CommandManifest.Create([new CommandDefinition { Name = name, Description = "ok" }]);

        Assert.Single(manifest);
    }

    [Fact]
    public void Validate_RejectsMisplacedSubcommands()
    {
        var manifest = new List<ApplicationCommandPayload>
        {
            new()
            {
                Name = "music",
                Type = 1,
                Description = "Music",
                Options =
                [
                    new() { Type = 1, Name = "play", Description = "Play" },
                    new() { Type = 3, Name = "query", Description = "Query" },
                    new() { Type = 2, Name = "queue", Description = "Queue", Options = [new() { Type = 3, Name = "x", Description = "x" }] },
                ],
            },
        };

        var problems = CommandManifest.Validate(manifest);

        Assert.Contains("/music: subcommands and groups cannot be mixed with other options at the same level.", problems);
        Assert.Contains("/music queue: a subcommand group may contain only subcommands.", problems);
    }

    [Fact]
    public void Validate_RejectsLengthBoundsOutsideDiscordsRangeOrOnOtherTypes()
    {
        var manifest = new List<ApplicationCommandPayload>
        {
            new()
            {
                Name = "note",
                Type = 1,
                Description = "Note",
                Options =
                [
                    new() { Type = 3, Name = "empty", Description = "x", MaxLength = 0 },
                    new() { Type = 3, Name = "huge", Description = "x", MaxLength = 6001 },
                    new() { Type = 3, Name = "negative", Description = "x", MinLength = -1 },
                    new() { Type = 3, Name = "crossed", Description = "x", MinLength = 10, MaxLength = 5 },
                    new() { Type = 4, Name = "count", Description = "x", MaxLength = 10 },
                ],
            },
        };

        var problems = CommandManifest.Validate(manifest);

        Assert.Equal(
            [
                "/note empty: max_length must be 1 to 6000 (was 0).",
                "/note huge: max_length must be 1 to 6000 (was 6001).",
                "/note negative: min_length must be 0 to 6000 (was -1).",
                "/note crossed: min_length 10 is more than max_length 5.",
                "/note count: min_length and max_length apply to string options only.",
            ],
            problems);
    }

    [Fact]
    public void Manifest_CarriesTheMaxLengthOfEveryFreeTextOption()
    {
        var schedule = CommandManifest.Create(CommandCatalog.Definitions).Single(command => command.Name == "schedule");
        var create = schedule.Options.Single(option => option.Name == "create");

        using var document = JsonDocument.Parse(CommandManifest.ToJson([schedule]));
        var cron = document.RootElement[0].GetProperty("options")[0].GetProperty("options").EnumerateArray().Single(option => option.GetProperty("name").GetString() == "cron");
        Assert.Equal(create.Options!.Single(option => option.Name == "cron").MaxLength, cron.GetProperty("max_length").GetInt32());
        Assert.All(
            CommandManifest.Create(CommandCatalog.Definitions).SelectMany(command => Flatten(command.Options)).Where(option => option.Type == 3 && option.Choices is null),
            option => Assert.NotNull(option.MaxLength));
    }

    [Fact]
    public void DiscordsAnswer_IsReadTolerantly()
    {
        var commands = JsonSerializer.Deserialize(Sample("application-commands-response.json"), DiscordJsonContext.Default.IReadOnlyListApplicationCommandPayload)!;

        Assert.Equal(2, commands.Count);
        var schedule = commands[0];
        Assert.Equal(1312000000000000001UL, schedule.Id);
        Assert.Equal(100000000000000001UL, schedule.ApplicationId);
        Assert.Equal(900000000000000001UL, schedule.GuildId);
        Assert.Equal(1312000000000000099UL, schedule.Version);
        Assert.Equal("32", schedule.DefaultMemberPermissions);
        Assert.Null(schedule.Contexts);
        var create = Assert.Single(schedule.Options);
        Assert.Equal(["channel", "when", "minutes"], create.Options!.Select(option => option.Name));
        Assert.Equal("soon", create.Options![1].Choices![0].Value.GetString());
        Assert.Equal(600, create.Options![2].MaxValue);
        Assert.Equal(2, commands[1].EffectiveType);
        Assert.Equal(1312000000000000002UL, commands[1].Id);
        Assert.Empty(commands[1].Options);
    }

    [Fact]
    public void Parse_RejectsSomethingOtherThanAnArray()
    {
        var exception = Assert.Throws<CommandManifestException>(() => CommandManifest.Parse("""{"name":"ping"}"""));

        Assert.StartsWith("The manifest is not a JSON array of commands", exception.Problems[0], StringComparison.Ordinal);
    }

    private static IEnumerable<ApplicationCommandOptionPayload> Flatten(IEnumerable<ApplicationCommandOptionPayload>? options) =>
        options?.SelectMany(option => Flatten(option.Options).Prepend(option)) ?? [];
}
