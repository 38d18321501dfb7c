#!/usr/bin/env bash
# Publishes our Functions app (ReadyToRun, linux-x64) and measures signed-PING throughput and latency through the
# DevHost with bench/PingThroughput.
# Usage: bench/ping-throughput.sh [--concurrency 16] [--duration 10] [--warmup 3] [--telemetry off|on]     (see bench/README.md)
set -euo pipefail

repo="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
ours="$repo/artifacts/publish/functions"

rm -rf "$ours"
dotnet publish "$repo/src/Functions/Serverless.Functions.csproj" -c Release -r linux-x64 -o "$ours"

dotnet run -c Release --project "$repo/bench/PingThroughput" -- --app "$ours" "$@"
