var builder = WebApplication.CreateSlimBuilder(args);
var app = builder.Build();
app.MapGet("/healthz", () => Results.Json(new { status = "starting" }));
await app.RunAsync();
