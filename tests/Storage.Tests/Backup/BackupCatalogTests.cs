using System.Reflection;
using Serverless.Storage.Backup;

namespace Serverless.Storage.Tests.Backup;

public sealed class BackupCatalogTests
{
    /// <summary>Every table name the Storage project declares: a public const string named TableName, or ending in Table or TableName.</summary>
    private static IEnumerable<(string Declared, string Table)> DeclaredTables() =>
        typeof(StorageAccount).Assembly.GetTypes()
            .Where(type => type != typeof(BackupCatalog))
            .SelectMany(type => type.GetFields(BindingFlags.Public | BindingFlags.Static)
                .Where(field => field.IsLiteral && field.FieldType == typeof(string)
                    && (field.Name.EndsWith("Table", StringComparison.Ordinal) || field.Name.EndsWith("TableName", StringComparison.Ordinal)))
                .Select(field => ($"{type.Name}.{field.Name}", (string)field.GetRawConstantValue()!)));

    [Fact]
    public void EveryTableTheStorageProjectDeclares_IsBackedUpOrExcludedWithAReason()
    {
        var declared = DeclaredTables().ToList();
        Assert.NotEmpty(declared);

        var missing = declared.Where(d => BackupCatalog.Find(d.Table) is null).Select(d => $"{d.Declared} = {d.Table}").ToList();

        Assert.True(missing.Count == 0, "Add to BackupCatalog.Tables (backed up, or excluded with its reason): " + string.Join(", ", missing));
    }

    [Fact]
    public void TheCatalog_NamesEachTableOnce_WithAReason_AndEveryCatalogTableExists()
    {
        var declared = DeclaredTables().Select(d => d.Table).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(BackupCatalog.Tables.Count, BackupCatalog.Tables.Select(t => t.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.All(BackupCatalog.Tables, table => Assert.False(string.IsNullOrWhiteSpace(table.Holds)));

        Assert.All(BackupCatalog.Tables, table => Assert.Contains(table.Name, declared));
    }

    [Fact]
    public void UserDataAndOperatorState_AreBackedUp_TransientStateIsNot()
    {
        Assert.Equal(
            ["duels", "guildsettings", "hall", "musicsessions", "operatoraudit", "operatorcontrols", "oracle", "pairs", "projections", "raids", "scheduledposts", "scheduledpostsdue"],
            BackupCatalog.BackedUp.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.Equal(
            ["commandlimits", "companion", "gatewaysessions", "interactionruns", "ratelimits"],
            BackupCatalog.Tables.Where(t => !t.BackedUp).Select(t => t.Name).Order(StringComparer.Ordinal));
    }
}
