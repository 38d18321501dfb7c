#!/usr/bin/env bash
# The whole test suite: unit, HTTP-level, DevHost, Sandbox, storage against Azurite, end to end through
# the DevHost, Azurite and the Sandbox, and the published ReadyToRun build.
# Tests that need a server (Azurite, the Sandbox, the DevHost, the worker) start and stop it themselves;
# Azurite is installed from npm, pinned, into .tools/ on first use.
set -euo pipefail
cd "$(dirname "$0")/.."

# The web console's browser tests drive the system's Chromium (Debian's package, never a browser download);
# a machine without it gets it here. CONSOLE_TEST_CHROMIUM names another browser, which must then exist.
chromium="${CONSOLE_TEST_CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "$chromium" ]]; then
  if [[ -n "${CONSOLE_TEST_CHROMIUM:-}" ]]; then
    echo "test.sh: CONSOLE_TEST_CHROMIUM=$chromium is not an executable file." >&2
    exit 1
  fi
  as_root=()
  if [[ "$(id -u)" -ne 0 ]]; then
    if ! command -v sudo >/dev/null; then
      echo "test.sh: $chromium is missing and installing it needs root or sudo: apt-get install chromium" >&2
      exit 1
    fi
    as_root=(sudo)
  fi
  if ! command -v apt-get >/dev/null; then
    echo "test.sh: $chromium is missing and there is no apt-get to install Debian's chromium package; install Chromium and set CONSOLE_TEST_CHROMIUM." >&2
    exit 1
  fi
  echo "test.sh: installing Chromium for the web console's browser tests: apt-get update && apt-get install -y chromium"
  "${as_root[@]}" apt-get update
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi

# Build once up front: the end-to-end tests publish the Azure build while tests run, and that must not
# race a build of the same projects.
dotnet build Serverless.sln --nologo
dotnet test Serverless.sln --no-build --nologo "$@"
