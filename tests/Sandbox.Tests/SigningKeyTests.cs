using Serverless.Sandbox.Crypto;
using Serverless.Sandbox.Hosting;
using Serverless.Sandbox.Tests.TestSupport;

namespace Serverless.Sandbox.Tests;

public sealed class SigningKeyTests
{
    [Fact]
    public async Task KeyFile_IsCreatedOwnerOnly_AndReloadedWithTheSameKey()
    {
        var directory = Directory.CreateTempSubdirectory("sandbox-key-");
        try
        {
            var path = Path.Combine(directory.FullName, "sub", "key");

            var (created, wasCreated) = await SigningKeyFile.LoadOrCreateAsync(path, TestContext.Token);
            var (loaded, wasCreatedAgain) = await SigningKeyFile.LoadOrCreateAsync(path, TestContext.Token);

            Assert.True(wasCreated);
            Assert.False(wasCreatedAgain);
            Assert.Equal(created, loaded);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task SameSeed_GivesTheSamePublicKeyAcrossRestarts()
    {
        var seed = Convert.ToHexStringLower(new byte[32]);
        await using (var first = await SandboxServer.StartAsync(new SandboxOptions { SigningKeySeedHex = seed }, TestContext.Token))
        await using (var second = await SandboxServer.StartAsync(new SandboxOptions { SigningKeySeedHex = seed }, TestContext.Token))
        {
            Assert.Equal(first.PublicKeyHex, second.PublicKeyHex);
        }

        await using var generated = await SandboxServer.StartAsync(new SandboxOptions(), TestContext.Token);
        await using var another = await SandboxServer.StartAsync(new SandboxOptions(), TestContext.Token);
        Assert.NotEqual(generated.PublicKeyHex, another.PublicKeyHex);
    }

    [Fact]
    public async Task MalformedKeyFile_IsRefused()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, "not hex", TestContext.Token);

            await Assert.ThrowsAsync<InvalidDataException>(() => SigningKeyFile.LoadOrCreateAsync(path, TestContext.Token));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task InvalidOptions_AreRefusedAtStart()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => SandboxServer.StartAsync(new SandboxOptions { SigningKeySeedHex = "abc" }, TestContext.Token));
        await Assert.ThrowsAsync<ArgumentException>(() => SandboxServer.StartAsync(new SandboxOptions { BotToken = " " }, TestContext.Token));
    }
}
