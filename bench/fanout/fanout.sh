#!/usr/bin/env bash
# The fan-out benchmark (docs/benchmarks.md, "Fan-out"). Loopback only; every run is bounded in
# clients and time. Usage:
#   bench/fanout/fanout.sh one TARGET CLIENTS [generator options]   one run; TARGET is
#        hub (the service, subscribe), follower (a follower of a two-node cluster), ws (the service through the plain WebSocket /ws), floor (raw WebSocket floor), piped (the floor sending the
#        way SignalR's WebSocket transport does), stream (classic per-client
#        stream baseline), hub-stream (the service's own StreamQuotes) or hub-idle (the service
#        with a Manual feed: nothing ticks, connections sit idle)
#   bench/fanout/fanout.sh a | b | c | d | plain    the scenarios (plain: /ws beside the hub and the floor); results appended to bench/fanout/results/
#   bench/fanout/fanout.sh portfolios     identical vs diverse portfolios (5 symbols a client) at 500
#        and 5,000 instruments, alternated in one run; with BEFORE=path/to/TickerService.Server.dll
#        an older build runs beside the current one; EVERY_TICK=1: every instrument quotes on
#        every tick (the shape of issue 11's table), else the generated universe's trade rates;
#        PORTFOLIO_INSTRUMENTS: the universes (default "500 5000")
#   bench/fanout/fanout.sh curve          1,000, 5,000 and 10,000 clients with diverse portfolios,
#        the hub beside the floor at each (CURVE_CLIENTS to choose); then 1 % stuck clients among
#        1,000 diverse ones, beside none
#   bench/fanout/fanout.sh cluster        a follower of a two-node cluster beside a single node,
#        CPU per delivered message (CLUSTER_CLIENTS, ROUNDS to choose; needs redis-server)
#   bench/fanout/fanout.sh chart        redraws docs/fanout.svg from results/scenario-a.jsonl
set -euo pipefail
cd "$(dirname "$0")/../.."
RESULTS=bench/fanout/results
PORT=${PORT:-5731}
WARMUP=${WARMUP:-5}
DURATION=${DURATION:-20}
source bench/fanout/targets.sh

build() {
  if [[ -z "${NO_BUILD:-}" ]]; then
    dotnet build -c Release src/TickerService.Server >/dev/null
    dotnet build -c Release bench/TickerService.RawFloor >/dev/null
    dotnet build -c Release bench/TickerService.LoadGenerator >/dev/null
    export NO_BUILD=1
  fi
}

# one TARGET CLIENTS [generator options...]
one() {
  local target=$1 clients=$2; shift 2
  local url=http://127.0.0.1:$PORT mode=subscribe
  [[ $target == *stream ]] && mode=stream
  [[ $target == ws ]] && set -- --client ws "$@"
  build
  start_target "$target" "$url" "/tmp/fanout-$target-$PORT.log" || return
  local pid=$SERVER_PID
  # A manual feed has published only its snapshot; the service answers /api/quotes all the same.
  dotnet "$GENERATOR_DLL" --url "$url" --clients "$clients" --mode "$mode" --pid "$pid" \
    --warmup "$WARMUP" --duration "$DURATION" --label "$target" "$@" || true
  stop_target "$pid"
}

case ${1:-} in
  one) shift; one "$@" ;;
  a)
    for clients in 100 500 1000; do
      for target in hub floor stream; do
        one "$target" "$clients" --json-out "$RESULTS/scenario-a.jsonl"
      done
    done ;;
  b)
    # 30 s: the kernel still absorbs the stuck sockets; 150 s: past its 4 MB a socket (tcp_wmem).
    for stuck in 0 1; do
      DURATION=30 one hub 1000 --stuck-percent "$stuck" --label "hub stuck=$stuck%" --json-out "$RESULTS/scenario-b.jsonl"
    done
    for stuck in 1 0; do
      DURATION=150 one hub 1000 --stuck-percent "$stuck" --label "hub stuck=$stuck% long" --json-out "$RESULTS/scenario-b.jsonl"
    done ;;
  c)
    # The 10,000 are held for 40 s: past SignalR's 30 s client timeout and two keep-alive rounds.
    WARMUP=0 DURATION=5 one hub-idle 2000 --connect-parallel 32 --json-out "$RESULTS/scenario-c.jsonl"
    WARMUP=0 DURATION=40 one hub-idle 10000 --connect-parallel 32 --json-out "$RESULTS/scenario-c.jsonl" ;;
  plain)
    # The plain WebSocket /ws beside the hub and the raw floor, alternated at each client count.
    for clients in ${PLAIN_CLIENTS:-1000}; do
      for round in $(seq "${ROUNDS:-1}"); do
        for target in floor hub ws; do
          one "$target" "$clients" --json-out "$RESULTS/scenario-plain.jsonl"
        done
      done
    done ;;
  d)
    # Where the hub's CPU over the floor goes: the floor, the floor with SignalR's transport hop, the hub.
    for target in floor piped hub; do
      one "$target" 1000 --json-out "$RESULTS/scenario-d.jsonl"
    done ;;
  portfolios)
    # A generated universe (Ticker:SyntheticInstrumentCount): liquid names quote several times a
    # second, the tail rarely, so each client's message carries only what changed for it.
    for instruments in ${PORTFOLIO_INSTRUMENTS:-500 5000}; do
      for round in $(seq "${ROUNDS:-2}"); do
        for shape in identical diverse; do
          INSTRUMENTS=$instruments one hub 1000 --portfolio 5 --shape "$shape" \
            --label "hub $shape 5 of $instruments${EVERY_TICK:+ every tick}" --json-out "$RESULTS/portfolios.jsonl"
          if [[ -n "${BEFORE:-}" ]]; then
            SERVER_DLL=$BEFORE INSTRUMENTS=$instruments one hub 1000 --portfolio 5 --shape "$shape" \
              --label "before $shape 5 of $instruments${EVERY_TICK:+ every tick}" --json-out "$RESULTS/portfolios.jsonl"
          fi
        done
      done
    done ;;
  curve)
    # The floor sends every client the same frame of the 15 default instruments; the hub each
    # client its own 5 of 500. Both every 100 ms.
    for clients in ${CURVE_CLIENTS:-1000 5000 10000}; do
      INSTRUMENTS=500 one hub "$clients" --portfolio 5 --connect-parallel 32 --label "hub diverse $clients" --json-out "$RESULTS/curve.jsonl"
      one floor "$clients" --connect-parallel 32 --label "floor $clients" --json-out "$RESULTS/curve.jsonl"
    done
    for stuck in 0 1; do
      DURATION=30 INSTRUMENTS=500 one hub 1000 --portfolio 5 --stuck-percent "$stuck" \
        --label "hub diverse stuck=$stuck%" --json-out "$RESULTS/curve.jsonl"
    done ;;
  cluster)
    # Issue 13: a follower's CPU per delivered message beside a single node's, alternated. The
    # same 15 instruments every 100 ms and the same clients (all symbols each) on both; the
    # single node has a second instance running beside it, as the follower has its leader.
    for clients in ${CLUSTER_CLIENTS:-1000}; do
      for round in $(seq "${ROUNDS:-2}"); do
        for target in ${CLUSTER_TARGETS:-hub-beside follower}; do
          one "$target" "$clients" --label "$target $clients" --json-out "$RESULTS/cluster.jsonl"
        done
      done
    done ;;
  chart) python3 bench/fanout/chart.py "$RESULTS/scenario-a.jsonl" docs/fanout.svg ;;
  *) sed -n 2,19p "$0"; exit 2 ;;
esac
