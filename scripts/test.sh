#!/usr/bin/env bash
# The whole test suite: unit, HTTP-level, DevHost, Sandbox, storage against Azurite, end to end through
# the DevHost, Azurite and the Sandbox, and the published ReadyToRun build.
# Tests that need a server (Azurite, the Sandbox, the DevHost, the worker) start and stop it themselves;
# Azurite is installed from npm, pinned, into .tools/ on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
# Build once up front: the end-to-end tests publish the Azure build while tests run, and that must not
# race a build of the same projects.
dotnet build Serverless.sln --nologo
dotnet test Serverless.sln --no-build --nologo "$@"
