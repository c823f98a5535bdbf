#!/usr/bin/env bash
# System calls of one target under fan-out: strace -c over SECONDS in the middle of the window.
#   bench/fanout/syscalls.sh hub|floor|piped [CLIENTS=500] [SECONDS=5]
# strace slows every call it counts, so read the counts, not the times or the generator's figures.
# Writes bench/fanout/results/syscalls-TARGET.txt. Loopback only, bounded.
set -euo pipefail
cd "$(dirname "$0")/../.."
target=$1 clients=${2:-500} seconds=${3:-5}
PORT=${PORT:-5733}
url=http://127.0.0.1:$PORT
FEED=(--Ticker:Feed:TickInterval=00:00:00.100 --Ticker:Feed:Seed=1)
ulimit -n "$(ulimit -Hn)"
case $target in
  hub) dotnet src/TickerService.Server/bin/Release/net10.0/TickerService.Server.dll --urls "$url" "${FEED[@]}" >/dev/null 2>&1 & ;;
  floor|piped) dotnet bench/TickerService.RawFloor/bin/Release/net10.0/TickerService.RawFloor.dll --urls "$url" --mode "$target" "${FEED[@]}" >/dev/null 2>&1 & ;;
  *) echo "hub, floor or piped" >&2; exit 2 ;;
esac
pid=$!
for _ in $(seq 100); do curl -fs "$url/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
dotnet bench/TickerService.LoadGenerator/bin/Release/net10.0/TickerService.LoadGenerator.dll --url "$url" \
  --clients "$clients" --pid "$pid" --warmup 3 --duration $((seconds + 7)) --label "$target strace" >/tmp/syscalls-gen.out 2>&1 &
gen=$!
for _ in $(seq 120); do grep -q connected /tmp/syscalls-gen.out && break; sleep 0.5; done
sleep 5
out=bench/fanout/results/syscalls-$target.txt
{
  echo "# $target, $clients clients at 10 messages a client a second, strace -c -f for ${seconds}s, $(date -u +%FT%TZ)"
  timeout "$seconds" strace -c -f -p "$pid" 2>&1 | grep -vE 'attached|detached' || true   # timeout ends strace: exit 124
} >"$out"
wait "$gen" || true
# A process strace has just let go of can miss a SIGTERM: make sure it is gone before the next run.
kill "$pid" 2>/dev/null || true
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
head -12 "$out"
