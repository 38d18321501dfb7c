#!/usr/bin/env bash
# Publishes our Functions app and bench/TemplateApp (ReadyToRun, linux-x64) and compares their cold starts under
# the DevHost with bench/ColdStart: worker process start to the first signed PING answered, and the worker's memory.
# Usage: bench/cold-start.sh [--runs N] [--once]     (10 runs per app by default; see bench/README.md)
set -euo pipefail

repo="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
ours="$repo/artifacts/publish/functions"
template="$repo/artifacts/publish/template"

# A fresh folder each time: files left by an older publish (say, another design's) must not be measured.
rm -rf "$ours" "$template"
dotnet publish "$repo/src/Functions/Serverless.Functions.csproj" -c Release -r linux-x64 -o "$ours"
dotnet publish "$repo/bench/TemplateApp/TemplateApp.csproj" -c Release -r linux-x64 -o "$template"

dotnet run -c Release --project "$repo/bench/ColdStart" -- --ours "$ours" --template "$template" "$@"
