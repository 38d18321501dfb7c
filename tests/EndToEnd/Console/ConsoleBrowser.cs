using Microsoft.Playwright;
using Serverless.TestSupport;

namespace Serverless.EndToEnd.Tests.Console;

/// <summary>
/// Headless Chromium driven by Playwright: the system's browser (Debian's <c>chromium</c>, which scripts/test.sh
/// installs when it is missing), never one Playwright downloads. Each instance has a user-data folder of its own,
/// deleted with it.
/// </summary>
public sealed class ConsoleBrowser : IAsyncDisposable
{
    /// <summary>Overrides where the browser is, e.g. on a machine whose Chromium is not Debian's.</summary>
    public const string ExecutableVariable = "CONSOLE_TEST_CHROMIUM";

    public const string DefaultExecutable = "/usr/bin/chromium";

    private static readonly string[] s_arguments =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    private readonly IPlaywright _playwright;
    private readonly string _userDataFolder;

    private ConsoleBrowser(IPlaywright playwright, IBrowserContext context, string userDataFolder)
    {
        _playwright = playwright;
        Context = context;
        _userDataFolder = userDataFolder;
    }

    public IBrowserContext Context { get; }

    /// <summary>What the pages wrote to their console as errors, and uncaught exceptions: shown when a test fails.</summary>
    public List<string> PageErrors { get; } = [];

    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable(ExecutableVariable) is { Length: > 0 } configured ? configured : DefaultExecutable;

    public static async Task<ConsoleBrowser> StartAsync()
    {
        var executable = ExecutablePath;
        if (!File.Exists(executable))
        {
            // Never skipped: CI runs scripts/test.sh, which installs Chromium before building.
            throw new InvalidOperationException(
                $"The browser tests need Chromium at {executable} (set {ExecutableVariable} to use another). "
                + "Run the tests through scripts/test.sh, which installs Debian's chromium package when it is missing.");
        }

        var userDataFolder = Path.Combine(Path.GetTempPath(), "console-chromium-" + Guid.NewGuid().ToString("N"));
        var playwright = await Playwright.CreateAsync();
        try
        {
            var context = await playwright.Chromium.LaunchPersistentContextAsync(userDataFolder, new BrowserTypeLaunchPersistentContextOptions
            {
                Headless = true,
                ExecutablePath = executable,
                Args = s_arguments,
                ViewportSize = new ViewportSize { Width = 1500, Height = 950 },
            });
            return new ConsoleBrowser(playwright, context, userDataFolder);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A new tab on <paramref name="url"/>, once the console has loaded the guild and its live updates are on.</summary>
    public async Task<IPage> OpenConsoleAsync(string url)
    {
        var page = await Context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                PageErrors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => PageErrors.Add(error);
        await page.GotoAsync(url);
        await Assertions.Expect(page.Locator("body[data-ready=true]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("connection")).ToHaveAttributeAsync("data-state", "open");
        return page;
    }

    /// <summary>Runs a test's steps; when they fail, saves a screenshot under TestResults and adds the page's errors.</summary>
    public async Task RunAsync(IPage page, string testName, Func<Task> steps)
    {
        try
        {
            await steps();
        }
        catch (Exception exception)
        {
            var folder = Path.Combine(RepositoryPaths.Root, "tests", "EndToEnd", "TestResults", "console");
            Directory.CreateDirectory(folder);
            var file = Path.Combine(folder, $"{testName}-{DateTime.UtcNow:yyyyMMdd-HHmmss}.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
            var errors = PageErrors.Count == 0 ? "none" : string.Join(Environment.NewLine, PageErrors);
            throw new InvalidOperationException($"{exception.Message}{Environment.NewLine}Screenshot: {file}{Environment.NewLine}Page errors: {errors}", exception);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Context.DisposeAsync();
        _playwright.Dispose();
        try
        {
            Directory.Delete(_userDataFolder, recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still be letting go of a file; the temp folder is cleaned by the system anyway.
        }
    }
}
