#!/usr/bin/env bash
# HTTP load on loopback with wrk (Debian package `wrk`): small queries per second with
# p50/p99 over keep-alive connections, and line-protocol ingest in values/s. Starts a
# release `sundial serve` on a temporary directory and stops it at the end.
#   Benchmarks/http/run.sh [seconds=10] [connections=32]
#   Benchmarks/http/run.sh --smoke                  # CI: 2 s per load, 8 connections
#   SUNDIAL_BIN=path/to/sundial Benchmarks/http/run.sh   # use that binary, skip the build
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
if [ "${1:-}" = "--smoke" ]; then seconds=2; connections=8; shift; else seconds="${1:-10}"; connections="${2:-32}"; fi
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 1; }
if [ -z "${SUNDIAL_BIN:-}" ]; then
    swift build -c release --package-path "$root" --product sundial >&2
    bin="$root/.build/release/sundial"
else
    bin="$SUNDIAL_BIN"
fi
dir="$(mktemp -d)"; pid=""
trap '[ -n "$pid" ] && { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }; rm -rf "$dir"' EXIT
# Rate limiting off: this measures the server, not the limiter.
echo '{"limits": {"rate_per_second": 0, "max_concurrent_queries": 64}}' > "$dir/server.json"
"$bin" serve --data "$dir/data" --http 127.0.0.1:0 --wire off --config "$dir/server.json" > "$dir/out" 2> "$dir/log" &
pid=$!
for _ in $(seq 300); do grep -q serving "$dir/out" 2>/dev/null && break; sleep 0.1; done
grep -q serving "$dir/out" || { echo "the server did not start:" >&2; cat "$dir/log" >&2; exit 1; }
url="http://$(grep -o '127.0.0.1:[0-9]*' "$dir/out" | head -1)"

# 100 hosts x 50 times x 10 fields = 50,000 values in 5,000 lines: written once for the
# query, then as the body of every ingest request.
python3 - "$dir/batch.lp" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for t in range(50):
        for h in range(100):
            f.write(f"cpu,hostname=host_{h},region=r{h%4} " + ",".join(f"f{i}={(h*7+t*3+i)%100}.5" for i in range(10)) + f" {1700000000+t}\n")
PY
curl -sf -XPOST "$url/api/v1/write?precision=s" --data-binary @"$dir/batch.lp" >/dev/null
cat > "$dir/write.lua" <<LUA
wrk.method = "POST"
wrk.path = "/api/v1/write?precision=s"
local f = io.open("$dir/batch.lp", "rb"); wrk.body = f:read("*a"); f:close()
LUA

echo "== small query (last value of one host), $connections connections, ${seconds}s"
wrk -t2 -c"$connections" -d"${seconds}s" --latency \
    "$url/api/v1/query?sql=SELECT+max(f1)+FROM+cpu+WHERE+hostname+%3D+%27host_7%27"
echo "== line-protocol ingest: 5,000 lines x 10 fields = 50,000 values per request, 4 connections, ${seconds}s"
wrk -t2 -c4 -d"${seconds}s" --latency -s "$dir/write.lua" "$url"
echo "(values/s = requests/s x 50,000)"
