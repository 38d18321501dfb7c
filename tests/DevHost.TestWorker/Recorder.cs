using System.Text.Json;

namespace Serverless.DevHost.TestWorker;

/// <summary>Writes what a function was given as a JSON file into the folder named by the app setting <c>TestWorker__RecordDirectory</c>.</summary>
internal static class Recorder
{
    public static void Write(string name, object record)
    {
        var directory = Environment.GetEnvironmentVariable("TestWorker__RecordDirectory")
            ?? throw new InvalidOperationException("TestWorker__RecordDirectory is not set");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name + ".json");
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(record));

        // Readers only ever see a complete file.
        File.Move(temporary, path, overwrite: true);
    }
}
