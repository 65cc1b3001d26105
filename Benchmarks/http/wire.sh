#!/usr/bin/env bash
# Small queries per second over the wire protocol (SundialClient, Benchmarks/Sources/WireLoad)
# next to the same query over HTTP (wrk), same connection count, one release server on
# loopback (ports it picks), stopped at the end.
#   Benchmarks/http/wire.sh [seconds=10] [connections=32]
#   Benchmarks/http/wire.sh --smoke                       # CI: 2 s, 8 connections
#   SUNDIAL_BIN=path/to/sundial WIRELOAD_BIN=path/to/WireLoad Benchmarks/http/wire.sh   # skip the builds
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
if [ -z "${WIRELOAD_BIN:-}" ]; then
    swift build -c release --package-path "$root/Benchmarks" --product WireLoad >&2
    wireload="$root/Benchmarks/.build/release/WireLoad"
else
    wireload="$WIRELOAD_BIN"
fi
dir="$(mktemp -d)"; pid=""
trap '[ -n "$pid" ] && { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }; rm -rf "$dir"' EXIT
echo '{"limits": {"rate_per_second": 0, "max_concurrent_queries": 64}}' > "$dir/server.json"
"$bin" serve --data "$dir/data" --http 127.0.0.1:0 --wire 127.0.0.1:0 --config "$dir/server.json" > "$dir/out" 2> "$dir/log" &
pid=$!
for _ in $(seq 300); do grep -q "wire protocol on" "$dir/out" 2>/dev/null && grep -q serving "$dir/out" && break; sleep 0.1; done
grep -q "wire protocol on" "$dir/out" || { echo "the server did not start:" >&2; cat "$dir/log" >&2; exit 1; }
url="http://$(grep serving "$dir/out" | grep -o '127.0.0.1:[0-9]*')"
wire_port="$(grep 'wire protocol on' "$dir/out" | grep -o '127.0.0.1:[0-9]*' | cut -d: -f2)"
python3 - "$dir/batch.lp" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for t in range(50):
        for h in range(100):
            f.write(f"cpu,hostname=host_{h},region=r{h%4} " + ",".join(f"f{i}={(h*7+t*3+i)%100}.5" for i in range(10)) + f" {1700000000+t}\n")
PY
curl -sf -XPOST "$url/api/v1/write?precision=s" --data-binary @"$dir/batch.lp" >/dev/null

echo "== wire: SELECT max(f1) FROM cpu WHERE hostname = 'host_7', $connections connections, ${seconds}s"
"$wireload" --port "$wire_port" --seconds "$seconds" --connections "$connections"
echo "== HTTP (wrk), same query, $connections connections, ${seconds}s"
wrk -t2 -c"$connections" -d"${seconds}s" --latency \
    "$url/api/v1/query?sql=SELECT+max(f1)+FROM+cpu+WHERE+hostname+%3D+%27host_7%27" \
    | grep -E 'Requests/sec|50%|99%|requests in'
