# Sourced by the fan-out scripts (fanout.sh, inspect.sh): what each target is and
# how to start and stop one. Run from the repository root.
# SERVER_DLL may point at another build of the service (an older commit's, to compare side by side).
SERVER_DLL=${SERVER_DLL:-src/TickerService.Server/bin/Release/net10.0/TickerService.Server.dll}
FLOOR_DLL=bench/TickerService.RawFloor/bin/Release/net10.0/TickerService.RawFloor.dll
GENERATOR_DLL=bench/TickerService.LoadGenerator/bin/Release/net10.0/TickerService.LoadGenerator.dll

# feed: the feed's settings, read when a target starts: TICK (a TimeSpan) and INSTRUMENTS (a
# generated universe of that many, Ticker:SyntheticInstrumentCount; the floor always quotes the 15
# defaults).
# With EVERY_TICK=1 the INSTRUMENTS are configured one by one (Ticker:Instruments on the command
# line, no trade rates), so every one of them quotes on every tick, and the recorder is off (it
# would spend more than the fan-out on 50,000 quotes a second).
feed() {
  FEED=(--Ticker:Feed:TickInterval="${TICK:-00:00:00.100}" --Ticker:Feed:Seed=1)
  if [[ -n "${INSTRUMENTS:-}" && -n "${EVERY_TICK:-}" ]]; then
    FEED+=(--Ticker:Recording:Enabled=false)
    for ((i = 0; i < INSTRUMENTS; i++)); do
      FEED+=("--Ticker:Instruments:$i:Symbol=SYN$((i + 1))" "--Ticker:Instruments:$i:Name=Synthetic $((i + 1))"
        "--Ticker:Instruments:$i:StartPrice=$((10 + i % 490)).25")
    done
  elif [[ -n "${INSTRUMENTS:-}" ]]; then
    FEED+=(--Ticker:SyntheticInstrumentCount="$INSTRUMENTS")
  fi
}

# 10,000 sockets need 10,000 descriptors on each side.
ulimit -n "$(ulimit -Hn)"

# start_target TARGET URL LOG: starts the server in the background; its pid in SERVER_PID.
#   hub (the service), hub-beside (the same with a second instance running beside it), follower
#   (a follower of a two-node cluster, start_cluster), hub-stream (the same, loaded through StreamQuotes), ws (the same, loaded
#   through the plain WebSocket /ws), hub-idle (the service
#   with a Manual feed: nothing ticks), floor (raw WebSocket floor), piped (the floor sending the
#   way SignalR's WebSocket transport does), stream (classic per-client stream baseline)
start_target() {
  local target=$1 url=$2 log=$3 server
  feed
  case $target in
    hub|hub-stream) server=(dotnet "$SERVER_DLL" --urls "$url" "${FEED[@]}") ;;
    # /ws counts against the per-address request limit (Ticker:Limits:RequestsPerMinute, 600),
    # and every generated client comes from 127.0.0.1.
    ws) server=(dotnet "$SERVER_DLL" --urls "$url" "${FEED[@]}" --Ticker:Limits:RequestsPerMinute=1000000) ;;
    hub-idle) server=(dotnet "$SERVER_DLL" --urls "$url" "${FEED[@]}" --Ticker:Feed:Mode=Manual) ;;
    floor|piped|stream) server=(dotnet "$FLOOR_DLL" --urls "$url" --mode "$target" "${FEED[@]}") ;;
    follower) start_cluster "$url" "$log"; return ;;
    # A single node with a second one beside it (its own port and file, no clients): on two
    # cores the follower shares the machine with its leader, so the baseline shares it too.
    hub-beside)
      local dir; dir=$(mktemp -d /tmp/fanout-beside.XXXXXX)
      dotnet "$SERVER_DLL" --urls "http://127.0.0.1:$((${url##*:} + 1))" "${FEED[@]}" --Ticker:Recording:Path="$dir/beside.db" >"$log.beside" 2>&1 &
      EXTRA_PIDS=($!)
      server=(dotnet "$SERVER_DLL" --urls "$url" "${FEED[@]}" --Ticker:Recording:Path="$dir/node.db") ;;
    *) echo "unknown target $target" >&2; return 2 ;;
  esac
  "${server[@]}" >"$log" 2>&1 &
  SERVER_PID=$!
  answers "$url/healthz" && return 0
  echo "$target did not answer $url/healthz" >&2
  stop_target "$SERVER_PID"
  return 1
}

# answers URL [TEXT]: true once URL answers 2xx (with TEXT in the body, if given), within 60 s
# (a universe of 5,000 given on the command line starts slowly on a loaded machine).
answers() {
  for _ in $(seq 300); do curl -fs "$1" 2>/dev/null | grep -qF -- "${2:-}" && return 0; sleep 0.2; done
  return 1
}

# start_cluster URL LOG: the follower target. Two nodes of one cluster (SPEC 12) on their own
# redis-server: the leader (on the URL's port + 1) produces and publishes on the bus; the follower,
# on the URL, serves the clients, so the generator measures a follower's CPU per message. Each
# node records into its own file. The leader and redis-server go with the follower (stop_target).
start_cluster() {
  local url=$1 log=$2 port=${1##*:} dir
  dir=$(mktemp -d /tmp/fanout-cluster.XXXXXX)
  redis-server --port $((port + 2)) --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" >"$dir/redis.log" 2>&1 &
  EXTRA_PIDS=($!)
  local node=(--Ticker:Cluster:Redis=127.0.0.1:$((port + 2)) "${FEED[@]}")
  dotnet "$SERVER_DLL" --urls "http://127.0.0.1:$((port + 1))" "${node[@]}" --Ticker:Cluster:Node=leader \
    --Ticker:Recording:Path="$dir/leader.db" >"$log.leader" 2>&1 &
  EXTRA_PIDS+=($!)
  answers "http://127.0.0.1:$((port + 1))/api/cluster" '"role":"leader"' || true
  dotnet "$SERVER_DLL" --urls "$url" "${node[@]}" --Ticker:Cluster:Node=follower \
    --Ticker:Recording:Path="$dir/follower.db" >"$log" 2>&1 &
  SERVER_PID=$!
  answers "$url/api/cluster" '"role":"follower"' && return 0
  echo "no follower answered $url/api/cluster" >&2
  stop_target "$SERVER_PID"
  return 1
}

# stop_target PID: SIGTERM, then SIGKILL if it is still there after 10 s (a process that strace
# has just let go of can miss the SIGTERM); then a cluster's leader and redis-server, if any.
stop_target() {
  local pid
  for pid in "$1" ${EXTRA_PIDS[@]+"${EXTRA_PIDS[@]}"}; do
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  EXTRA_PIDS=()
}
