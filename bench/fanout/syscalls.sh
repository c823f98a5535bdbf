#!/usr/bin/env bash
# System calls of one target under fan-out: strace -c over SECONDS in the middle of the window.
#   bench/fanout/syscalls.sh hub|floor|piped [CLIENTS=500] [SECONDS=5]
# strace slows every call it counts, so read the counts, not the times or the generator's figures.
# Writes bench/fanout/results/syscalls-TARGET.txt. Loopback only, bounded.
set -euo pipefail
cd "$(dirname "$0")/../.."
target=$1 clients=${2:-500} seconds=${3:-5}
source bench/fanout/targets.sh
PORT=${PORT:-5733}
url=http://127.0.0.1:$PORT
[[ $target == hub || $target == floor || $target == piped ]] || { echo "hub, floor or piped" >&2; exit 2; }
start_target "$target" "$url" /dev/null
pid=$SERVER_PID
dotnet "$GENERATOR_DLL" --url "$url" \
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
stop_target "$pid"
head -12 "$out"
