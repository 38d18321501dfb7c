using Microsoft.Extensions.Configuration;
using Serverless.Storage;
using Xunit;

namespace Serverless.TestSupport;

/// <summary>One private Azurite per test class, and the storage account the tests use to set up and inspect it.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public AzuriteServer Server { get; private set; } = null!;

    public StorageAccount Account { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await AzuriteServer.StartAsync();
        Account = StorageAccount.FromConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [StorageAccount.SettingName] = Server.ConnectionString })
            .Build());
    }

    public async Task DisposeAsync()
    {
        // Null when InitializeAsync failed; the start error is the one worth reporting.
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }
}
