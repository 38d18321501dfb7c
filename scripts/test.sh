#!/usr/bin/env bash
# The whole test suite: unit, HTTP-level, the published Native AOT build, and end to end.
# Tests that need a server (Azurite, the Sandbox, the DevHost) start and stop it themselves.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet test Serverless.sln --configuration Debug "$@"
