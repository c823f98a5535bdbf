#!/usr/bin/env bash
# One target under fan-out, seen from outside: its system calls or its runtime counters over
# SECONDS in the middle of a generator window.
#   bench/fanout/inspect.sh strace|counters hub|floor|piped [CLIENTS] [SECONDS]
# strace: `strace -c -f` (CLIENTS default 500); it slows every call it counts, so read the
#   counts, not the times; SECONDS default 5. Writes bench/fanout/results/syscalls-TARGET.txt.
# counters: dotnet-counters' System.Runtime (allocation, GC, thread pool) every 5 s (CLIENTS
#   default 1000, SECONDS 15: two 5 s rates after the first sample; `dotnet tool install -g
#   dotnet-counters` first). Writes
#   bench/fanout/results/counters-TARGET.csv, or counters-TARGET-LABEL.csv with LABEL set.
# Loopback only, bounded.
set -euo pipefail
cd "$(dirname "$0")/../.."
tool=$1 target=$2
case $tool in
  strace) clients=${3:-500} seconds=${4:-5} ;;
  counters) clients=${3:-1000} seconds=${4:-15} ;;
  *) echo "strace or counters" >&2; exit 2 ;;
esac
source bench/fanout/targets.sh
PORT=${PORT:-5733}
url=http://127.0.0.1:$PORT
[[ $target == hub || $target == floor || $target == piped ]] || { echo "hub, floor or piped" >&2; exit 2; }
start_target "$target" "$url" /dev/null
pid=$SERVER_PID
dotnet "$GENERATOR_DLL" --url "$url" \
  --clients "$clients" --pid "$pid" --warmup 3 --duration $((seconds + 10)) --label "$target $tool" >/tmp/inspect-gen.out 2>&1 &
gen=$!
for _ in $(seq 120); do grep -q connected /tmp/inspect-gen.out && break; sleep 0.5; done
sleep 5
if [[ $tool == strace ]]; then
  out=bench/fanout/results/syscalls-$target.txt
  {
    echo "# $target, $clients clients at 10 messages a client a second, strace -c -f for ${seconds}s, $(date -u +%FT%TZ)"
    timeout "$seconds" strace -c -f -p "$pid" 2>&1 | grep -vE 'attached|detached' || true   # timeout ends strace: exit 124
  } >"$out"
else
  out=bench/fanout/results/counters-$target${LABEL:+-$LABEL}.csv
  "${DOTNET_COUNTERS:-$HOME/.dotnet/tools/dotnet-counters}" collect -p "$pid" --counters System.Runtime \
    --refresh-interval 5 --duration "00:00:00:$((seconds + 1))" --format csv -o "$out" >/dev/null
fi
wait "$gen" || true
stop_target "$pid"
grep -E 'futex|sendmsg|sched_yield|total_allocated|gc.collections|work_item.count' "$out" || true
