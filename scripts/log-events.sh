#!/usr/bin/env bash
# Regenerates docs/log-events.md from the [LoggerMessage] attributes: each process's LogEventIdTests rewrites
# its own rows when UPDATE_LOG_EVENTS=1.
set -euo pipefail
cd "$(dirname "$0")/.."
for project in tests/Functions.Tests tests/Companion.Tests tests/DevHost.Tests tests/Sandbox.Tests; do
  UPDATE_LOG_EVENTS=1 dotnet test "$project" --nologo --filter FullyQualifiedName~LogEventIdTests
done
