#!/usr/bin/env bash
# Publishes the Native AOT custom handler and measures its cold start with bench/ColdStart.
# Usage: bench/cold-start.sh            (RUNS=20 by default; RUNS=5 bench/cold-start.sh for a quick look)
# Extra arguments go to ColdStart, e.g. bench/cold-start.sh --once for the CI smoke check.
set -euo pipefail

repo="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
publish="$repo/artifacts/publish/functions"

dotnet publish "$repo/src/Functions/Serverless.Functions.csproj" -c Release -r linux-x64 -o "$publish"

dotnet run -c Release --project "$repo/bench/ColdStart" -- \
  --handler "$publish/Serverless.Functions" --runs "${RUNS:-20}" "$@"
