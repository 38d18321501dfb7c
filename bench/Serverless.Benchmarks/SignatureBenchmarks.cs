using BenchmarkDotNet.Attributes;
using Serverless.Discord.Interactions;

namespace Serverless.Benchmarks;

/// <summary>Ed25519 verification of a real signed PING alone: header checks, hex decoding, libsodium.</summary>
[MemoryDiagnoser]
public class SignatureBenchmarks
{
    private InteractionSignatureVerifier _verifier = null!;
    private SignedRequests _requests = null!;

    [GlobalSetup]
    public void Setup()
    {
        _requests = SignedRequests.Create();
        _verifier = new InteractionSignatureVerifier(_requests.PublicKeyHex, TimeSpan.FromHours(1), TimeProvider.System);
        if (VerifyPing() != SignatureCheck.Valid)
        {
            throw new InvalidOperationException("The signed PING does not verify: the benchmark would measure a rejection.");
        }
    }

    [Benchmark]
    public SignatureCheck VerifyPing() =>
        _verifier.Verify(_requests.Ping.SignatureHex, _requests.Timestamp, _requests.Ping.Body);
}
