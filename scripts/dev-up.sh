#!/usr/bin/env bash
# Runs the whole bot on this machine: Azurite, the DevHost (playing the Azure Functions host) with
# the isolated worker, the companion (gateway, voice, music, the `voice` queue) and, when no Discord
# credentials are configured, the offline Discord Sandbox with its Lavalink double and web console.
# Needs only the .NET SDK and Node.js; installs the pinned Azurite into .tools/. Ctrl+C stops all.
# Every line is prefixed with the process it came from; "ready" is said once the handler, the gateway,
# Lavalink and storage all are. bot-ops reads the stack's settings from .dev/settings.json meanwhile.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

AZURITE_VERSION=3.37.0
PORT="${PORT:-7071}"
SANDBOX_PORT="${SANDBOX_PORT:-7072}"
COMPANION_PORT="${COMPANION_PORT:-7073}"
# Not Lavalink's own 2333, so a real Lavalink running there is left alone.
SANDBOX_LAVALINK_PORT="${SANDBOX_LAVALINK_PORT:-7074}"
AZURITE_BLOB_PORT="${AZURITE_BLOB_PORT:-10000}"
AZURITE_QUEUE_PORT="${AZURITE_QUEUE_PORT:-10001}"
AZURITE_TABLE_PORT="${AZURITE_TABLE_PORT:-10002}"
tools="$root/.tools"
dev_settings="$root/.dev/settings.json"
pids=()

# One format for every line: the process it came from, aligned, then the line as that process wrote it.
prefix_of() { printf '%-9s | ' "$1"; }
say() { printf '%s%s\n' "$(prefix_of dev-up)" "$*"; }
complain() { say "$*" >&2; }
# Reads a child's stdout and stderr line by line (awk may hold lines back until its input ends).
prefixed() {
  local prefix line
  prefix="$(prefix_of "$1")"
  while IFS= read -r line || [ -n "$line" ]; do printf '%s%s\n' "$prefix" "$line"; done
}

# HTTP through Node, so nothing beyond the SDK and Node.js is needed.
http_get() { node -e 'fetch(process.argv[1]).then(async r=>{if(!r.ok)process.exit(1);process.stdout.write(await r.text())},()=>process.exit(1))' "$1"; }

# The body of any HTTP answer, whatever its status (health answers 503 while a dependency fails); fails on no answer.
http_body() { node -e 'fetch(process.argv[1],{signal:AbortSignal.timeout(3000)}).then(async r=>process.stdout.write(await r.text()),()=>process.exit(1))' "$1"; }

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Whether a port answers as one of ours: the Sandbox's control API, the bot's health, the companion's health, Azurite.
is_sandbox() { http_body "http://127.0.0.1:$1/_sandbox/info" 2>/dev/null | grep -q '"applicationId"'; }
is_bot() { http_body "http://127.0.0.1:$1/api/healthz" 2>/dev/null | grep -q '"status"'; }
is_companion() { http_body "http://127.0.0.1:$1/healthz" 2>/dev/null | grep -q '"gateway"'; }
is_azurite() {
  node -e 'fetch(process.argv[1],{signal:AbortSignal.timeout(3000)}).then(r=>process.exit(/azurite/i.test(r.headers.get("server")||"")?0:1),()=>process.exit(1))' \
    "http://127.0.0.1:$1/devstoreaccount1?comp=list" 2>/dev/null
}

console_url="http://127.0.0.1:$SANDBOX_PORT/"

# 0. Already running? Our own services on our ports mean yes; a port taken by something else is an error that names
#    the variable moving it, said before anything is installed or built.
if is_bot "$PORT" && is_companion "$COMPANION_PORT"; then
  say "The bot is already running: interactions on http://127.0.0.1:$PORT/api/interactions, companion health on http://127.0.0.1:$COMPANION_PORT/healthz."
  if is_sandbox "$SANDBOX_PORT"; then say "Web console: $console_url"; fi
  say "Stop it with Ctrl+C in its terminal, or start a second stack on other ports (PORT, SANDBOX_PORT, COMPANION_PORT, SANDBOX_LAVALINK_PORT, AZURITE_*_PORT)."
  exit 0
fi
for entry in "PORT:$PORT:the bot's DevHost:is_bot" "COMPANION_PORT:$COMPANION_PORT:the companion:is_companion" \
  "SANDBOX_PORT:$SANDBOX_PORT:the Sandbox:is_sandbox"; do
  IFS=: read -r variable port what ours <<< "$entry"
  if port_taken "$port"; then
    if "$ours" "$port"; then
      complain "Port $port answers as $what, but the rest of the stack is not on its ports: another dev-up with other ports, or a process left behind? Stop it, or set $variable to a free port."
    else
      complain "Port $port ($what) is in use by another process: stop it, or set $variable to a free port."
    fi
    exit 1
  fi
done

# Each child in its own process group, so Ctrl+C reaches only this script, which stops them in order.
set -m

stop_all() {
  # A second Ctrl+C must not cut the orderly stop short and leave processes behind.
  trap '' INT TERM
  trap - EXIT
  if [ -n "${dev_settings_written:-}" ]; then rm -f "$dev_settings"; fi
  if [ -n "${ticker_pid:-}" ]; then kill "$ticker_pid" 2>/dev/null || true; fi
  # The companion first, while storage and the gateway are still up: it closes the gateway resumably and
  # saves its sessions (up to 15 s). Then the rest.
  if [ -n "${companion_pid:-}" ] && kill -0 "$companion_pid" 2>/dev/null; then
    say "Stopping: the companion first (it saves its sessions), then the rest."
    kill "$companion_pid" 2>/dev/null || true
    wait "$companion_pid" 2>/dev/null || true
  fi
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
# The usual exit codes of a stop by signal; the EXIT trap covers the rest (a failed step, a child that ended).
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap stop_all EXIT

# Runs a step in the foreground: one line saying what it does (and what to expect), one every 15 s while it runs,
# one when it is done with its time. Its output goes to .tools/logs/NAME.log and is shown (the end of it, prefixed)
# only if it fails; returns its exit status. Args: name, what, what to expect (or ""), command...
step() {
  local name="$1" what="$2" expect="$3" started=$SECONDS status=0 log="$tools/logs/$1.log"
  shift 3
  mkdir -p "$tools/logs"
  say "${what^}${expect:+ ($expect)} ..."
  ( while sleep 15; do say "... still $what ($((SECONDS - started)) s)"; done ) &
  ticker_pid=$!
  # Stopped below; no "Terminated" notice from job control.
  disown "$ticker_pid"
  "$@" > "$log" 2>&1 || status=$?
  kill "$ticker_pid" 2>/dev/null || true
  ticker_pid=""
  if [ "$status" -eq 0 ]; then
    say "Done $what in $((SECONDS - started)) s."
  else
    tail -n 40 "$log" | prefixed "$name" >&2
    complain "Failed $what (exit $status after $((SECONDS - started)) s); the lines above are the end of ${log#"$root"/}."
  fi
  return "$status"
}

if [ ! -f local.settings.json ]; then
  cp local.settings.example.json local.settings.json
  say "Created local.settings.json from local.settings.example.json."
fi

# A setting as the bot will see it: the environment wins over local.settings.json.
setting() {
  local name="$1"
  if [ -n "${!name:-}" ]; then printf '%s' "${!name}"; return; fi
  node -e 'const v=(require(process.argv[1]).Values||{})[process.argv[2]]; process.stdout.write(v==null?"":String(v))' \
    "$root/local.settings.json" "$name"
}

wait_for() { # url, what, pid that must stay alive
  for _ in $(seq 1 300); do
    if http_body "$1" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$3" 2>/dev/null; then break; fi
    sleep 0.2
  done
  complain "$2 did not start; see the output above."
  exit 1
}

# 1. Azurite, unless one already listens on the queue port.
if port_taken "$AZURITE_QUEUE_PORT"; then
  if ! is_azurite "$AZURITE_QUEUE_PORT"; then
    complain "Port $AZURITE_QUEUE_PORT (Azurite's queues) is in use by something other than Azurite: stop it, or set AZURITE_QUEUE_PORT (and AZURITE_BLOB_PORT, AZURITE_TABLE_PORT) to free ports."
    exit 1
  fi
  say "Using the Azurite already listening on $AZURITE_QUEUE_PORT."
else
  for entry in "AZURITE_BLOB_PORT:$AZURITE_BLOB_PORT" "AZURITE_TABLE_PORT:$AZURITE_TABLE_PORT"; do
    if port_taken "${entry#*:}"; then
      complain "Port ${entry#*:} (Azurite) is in use by another process: stop it, or set ${entry%%:*} to a free port."
      exit 1
    fi
  done
  if [ ! -f "$tools/azurite/installed-$AZURITE_VERSION" ]; then
    step npm "installing Azurite $AZURITE_VERSION into .tools/azurite" "first run only, from npm: about a minute" \
      npm install --prefix "$tools/azurite" --no-audit --no-fund --no-package-lock --loglevel error "azurite@$AZURITE_VERSION" || exit 1
    echo "$AZURITE_VERSION" > "$tools/azurite/installed-$AZURITE_VERSION"
  fi
  mkdir -p "$tools/azurite-data"
  node "$tools/azurite/node_modules/azurite/dist/src/azurite.js" --silent --skipApiVersionCheck --disableTelemetry --loose \
    --blobPort "$AZURITE_BLOB_PORT" --queuePort "$AZURITE_QUEUE_PORT" --tablePort "$AZURITE_TABLE_PORT" \
    --location "$tools/azurite-data" > >(prefixed azurite) 2>&1 &
  azurite_pid=$!
  pids+=("$azurite_pid")
  say "Azurite starting (blob $AZURITE_BLOB_PORT, queue $AZURITE_QUEUE_PORT, table $AZURITE_TABLE_PORT; data in .tools/azurite-data)."
fi

# Azurite elsewhere than its usual ports: the development-storage shorthand would miss it, so spell the endpoints out
# (the well-known development account; Azurite's published key).
if [ "$(setting AzureWebJobsStorage)" = "UseDevelopmentStorage=true" ] \
  && [ "$AZURITE_BLOB_PORT:$AZURITE_QUEUE_PORT:$AZURITE_TABLE_PORT" != "10000:10001:10002" ]; then
  export AzureWebJobsStorage="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$AZURITE_BLOB_PORT/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$AZURITE_QUEUE_PORT/devstoreaccount1;TableEndpoint=http://127.0.0.1:$AZURITE_TABLE_PORT/devstoreaccount1;"
fi

# 2. Build what runs, not the tests (the projects of scripts/dev-up.slnf, in one build: half the time of one build
#    each), then run without rebuilding. The first build restores and compiles everything, later ones what changed.
expect="under a minute when little changed"
if [ ! -f "$root/src/Functions/bin/Debug/net10.0/Serverless.Functions.dll" ]; then expect="the first build takes a few minutes"; fi
step build "building the bot" "the Functions app, the DevHost, the Sandbox, the companion and bot-ops; $expect" \
  dotnet build "$root/scripts/dev-up.slnf" --nologo -v quiet -clp:NoSummary || exit 1
bot_ops=(dotnet "$root/src/Ops/bin/Debug/net10.0/bot-ops.dll")

if [ -n "${azurite_pid:-}" ]; then
  wait_for "http://127.0.0.1:$AZURITE_QUEUE_PORT/devstoreaccount1?comp=list" "Azurite" "$azurite_pid"
fi

# 3. The Sandbox stands in for Discord when no credentials are configured.
if [ -z "$(setting Discord__BotToken)" ] || [ -z "$(setting Discord__PublicKey)" ] || [ -z "$(setting Discord__ApplicationId)" ]; then
  mkdir -p "$tools/sandbox"
  if [ -z "$(setting Lavalink__Url)" ]; then
    # serve would move the double to another port if this one were taken; say so instead of guessing.
    if port_taken "$SANDBOX_LAVALINK_PORT"; then
      complain "Port $SANDBOX_LAVALINK_PORT (the Lavalink double) is in use by another process: stop it, or set SANDBOX_LAVALINK_PORT to a free port."
      exit 1
    fi
    lavalink_double=1
  fi
  dotnet run --no-build --project dev/Sandbox -- serve --port "$SANDBOX_PORT" \
    --bot-url "http://127.0.0.1:$PORT/api/interactions" --key-file "$tools/sandbox/signing.key" \
    --lavalink-port "$SANDBOX_LAVALINK_PORT" > >(prefixed sandbox) 2>&1 &
  sandbox_pid=$!
  pids+=("$sandbox_pid")
  wait_for "http://127.0.0.1:$SANDBOX_PORT/_sandbox/info" "The Sandbox" "$sandbox_pid"
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
  say "No Discord credentials configured: using the offline Sandbox at http://127.0.0.1:$SANDBOX_PORT."
fi

# The stack's settings for bot-ops, which reads this file when neither --settings nor its environment says otherwise
# (ignored by git, readable by this user only, removed when this script stops).
mkdir -p "$(dirname "$dev_settings")"
(umask 077 && node -e 'const [file, ...pairs] = process.argv.slice(1); const Values = {};
  for (let i = 0; i < pairs.length; i += 2) if (pairs[i + 1]) Values[pairs[i]] = pairs[i + 1];
  require("fs").writeFileSync(file, JSON.stringify({ IsEncrypted: false, Values }, null, 2) + "\n");' \
  "$dev_settings" Discord__ApplicationId "$(setting Discord__ApplicationId)" Discord__PublicKey "$(setting Discord__PublicKey)" \
  Discord__BotToken "$(setting Discord__BotToken)" Discord__ApiBaseUrl "$(setting Discord__ApiBaseUrl)" \
  AzureWebJobsStorage "$(setting AzureWebJobsStorage)")
dev_settings_written=1
say "Wrote the stack's settings to .dev/settings.json: bot-ops uses them by default while this runs."

if [ -n "${sandbox:-}" ]; then
  # The bot's slash commands, registered as `azd up` would, so the console lists them and `commands check` agrees.
  step bot-ops "registering the bot's slash commands in the Sandbox" "" "${bot_ops[@]}" commands deploy --yes --settings "$dev_settings" \
    || complain "The bot still answers, but the console lists no commands and 'commands check' shows drift."
fi

# 4. The DevHost plays the Functions host: it starts the isolated worker named by the build output's
#    worker.config.json and talks to it over the host's gRPC protocol.
functions_out="$root/src/Functions/bin/Debug/net10.0"
dotnet run --no-build --project dev/DevHost -- --script-root "$functions_out" --port "$PORT" \
  --settings "$root/local.settings.json" > >(prefixed functions) 2>&1 &
functions_pid=$!
pids+=("$functions_pid")

# 5. The companion reads only its environment, not local.settings.json: it inherits the exported settings
#    (the Sandbox's among them) and gets its keys from local.settings.json here; the environment wins.
# The container logs JSON lines for queries; a terminal reads the DevHost's and the Sandbox's one-line format better
# (export Logging__Console__FormatterName=json to see those).
companion_env=(
  "Logging__Console__FormatterName=${Logging__Console__FormatterName:-simple}"
  "Logging__Console__FormatterOptions__SingleLine=${Logging__Console__FormatterOptions__SingleLine:-true}"
  "Logging__Console__FormatterOptions__TimestampFormat=${Logging__Console__FormatterOptions__TimestampFormat:-HH:mm:ss }"
)
for name in $(node -e 'for (const k of Object.keys(require(process.argv[1]).Values||{}))
    if (/^(AzureWebJobsStorage|Discord__|Lavalink__|Music__|Companion__)\w*$/.test(k)) console.log(k)' "$root/local.settings.json"); do
  value="$(setting "$name")"
  if [ -n "$value" ]; then companion_env+=("$name=$value"); fi
done
env "${companion_env[@]}" dotnet run --no-build --project src/Companion -- --urls "http://127.0.0.1:$COMPANION_PORT" \
  > >(prefixed companion) 2>&1 &
companion_pid=$!
pids+=("$companion_pid")

# 6. Ready when every part is: the handler (the worker answering its health through the DevHost), the gateway, Lavalink
#    (the companion connected to it) and storage (reachable by both). Until then, say what is still awaited.
music=""
if [ -n "$(setting Lavalink__Url)" ]; then music=1; fi
node -e '
const [botUrl, companionUrl, music, prefix, ...pids] = process.argv.slice(1);
const started = Date.now();
const get = url => fetch(url, { signal: AbortSignal.timeout(2000) })
  .then(async r => { try { return JSON.parse(await r.text()); } catch { return null; } }, () => null);
let said = "", saidAt = 0;
(async function poll() {
  for (const pid of pids) {
    try { process.kill(Number(pid), 0); } catch { console.error(prefix + "A process ended before the stack was ready; see its lines above."); process.exit(1); }
  }
  const [bot, companion] = await Promise.all([get(botUrl), get(companionUrl)]);
  const waiting = [];
  if (!bot || !bot.status) waiting.push("the handler (the worker through the DevHost)");
  if (!companion) waiting.push("the companion");
  else {
    if (companion.gateway?.status !== "ok") waiting.push(`the gateway (${companion.gateway?.status ?? "starting"})`);
    if (music && companion.lavalink?.status !== "ok") waiting.push(`Lavalink (${companion.lavalink?.status ?? "starting"}${companion.lavalink?.problem ? ": " + companion.lavalink.problem : ""})`);
    if (companion.storage?.status !== "ok") waiting.push(`storage (${companion.storage?.status ?? "starting"})`);
  }
  if (bot?.status === "fail" && !waiting.some(w => w.startsWith("storage"))) waiting.push("storage (the bot cannot reach it)");
  const seconds = Math.round((Date.now() - started) / 1000);
  if (waiting.length === 0) return;
  const line = "Waiting for " + waiting.join(", ");
  if (line !== said || Date.now() - saidAt > 15000) { console.log(prefix + line + ` (${seconds} s)`); said = line; saidAt = Date.now(); }
  setTimeout(poll, 500);
})();' "http://127.0.0.1:$PORT/api/healthz" "http://127.0.0.1:$COMPANION_PORT/healthz" "$music" "$(prefix_of dev-up)" "${pids[@]}"
say "Ready, $SECONDS s after the start: the handler, the gateway, ${music:+Lavalink, }storage."
say
if [ -n "${sandbox:-}" ]; then
  say "Web console (the Sandbox's Discord in your browser): $console_url"
fi
say "The bot answers on http://127.0.0.1:$PORT/api/interactions"
say "The companion's health: http://127.0.0.1:$COMPANION_PORT/healthz"
if [ -z "$music" ]; then
  say "No Lavalink configured (Lavalink__Url, Lavalink__Password): the companion runs with music off."
fi
if [ -n "${sandbox:-}" ]; then
  say "Or send it a command from another terminal:"
  say "  dotnet run --project dev/Sandbox -- send /ping"
  say "  dotnet run --project dev/Sandbox -- send /status"
  say "Try music: put the Sandbox's user in its voice channel, then ask for a track:"
  say "  node -e 'fetch(process.argv[1],{method:\"POST\",headers:{\"content-type\":\"application/json\"},body:process.argv[2]}).then(r=>r.text()).then(console.log)' \\"
  say "    http://127.0.0.1:$SANDBOX_PORT/_sandbox/voice-states '{\"channelId\":\"$voice_channel\"}'"
  say "  dotnet run --project dev/Sandbox -- send /music play -o query=lofi --wait 10"
  say "Operate it with bot-ops (it reads .dev/settings.json while this runs):"
  say "  dotnet run --project src/Ops -- commands check"
  say "  dotnet run --project src/Ops -- smoke --url http://127.0.0.1:$PORT"
else
  say "Expose the port with your tunnel of choice and set it as the Interactions Endpoint URL."
fi
say "Ctrl+C stops everything."
set +e
wait -n "${pids[@]}"
status=$?
set -e
say "A process ended (exit $status); stopping the rest."
exit "$status"
