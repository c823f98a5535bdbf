#!/usr/bin/env bash
# One target under fan-out, seen from outside, over SECONDS in the middle of a generator window:
#   bench/fanout/inspect.sh perf|strace|counters hub|floor|piped [CLIENTS] [SECONDS]
# perf: CPU samples at 499 Hz (CLIENTS 1000, SECONDS 10), the top symbols by self time, JIT
#   frames named through the runtime's perf map; bench/fanout/results/profile-TARGET.txt.
# strace: `strace -c -f` (CLIENTS 500, SECONDS 5); it slows every call it counts, so read the
#   counts, not the times; bench/fanout/results/syscalls-TARGET.txt.
# counters: dotnet-counters' System.Runtime (allocation, GC, thread pool) every 5 s (CLIENTS 1000,
#   SECONDS 15: two 5 s rates after the first sample; `dotnet tool install -g dotnet-counters`
#   first); bench/fanout/results/counters-TARGET.csv.
# With LABEL set, the file names end in -LABEL; GEN_ARGS are passed to the generator (such as
# "--portfolio 5"), INSTRUMENTS and TICK to the target (targets.sh). Loopback only, bounded.
set -euo pipefail
cd "$(dirname "$0")/../.."
tool=$1 target=$2
case $tool in
  perf) clients=${3:-1000} seconds=${4:-10}
    # So perf can name JIT-compiled frames; the generator inherits these and only writes a map too.
    export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 ;;
  strace) clients=${3:-500} seconds=${4:-5} ;;
  counters) clients=${3:-1000} seconds=${4:-15} ;;
  *) echo "perf, strace or counters" >&2; exit 2 ;;
esac
[[ $target == hub || $target == floor || $target == piped ]] || { echo "hub, floor or piped" >&2; exit 2; }
source bench/fanout/targets.sh
PORT=${PORT:-5733}
url=http://127.0.0.1:$PORT
suffix=$target${LABEL:+-$LABEL}
start_target "$target" "$url" /dev/null
pid=$SERVER_PID
dotnet "$GENERATOR_DLL" --url "$url" --clients "$clients" --pid "$pid" --warmup 3 --duration $((seconds + 10)) \
  --label "$target $tool" ${GEN_ARGS:-} >/tmp/inspect-gen.out 2>&1 &
gen=$!
for _ in $(seq 120); do grep -q connected /tmp/inspect-gen.out && break; sleep 0.5; done
sleep 5
case $tool in
  perf)
    perf record -F 499 -g -p "$pid" -o "/tmp/perf-$suffix.data" -- sleep "$seconds" >/dev/null 2>&1 ;;
  strace)
    out=bench/fanout/results/syscalls-$suffix.txt
    {
      echo "# $target, $clients clients at 10 messages a client a second, strace -c -f for ${seconds}s, $(date -u +%FT%TZ)"
      timeout "$seconds" strace -c -f -p "$pid" 2>&1 | grep -vE 'attached|detached' || true   # timeout ends strace: exit 124
    } >"$out" ;;
  counters)
    out=bench/fanout/results/counters-$suffix.csv
    "${DOTNET_COUNTERS:-$HOME/.dotnet/tools/dotnet-counters}" collect -p "$pid" --counters System.Runtime \
      --refresh-interval 5 --duration "00:00:00:$((seconds + 1))" --format csv -o "$out" >/dev/null ;;
esac
wait "$gen" || true
stop_target "$pid"
if [[ $tool == perf ]]; then
  out=bench/fanout/results/profile-$suffix.txt
  {
    echo "# $target, $clients clients, ${seconds}s of perf samples at 499 Hz, $(date -u +%FT%TZ)"
    tail -1 /tmp/inspect-gen.out
    (cd /tmp && perf report -i "/tmp/perf-$suffix.data" --no-children -g none --sort symbol --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -60) || true
  } >"$out"
fi
head -20 "$out"
