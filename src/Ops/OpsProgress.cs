using System.Globalization;
using Spectre.Console;

namespace Serverless.Ops;

/// <summary>
/// Progress of a long command, on standard error: a Spectre.Console progress bar when a person watches the terminal,
/// else one plain line now and then (logs and CI keep them readable). Results never go here.
/// </summary>
internal static class OpsProgress
{
    /// <summary>Plain lines appear at most once per this many rows of one task.</summary>
    public const long PlainEvery = 1000;

    public static async Task<T> RunAsync<T>(OpsContext context, Func<IOpsProgress, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(work);
        if (!context.Terminal.IsInteractive)
        {
            return await work(new PlainProgress(context.Error));
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(context.Error),
            Interactive = InteractionSupport.Yes,
        });
        return await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .StartAsync(progress => work(new SpectreProgress(progress)));
    }

    private sealed class PlainProgress(TextWriter error) : IOpsProgress
    {
        public IOpsProgressTask Start(string name, long? total) => new Task(error, name, total);

        private sealed class Task(TextWriter error, string name, long? total) : IOpsProgressTask
        {
            private long _printed;

            public void Report(long done)
            {
                if (done - _printed >= PlainEvery)
                {
                    _printed = done;
                    error.WriteLine(Line(done));
                }
            }

            public void Done(long done) => error.WriteLine(Line(done) + ", done");

            private string Line(long done) => total is { } all
                ? string.Create(CultureInfo.InvariantCulture, $"{name}: {done}/{all} rows")
                : string.Create(CultureInfo.InvariantCulture, $"{name}: {done} rows");
        }
    }

    private sealed class SpectreProgress(ProgressContext progress) : IOpsProgress
    {
        public IOpsProgressTask Start(string name, long? total)
        {
            var task = progress.AddTask(Markup.Escape(name), autoStart: true, maxValue: Math.Max(1, total ?? 1));
            task.IsIndeterminate = total is null;
            return new Task(task, name);
        }

        private sealed class Task(ProgressTask task, string name) : IOpsProgressTask
        {
            public void Report(long done)
            {
                task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{name} ({done} rows)"));
                if (!task.IsIndeterminate)
                {
                    task.Value = Math.Min(done, task.MaxValue);
                }
            }

            public void Done(long done)
            {
                Report(done);
                task.IsIndeterminate = false;
                task.Value = task.MaxValue;
                task.StopTask();
            }
        }
    }
}

/// <summary>Where a long command reports its progress: one task per table, file or step.</summary>
internal interface IOpsProgress
{
    /// <param name="total">How many rows there will be, when known (a bar), else null (a counter).</param>
    IOpsProgressTask Start(string name, long? total);
}

internal interface IOpsProgressTask
{
    /// <summary>Rows done so far.</summary>
    void Report(long done);

    void Done(long done);
}
