#!/usr/bin/env bash
# HTTP load on loopback with wrk (Debian package `wrk`): small queries per second with
# p50/p99 over keep-alive connections, and line-protocol ingest in values/s. Starts a
# release `sundial serve` on a temporary directory and stops it at the end.
#   Benchmarks/http/run.sh [seconds=10] [connections=32]
#   Benchmarks/http/run.sh --smoke                  # CI: 2 s per load, 8 connections
#   SUNDIAL_BIN=path/to/sundial Benchmarks/http/run.sh   # use that binary, skip the build
set -euo pipefail
source "$(dirname "$0")/common.sh" "$@"
start_server --wire off
load_batch
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
