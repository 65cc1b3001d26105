#!/usr/bin/env bash
# Small queries per second over the wire protocol (SundialClient, Benchmarks/Sources/WireLoad)
# next to the same query over HTTP (wrk), same connection count, one release server on
# loopback (ports it picks), stopped at the end.
#   Benchmarks/http/wire.sh [seconds=10] [connections=32]
#   Benchmarks/http/wire.sh --smoke                       # CI: 2 s, 8 connections
#   SUNDIAL_BIN=path/to/sundial WIRELOAD_BIN=path/to/WireLoad Benchmarks/http/wire.sh   # skip the builds
set -euo pipefail
source "$(dirname "$0")/common.sh" "$@"
if [ -z "${WIRELOAD_BIN:-}" ]; then
    swift build -c release --package-path "$root/Benchmarks" --product WireLoad >&2
    wireload="$root/Benchmarks/.build/release/WireLoad"
else
    wireload="$WIRELOAD_BIN"
fi
start_server --wire 127.0.0.1:0
load_batch

echo "== wire: SELECT max(f1) FROM cpu WHERE hostname = 'host_7', $connections connections, ${seconds}s"
"$wireload" --port "$wire_port" --seconds "$seconds" --connections "$connections"
echo "== HTTP (wrk), same query, $connections connections, ${seconds}s"
wrk -t2 -c"$connections" -d"${seconds}s" --latency \
    "$url/api/v1/query?sql=SELECT+max(f1)+FROM+cpu+WHERE+hostname+%3D+%27host_7%27" \
    | grep -E 'Requests/sec|50%|99%|requests in'
