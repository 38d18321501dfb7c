namespace Serverless.Ops;

/// <summary>The CLI's exit codes; scripts and CI branch on them, so they never change meaning.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary><c>commands check</c> found Discord's commands differ from the manifest.</summary>
    public const int Drift = 1;

    /// <summary><c>backup verify</c> or <c>backup import</c>: the backup is not ours, newer than this tool, or damaged; the lines say why.</summary>
    public const int VerificationFailed = 1;

    /// <summary>The command line or the settings are wrong, or a destructive command was not confirmed (nothing changed).</summary>
    public const int UsageOrConfiguration = 2;

    /// <summary>A service the CLI calls (Discord or storage) refused the request or did not answer.</summary>
    public const int ServiceOrNetwork = 3;

    /// <summary><c>smoke</c> ran every step and at least one failed; its line says which and why.</summary>
    public const int SmokeFailed = 4;

    public const string Help =
        "Exit codes: 0 ok; 1 drift (commands check) or a backup that fails verification (backup verify, backup import); 2 usage or configuration error, or not confirmed (nothing changed); 3 Discord, storage or network error; 4 a smoke step failed.";
}
