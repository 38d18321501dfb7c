using Azure;
using Azure.Identity;

namespace Serverless.Ops.Commands;

/// <summary>
/// Turns every expected failure of a storage command into one line on standard error and its exit code.
/// The lines are built here, never copied from the SDK's multi-line messages, which can quote request headers.
/// </summary>
internal static class StorageCommandGuard
{
    public static async Task<int> RunAsync(TextWriter error, Func<Task<int>> action, CancellationToken cancellationToken)
    {
        try
        {
            return await action();
        }
        catch (OpsUsageException exception)
        {
            await error.WriteLineAsync(exception.Message);
            return ExitCodes.UsageOrConfiguration;
        }
        catch (CredentialUnavailableException)
        {
            // Every credential of the chain (Azure CLI, azd, environment, managed identity) had nothing to offer.
            await error.WriteLineAsync(NoCredential);
            return ExitCodes.UsageOrConfiguration;
        }
        catch (AuthenticationFailedException exception)
        {
            await error.WriteLineAsync($"Cannot get a token for storage: {FirstLine(exception.Message)} Run az login, or set AzureWebJobsStorage to a connection string.");
            return ExitCodes.ServiceOrNetwork;
        }
        catch (RequestFailedException exception) when (exception.Status != 0)
        {
            await error.WriteLineAsync($"Storage refused the request: {exception.Status} {exception.ErrorCode ?? "(no error code)"}.");
            return ExitCodes.ServiceOrNetwork;
        }
        catch (Exception exception) when (exception is RequestFailedException or AggregateException or HttpRequestException)
        {
            // The SDK wraps the last try's failure (connection refused, name not resolved) after its retries.
            var cause = exception is AggregateException aggregate ? aggregate.InnerExceptions[^1] : exception;
            await error.WriteLineAsync($"Cannot reach storage: {FirstLine(cause.Message)}");
            return ExitCodes.ServiceOrNetwork;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("Storage did not answer in time.");
            return ExitCodes.ServiceOrNetwork;
        }
    }

    /// <summary>What to do when no credential of the Azure chain can sign in to the storage account.</summary>
    public const string NoCredential =
        "No Azure credential is available for the storage account (--storage-account or AzureWebJobsStorage__accountName): run az login, or set AzureWebJobsStorage to a connection string.";

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}
