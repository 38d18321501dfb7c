#!/usr/bin/env bash
# Runs the bot locally on http://127.0.0.1:7071 with the settings of local.settings.json
# (environment variables win, as under the Functions host). Ctrl+C stops it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if [ ! -f local.settings.json ]; then
  cp local.settings.example.json local.settings.json
  echo "Created local.settings.json from local.settings.example.json; fill in the Discord values."
fi

# Export each Values entry that the environment does not already set.
eval "$(node -e '
  const values = require(process.argv[1]).Values || {};
  for (const [k, v] of Object.entries(values)) {
    if (process.env[k] === undefined && v !== "") console.log(`export ${k}=${JSON.stringify(String(v))}`);
  }' "$root/local.settings.json")"

exec dotnet run --project src/Functions -- --urls "http://127.0.0.1:${PORT:-7071}"
