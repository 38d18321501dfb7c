using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

// As the template has it, with Application Insights left out (the template's registration is optional and
// our comparison is start-up to the first PING, which neither app sends telemetry for).
var builder = FunctionsApplication.CreateBuilder(args);

builder.ConfigureFunctionsWebApplication();

builder.Build().Run();
