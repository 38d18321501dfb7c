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
            // Typical on a workstation: accountName names the account, but only Azure hosts have a managed identity.
            await error.WriteLineAsync("No managed identity is available for AzureWebJobsStorage__accountName: set AzureWebJobsStorage to a connection string instead.");
            return ExitCodes.UsageOrConfiguration;
        }
        catch (AuthenticationFailedException exception)
        {
            await error.WriteLineAsync($"Cannot get a token for storage: {FirstLine(exception.Message)}");
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

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}
