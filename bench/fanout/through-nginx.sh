#!/usr/bin/env bash
# The load generator through a real nginx running deploy/nginx.conf (its upstream pointed at one
# target on loopback), to size the proxy tier: nginx's RSS before and after the connections, and
# its CPU over the generator's window, from /proc of its master and workers.
#   bench/fanout/through-nginx.sh hub-idle 3000     # memory per idle proxied connection
#   bench/fanout/through-nginx.sh hub 1000          # CPU per proxied message, 10 msg/client/s
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/fanout/targets.sh
target=$1 clients=$2; shift 2
PORT=${PORT:-5731} NGINX_PORT=${NGINX_PORT:-5732}
WARMUP=${WARMUP:-5} DURATION=${DURATION:-15}
work=$(mktemp -d /tmp/through-nginx.XXXXXX)
mkdir -p "$work/temp" && chmod 777 "$work/temp"

# The shipped file with only the upstream servers, the listen address and the temp path changed.
python3 - "$work/nginx.conf" "$PORT" "$NGINX_PORT" "$work/temp" <<'PY'
import re, sys
out, port, nport, temp = sys.argv[1:]
s = open("deploy/nginx.conf").read()
lines = [l for l in s.split("\n")]
servers = [i for i, l in enumerate(lines) if re.match(r"\s*server\s+node\d+:\d+", l)]
lines[servers[0]] = re.sub(r"node\d+:\d+", f"127.0.0.1:{port}", lines[servers[0]])
for i in reversed(servers[1:]):
    del lines[i]
s = "\n".join(lines).replace("listen 80;", f"listen 127.0.0.1:{nport};")
s = s.replace("http {", "http {\n" + "\n".join(f"    {k}_temp_path {temp}/{k};" for k in ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]), 1)
s = s.replace("access_log /dev/stdout ticker;", "access_log off;")
open(out, "w").write(s)
PY

nginx_pids() { echo "$NGINX_PID $(pgrep -P "$NGINX_PID" | tr '\n' ' ')"; }
rss_kb() { local t=0; for p in $(nginx_pids); do t=$((t + $(awk '/VmRSS/ {print $2}' "/proc/$p/status"))); done; echo $t; }
cpu_ticks() { local t=0; for p in $(nginx_pids); do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo $t; }

dotnet build -c Release src/TickerService.Server >/dev/null
dotnet build -c Release bench/TickerService.LoadGenerator >/dev/null
start_target "$target" "http://127.0.0.1:$PORT" "$work/target.log"
server_pid=$SERVER_PID
nginx -p "$work/" -c "$work/nginx.conf" -e stderr -g "daemon off; pid $work/nginx.pid;" 2>"$work/nginx.err" &
NGINX_PID=$!
trap 'kill $NGINX_PID 2>/dev/null || true; pkill -P $NGINX_PID 2>/dev/null || true; stop_target $server_pid' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$NGINX_PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
before=$(rss_kb)

dotnet "$GENERATOR_DLL" --url "http://127.0.0.1:$NGINX_PORT" --clients "$clients" --pid "$server_pid" \
  --warmup "$WARMUP" --duration "$DURATION" --label "$target via nginx" --connect-parallel 32 "$@" >"$work/generator.txt" 2>&1 &
gen=$!
# nginx's share: sampled once the clients are connected (the generator says so) and at the window's end.
until grep -q "connected in" "$work/generator.txt" 2>/dev/null || ! kill -0 $gen 2>/dev/null; do sleep 0.2; done
sleep "$WARMUP"
after=$(rss_kb); t0=$(cpu_ticks); s0=$(date +%s.%N)
wait $gen || true
t1=$(cpu_ticks); s1=$(date +%s.%N)
cat "$work/generator.txt" | grep -E "connected|messages_per_s|delivery_ratio|p50_ms|p99_ms|server_cpu_us_per_message|server_kb_per_connection|machine_busy|loadavg" || true
hz=$(getconf CLK_TCK)
python3 - "$before" "$after" "$clients" "$t0" "$t1" "$s0" "$s1" "$hz" <<'PY'
import sys
before, after, clients, t0, t1, s0, s1, hz = sys.argv[1:]
before, after, clients, t0, t1, hz = int(before), int(after), int(clients), int(t0), int(t1), int(hz)
seconds = float(s1) - float(s0)
print(f"nginx RSS {before/1024:.1f} MB before, {after/1024:.1f} MB with {clients} proxied connections: {(after-before)/clients:.1f} KB a connection")
print(f"nginx CPU {100*(t1-t0)/hz/seconds:.1f} % of a core over {seconds:.1f} s")
PY
