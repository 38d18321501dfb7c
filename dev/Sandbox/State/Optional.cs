namespace Serverless.Sandbox.State;

/// <summary>A PATCH field: "left out" and "set to null" are different requests to Discord.</summary>
internal readonly record struct Optional<T>(bool HasValue, T Value)
{
    public static Optional<T> Of(T value) => new(true, value);
}
