#!/usr/bin/env bash
# Runs the whole bot on this machine: Azurite, the DevHost (playing the Azure Functions host) with
# the isolated worker, the companion (gateway, voice, music, the `voice` queue) and, when no Discord
# credentials are configured, the offline Discord Sandbox with its Lavalink double.
# Needs only the .NET SDK and Node.js; installs the pinned Azurite into .tools/. Ctrl+C stops all.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

AZURITE_VERSION=3.37.0
PORT="${PORT:-7071}"
SANDBOX_PORT="${SANDBOX_PORT:-7072}"
COMPANION_PORT="${COMPANION_PORT:-7073}"
# Not Lavalink's own 2333, so a real Lavalink running there is left alone.
SANDBOX_LAVALINK_PORT="${SANDBOX_LAVALINK_PORT:-7074}"
tools="$root/.tools"
pids=()

# Each child in its own process group, so Ctrl+C reaches only this script, which stops them in order.
set -m

stop_all() {
  # A second Ctrl+C must not cut the orderly stop short and leave processes behind.
  trap '' INT TERM
  trap - EXIT
  # The companion first, while storage and the gateway are still up: it closes the gateway resumably and
  # saves its sessions (up to 15 s). Then the rest.
  if [ -n "${companion_pid:-}" ]; then
    kill "$companion_pid" 2>/dev/null || true
    wait "$companion_pid" 2>/dev/null || true
  fi
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

# Succeeds on any HTTP answer, whatever its status (healthz answers 503 while a dependency fails).
http_answers() { node -e 'fetch(process.argv[1]).then(()=>{},()=>process.exit(1))' "$1"; }

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() { # url, what[, pid that must stay alive]
  for _ in $(seq 1 300); do
    if http_answers "$1" >/dev/null 2>&1; then return 0; fi
    if [ -n "${3:-}" ] && ! kill -0 "$3" 2>/dev/null; then break; fi
    sleep 0.2
  done
  echo "$2 did not start; see the output above." >&2
  exit 1
}

# 1. Azurite, unless one already listens on the queue port.
if ! port_taken 10001; then
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
  if [ -z "$(setting Lavalink__Url)" ]; then
    # serve would move the double to another port if this one were taken; say so instead of guessing.
    if port_taken "$SANDBOX_LAVALINK_PORT"; then
      echo "Port $SANDBOX_LAVALINK_PORT (the Lavalink double) is in use: set SANDBOX_LAVALINK_PORT to a free port." >&2
      exit 1
    fi
    lavalink_double=1
  fi
  dotnet run --no-build --project dev/Sandbox -- serve --port "$SANDBOX_PORT" \
    --bot-url "http://127.0.0.1:$PORT/api/interactions" --key-file "$tools/sandbox/signing.key" \
    --lavalink-port "$SANDBOX_LAVALINK_PORT" &
  pids+=($!)
  wait_for "http://127.0.0.1:$SANDBOX_PORT/_sandbox/info" "The Sandbox" "$!"
  info="$(http_get "http://127.0.0.1:$SANDBOX_PORT/_sandbox/info")"
  field() { node -e 'process.stdout.write(String(JSON.parse(process.argv[1])[process.argv[2]]))' "$info" "$1"; }
  export Discord__ApplicationId="$(field applicationId)"
  export Discord__PublicKey="$(field publicKey)"
  export Discord__BotToken="$(field botToken)"
  export Discord__ApiBaseUrl="$(field apiBaseUrl)"
  export Discord__GatewayUrl="$(field gatewayUrl)"
  voice_channel="$(field defaultVoiceChannelId)"
  if [ -n "${lavalink_double:-}" ]; then
    export Lavalink__Url="http://127.0.0.1:$SANDBOX_LAVALINK_PORT"
    export Lavalink__Password=youshallnotpass
  fi
  sandbox=1
  echo "No Discord credentials configured: using the offline Sandbox at http://127.0.0.1:$SANDBOX_PORT."

  # The Sandbox's credentials live only in this script's environment; the ops CLI reads them from this file
  # (ignored, rewritten at every start). The bot's slash commands are registered as `azd up` would.
  sandbox_settings="$tools/sandbox.settings.json"
  node -e 'const [file, ...pairs] = process.argv.slice(1); const Values = {};
    for (let i = 0; i < pairs.length; i += 2) Values[pairs[i]] = pairs[i + 1];
    require("fs").writeFileSync(file, JSON.stringify({ IsEncrypted: false, Values }, null, 2) + "\n");' \
    "$sandbox_settings" Discord__ApplicationId "$Discord__ApplicationId" Discord__PublicKey "$Discord__PublicKey" \
    Discord__BotToken "$Discord__BotToken" Discord__ApiBaseUrl "$Discord__ApiBaseUrl" \
    AzureWebJobsStorage "$(setting AzureWebJobsStorage)"
  dotnet run --no-build --project src/Ops -- commands deploy --yes --settings "$sandbox_settings" > /dev/null \
    || echo "Registering the slash commands in the Sandbox failed; the bot still answers, but 'commands check' shows drift." >&2
fi

# 4. The DevHost plays the Functions host: it starts the isolated worker named by the build output's
#    worker.config.json and talks to it over the host's gRPC protocol.
functions_out="$root/src/Functions/bin/Debug/net10.0"
dotnet run --no-build --project dev/DevHost -- --script-root "$functions_out" --port "$PORT" \
  --settings "$root/local.settings.json" &
pids+=($!)

# 5. The companion reads only its environment, not local.settings.json: it inherits the exported settings
#    (the Sandbox's among them) and gets its keys from local.settings.json here; the environment wins.
# The container logs JSON lines for queries; a terminal reads plain text better (export it as json to see those).
companion_env=("Logging__Console__FormatterName=${Logging__Console__FormatterName:-simple}")
for name in $(node -e 'for (const k of Object.keys(require(process.argv[1]).Values||{}))
    if (/^(AzureWebJobsStorage|Discord__|Lavalink__|Music__|Companion__)\w*$/.test(k)) console.log(k)' "$root/local.settings.json"); do
  value="$(setting "$name")"
  if [ -n "$value" ]; then companion_env+=("$name=$value"); fi
done
env "${companion_env[@]}" dotnet run --no-build --project src/Companion -- --urls "http://127.0.0.1:$COMPANION_PORT" &
companion_pid=$!
pids+=($!)
wait_for "http://127.0.0.1:$COMPANION_PORT/healthz" "The companion" "$companion_pid"

echo
echo "The bot answers on http://127.0.0.1:$PORT/api/interactions"
echo "The companion's health: http://127.0.0.1:$COMPANION_PORT/healthz"
if [ -z "$(setting Lavalink__Url)" ]; then
  echo "No Lavalink configured (Lavalink__Url, Lavalink__Password): the companion runs with music off."
fi
if [ -n "${sandbox:-}" ]; then
  echo "Send it a command from another terminal:"
  echo "  dotnet run --project dev/Sandbox -- send /ping"
  echo "  dotnet run --project dev/Sandbox -- send /status"
  echo "Try music: put the Sandbox's user in its voice channel, then ask for a track:"
  echo "  node -e 'fetch(process.argv[1],{method:\"POST\",headers:{\"content-type\":\"application/json\"},body:process.argv[2]}).then(r=>r.text()).then(console.log)' \\"
  echo "    http://127.0.0.1:$SANDBOX_PORT/_sandbox/voice-states '{\"channelId\":\"$voice_channel\"}'"
  echo "  dotnet run --project dev/Sandbox -- send /music play -o query=lofi --wait 10"
  echo "Check the stack as azd's post-deploy hook checks Azure:"
  echo "  dotnet run --project src/Ops -- smoke --url http://127.0.0.1:$PORT --settings .tools/sandbox.settings.json"
else
  echo "Expose the port with your tunnel of choice and set it as the Interactions Endpoint URL."
fi
echo "Ctrl+C stops everything."
wait -n "${pids[@]}"
