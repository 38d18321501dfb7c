using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace TemplateApp;

/// <summary>
/// The template's HTTP trigger turned into a Discord endpoint the way a new user would first write it:
/// read the interaction, answer a PING with a PONG. It verifies no signature (our app does), so the
/// baseline is the worker's own start-up plus one JSON round trip.
/// </summary>
public static class Interactions
{
    [Function("interactions")]
    public static async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var interaction = await request.ReadFromJsonAsync<Interaction>(cancellationToken);
        return interaction?.Type == 1
            ? new OkObjectResult(new Interaction(1))
            : new BadRequestResult();
    }

    public sealed record Interaction([property: JsonPropertyName("type")] int Type);
}
