namespace Serverless.Domain.Features.Music;

/// <summary>
/// The volume users set, 0–200 percent. Lavalink takes 0–1000 with 100 as the track's own loudness; above ~200 it
/// only clips and distorts, so users get 0–200 and the value goes to Lavalink unchanged (100 % = Lavalink 100).
/// </summary>
public static class MusicVolume
{
    public const int Min = 0;
    public const int Max = 200;
    public const int Default = 100;

    public static bool IsValid(int volume) => volume is >= Min and <= Max;

    public static int Clamp(int volume) => Math.Clamp(volume, Min, Max);

    /// <summary>The value for Lavalink's <c>volume</c> field.</summary>
    public static int ToLavalink(int volume) => Clamp(volume);
}
