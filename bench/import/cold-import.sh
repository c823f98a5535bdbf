#!/usr/bin/env bash
# A year of minute bars (100,000 rows, 7.5 MB) imported into a freshly started server, twice (two
# symbols), as a user would: curl --data-binary, the time curl reports (docs/benchmarks.md,
# "Writing while parsing"). Usage: bench/import/cold-import.sh [SERVER_DLL]
#   default SERVER_DLL: a Release build (dotnet publish or build output of src/TickerService.Server)
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/fanout/targets.sh # SERVER_DLL's default and answers()
dll=${1:-$SERVER_DLL}
port=${PORT:-5799}
csv=${CSV:-/tmp/ticker-minute-bars.csv}
[[ -s $csv ]] || python3 bench/import/minute-bars.py >"$csv"
dir=$(mktemp -d /tmp/cold-import.XXXXXX)
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
dotnet "$dll" --urls "http://127.0.0.1:$port" --Ticker:AdminKey=k --Ticker:Recording:Path="$dir/t.db" >"$dir/log" 2>&1 &
pid=$!
answers "http://127.0.0.1:$port/healthz" || { echo "the server did not start: $(tail -5 "$dir/log")" >&2; exit 1; }
sleep 2 # past the start-up's own work
for symbol in MINUTE MINUTE2; do
  t=$(curl -s -o "$dir/response" -w "%{time_total}" -X POST -H "X-Admin-Key: k" -H "Content-Type: text/csv" \
    --data-binary @"$csv" "http://127.0.0.1:$port/api/recordings/import?format=bars&symbol=$symbol")
  grep -q '"imported":100000' "$dir/response" || { echo "import failed: $(cat "$dir/response")" >&2; exit 1; }
  printf '%s %s s\n' "$symbol" "$t"
done
