using System.CommandLine;
using Serverless.Storage;

namespace Serverless.Ops;

/// <summary>The options every command shares, declared once.</summary>
internal static class OpsOptions
{
    /// <summary>The name of <see cref="StorageAccountOption"/>; looked up by it on the root.</summary>
    public const string StorageAccountName = "--storage-account";

    /// <summary>The global <c>--output text|json</c>: on the root, recursive, so it is accepted anywhere.</summary>
    public static Option<OutputFormat> FormatOption() =>
        new("--output")
        {
            HelpName = "text|json",
            Description = "How results are printed on standard output: text for people (the default), json for scripts.",
            Recursive = true,
            DefaultValueFactory = _ => OutputFormat.Text,
        };

    /// <summary>
    /// The global <c>--storage-account NAME</c>: <c>AzureWebJobsStorage__accountName</c> from the command line, so an
    /// operator signed in with <c>az login</c> needs no settings file and no key.
    /// </summary>
    public static Option<string?> StorageAccountOption() =>
        new(StorageAccountName)
        {
            HelpName = "NAME",
            Description = "A storage account to reach with your Azure sign-in (az login, environment, managed identity) instead of "
                + "AzureWebJobsStorage; the same as AzureWebJobsStorage__accountName, and it wins over a connection string.",
            Recursive = true,
        };

    /// <summary>
    /// Puts <c>--storage-account</c>, when given, into <paramref name="environment"/> as <c>AzureWebJobsStorage__accountName</c>,
    /// and masks a connection string from the environment or the settings file, which would otherwise win: every
    /// command, whoever wrote it, reads storage settings from there.
    /// </summary>
    public static void ApplyStorageAccount(ParseResult parse, RootCommand root, IDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(environment);
        if (root.Options.OfType<Option<string?>>().FirstOrDefault(option => option.Name == StorageAccountName) is not { } option
            || parse.GetValue(option) is not { } name)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            throw new OpsUsageException($"{StorageAccountName} needs a storage account name.");
        }

        // A null value hides the key from the settings file too: the environment is added over it.
        environment[StorageAccount.SettingName] = null;
        environment[StorageAccount.SettingName + "__accountName"] = name.Trim();
    }
}
