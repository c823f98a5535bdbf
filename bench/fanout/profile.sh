#!/usr/bin/env bash
# Where the server's CPU goes under fan-out: perf samples of one target at N clients.
#   bench/fanout/profile.sh hub|floor|piped [CLIENTS=1000] [SECONDS=10]
# Starts the target with DOTNET_PerfMapEnabled=1 and W^X off (so perf can name JIT-compiled frames), loads it
# with the generator, records SECONDS of samples in the middle of the window and prints the top
# symbols (self time) to bench/fanout/results/profile-TARGET.txt. Loopback only, bounded.
set -euo pipefail
cd "$(dirname "$0")/../.."
target=$1 clients=${2:-1000} seconds=${3:-10}
source bench/fanout/targets.sh
PORT=${PORT:-5732}
url=http://127.0.0.1:$PORT
[[ $target == hub || $target == floor || $target == piped ]] || { echo "hub, floor or piped" >&2; exit 2; }
# The generator inherits these too; it only writes a perf map of its own.
export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
start_target "$target" "$url" /dev/null
pid=$SERVER_PID
dotnet "$GENERATOR_DLL" --url "$url" \
  --clients "$clients" --pid "$pid" --warmup 5 --duration $((seconds + 10)) --label "$target profiled" >/tmp/profile-gen.out 2>&1 &
gen=$!
# Connecting takes up to ~20 s on the shared machine; start recording once the window is open.
for _ in $(seq 120); do grep -q connected /tmp/profile-gen.out && break; sleep 0.5; done
sleep 10
perf record -F 499 -g -p "$pid" -o "/tmp/perf-$target.data" -- sleep "$seconds" >/dev/null 2>&1
wait "$gen" || true
stop_target "$pid"
out=bench/fanout/results/profile-$target.txt
{
  echo "# $target, $clients clients, ${seconds}s of perf samples at 499 Hz, $(date -u +%FT%TZ)"
  tail -1 /tmp/profile-gen.out
  (cd /tmp && perf report -i "/tmp/perf-$target.data" --no-children -g none --sort symbol --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -60) || true
} >"$out"
cat "$out"
