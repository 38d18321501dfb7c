#!/usr/bin/env bash
# Builds our Functions app and bench/ProjectionsBench (Release) and runs the dashboards benchmark: one guild, many events
# a minute over its projections, through Azurite, the Sandbox and the DevHost with the real worker.
# Usage: bench/projections.sh [--rate 1000] [--minutes 2] [--setting Projections__CoalesceWindow=00:00:05]     (see bench/README.md)
set -euo pipefail

repo="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"

# The bench project references the Functions app, so this builds the worker it serves (src/Functions/bin/Release) too.
dotnet build -c Release "$repo/bench/ProjectionsBench/ProjectionsBench.csproj" -v q -nologo
dotnet run -c Release --no-build --project "$repo/bench/ProjectionsBench" -- "$@"
