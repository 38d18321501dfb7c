using System.Globalization;
using Serverless.Domain.Features.Oracle;

namespace Serverless.Domain.Tests.Support;

/// <summary>Oracle slots, editions and answers in memory, ETag-guarded like the table store.</summary>
internal sealed class InMemoryOracleStore : IOracleStore
{
    private readonly Dictionary<string, object> _rows = [];
    private readonly Dictionary<string, string> _etags = [];
    private int _etag;

    public IEnumerable<OracleEdition> Editions => _rows.Values.OfType<OracleEdition>();

    public Task<OracleSetup?> GetSetupAsync(ulong guildId, CancellationToken cancellationToken) =>
        Task.FromResult(Get<OracleSetup>(SetupKey(guildId)) is { } setup ? setup with { ETag = _etags[SetupKey(guildId)] } : null);

    public Task<bool> TryWriteSetupAsync(OracleSetup setup, CancellationToken cancellationToken) =>
        Task.FromResult(Write(SetupKey(setup.GuildId), setup, setup.ETag));

    public Task<IReadOnlyList<OracleSetup>> ListSetupsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<OracleSetup>>([.. _rows.Values.OfType<OracleSetup>()]);

    public Task<OracleEdition?> GetEditionAsync(ulong guildId, OracleWeek week, CancellationToken cancellationToken) =>
        Task.FromResult(Get<OracleEdition>(EditionKey(guildId, week)) is { } edition ? edition with { ETag = _etags[EditionKey(guildId, week)] } : null);

    public Task<bool> TryWriteEditionAsync(OracleEdition edition, CancellationToken cancellationToken) =>
        Task.FromResult(Write(EditionKey(edition.GuildId, edition.Week), edition, edition.ETag));

    public Task<OracleAnswer?> GetAnswerAsync(ulong guildId, OracleWeek week, ulong userId, CancellationToken cancellationToken) =>
        Task.FromResult(Get<OracleAnswer>(AnswerKey(guildId, week, userId)) is { } answer ? answer with { ETag = _etags[AnswerKey(guildId, week, userId)] } : null);

    public Task<bool> TryWriteAnswerAsync(OracleAnswer answer, CancellationToken cancellationToken) =>
        Task.FromResult(Write(AnswerKey(answer.GuildId, answer.Week, answer.UserId), answer, answer.ETag));

    public Task<IReadOnlyList<OracleAnswer>> ListAnswersAsync(ulong guildId, OracleWeek week, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<OracleAnswer>>([.. _rows.Values.OfType<OracleAnswer>().Where(answer => answer.GuildId == guildId && answer.Week == week)]);

    private bool Write(string key, object row, string? etag)
    {
        if (_etags.GetValueOrDefault(key) != etag)
        {
            return false;
        }

        _rows[key] = row;
        _etags[key] = (++_etag).ToString(CultureInfo.InvariantCulture);
        return true;
    }

    private T? Get<T>(string key) where T : class => _rows.GetValueOrDefault(key) as T;

    private static string SetupKey(ulong guildId) => $"{guildId}/setup";

    private static string EditionKey(ulong guildId, OracleWeek week) => $"{guildId}/week/{week.Key}";

    private static string AnswerKey(ulong guildId, OracleWeek week, ulong userId) => $"{guildId}/answer/{week.Key}/{userId}";
}
