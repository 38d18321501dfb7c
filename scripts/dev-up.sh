#!/usr/bin/env bash
# Runs the whole bot on this machine: Azurite, the DevHost (playing the Azure Functions host) with
# the handler, and, when no Discord credentials are configured, the offline Discord Sandbox.
# Needs only the .NET SDK and Node.js; installs the pinned Azurite into .tools/. Ctrl+C stops all.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

AZURITE_VERSION=3.37.0
PORT="${PORT:-7071}"
SANDBOX_PORT="${SANDBOX_PORT:-7072}"
tools="$root/.tools"
pids=()

stop_all() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop_all INT TERM EXIT

if [ ! -f local.settings.json ]; then
  cp local.settings.example.json local.settings.json
  echo "Created local.settings.json from local.settings.example.json."
fi

# A setting as the bot will see it: the environment wins over local.settings.json.
setting() {
  local name="$1"
  if [ -n "${!name:-}" ]; then printf '%s' "${!name}"; return; fi
  node -e 'const v=(require(process.argv[1]).Values||{})[process.argv[2]]; process.stdout.write(v==null?"":String(v))' \
    "$root/local.settings.json" "$name"
}

# HTTP through Node, so nothing beyond the SDK and Node.js is needed.
http_get() { node -e 'fetch(process.argv[1]).then(async r=>{if(!r.ok)process.exit(1);process.stdout.write(await r.text())},()=>process.exit(1))' "$1"; }

wait_for() { # url, what
  for _ in $(seq 1 300); do
    if http_get "$1" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  echo "$2 did not start; see the output above." >&2
  exit 1
}

# 1. Azurite, unless one already listens on the queue port.
if ! (exec 3<>/dev/tcp/127.0.0.1/10001) 2>/dev/null; then
  if [ ! -f "$tools/azurite/installed-$AZURITE_VERSION" ]; then
    echo "Installing Azurite $AZURITE_VERSION into .tools/azurite ..."
    npm install --prefix "$tools/azurite" --no-audit --no-fund --no-package-lock --loglevel error "azurite@$AZURITE_VERSION"
    echo "$AZURITE_VERSION" > "$tools/azurite/installed-$AZURITE_VERSION"
  fi
  mkdir -p "$tools/azurite-data"
  node "$tools/azurite/node_modules/azurite/dist/src/azurite.js" --silent --skipApiVersionCheck --disableTelemetry --loose \
    --location "$tools/azurite-data" &
  pids+=($!)
  echo "Azurite started (blob 10000, queue 10001, table 10002; data in .tools/azurite-data)."
fi

# 2. Build once, then run without rebuilding.
dotnet build "$root/Serverless.sln" --nologo -v quiet -clp:NoSummary

# 3. The Sandbox stands in for Discord when no credentials are configured.
if [ -z "$(setting Discord__BotToken)" ] || [ -z "$(setting Discord__PublicKey)" ] || [ -z "$(setting Discord__ApplicationId)" ]; then
  mkdir -p "$tools/sandbox"
  dotnet run --no-build --project src/Sandbox -- serve --port "$SANDBOX_PORT" \
    --bot-url "http://127.0.0.1:$PORT/api/interactions" --key-file "$tools/sandbox/signing.key" &
  pids+=($!)
  wait_for "http://127.0.0.1:$SANDBOX_PORT/_sandbox/info" "The Sandbox"
  info="$(http_get "http://127.0.0.1:$SANDBOX_PORT/_sandbox/info")"
  field() { node -e 'process.stdout.write(String(JSON.parse(process.argv[1])[process.argv[2]]))' "$info" "$1"; }
  export Discord__ApplicationId="$(field applicationId)"
  export Discord__PublicKey="$(field publicKey)"
  export Discord__BotToken="$(field botToken)"
  export Discord__ApiBaseUrl="$(field apiBaseUrl)"
  sandbox=1
  echo "No Discord credentials configured: using the offline Sandbox at http://127.0.0.1:$SANDBOX_PORT."
fi

# 4. The DevHost plays the Functions host and starts the handler.
functions_out="$root/src/Functions/bin/Debug/net10.0"
dotnet run --no-build --project src/DevHost -- --script-root "$functions_out" --port "$PORT" \
  --settings "$root/local.settings.json" --handler dotnet "$functions_out/Serverless.Functions.dll" &
pids+=($!)
sleep 1
echo
echo "The bot answers on http://127.0.0.1:$PORT/api/interactions"
if [ -n "${sandbox:-}" ]; then
  echo "Send it a command from another terminal:"
  echo "  dotnet run --project src/Sandbox -- send /ping"
  echo "  dotnet run --project src/Sandbox -- send /status"
else
  echo "Expose the port with your tunnel of choice and set it as the Interactions Endpoint URL."
fi
echo "Ctrl+C stops everything."
wait -n "${pids[@]}"
