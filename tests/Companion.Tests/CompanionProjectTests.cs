namespace Serverless.Companion.Tests;

public sealed class CompanionProjectTests
{
    [Fact]
    public void CompanionAssembly_IsTheProgramsAssembly() =>
        Assert.Equal("Serverless.Companion", typeof(Program).Assembly.GetName().Name);
}
