# Shared by run.sh and wire.sh (sourced): arguments, the sundial binary, one server on
# loopback with rate limiting off (ports it picks, stopped on exit), and the test data.
#   source "$(dirname "$0")/common.sh" "$@"; start_server --wire off|127.0.0.1:0; load_batch
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if [ "${1:-}" = "--smoke" ]; then seconds=2; connections=8; else seconds="${1:-10}"; connections="${2:-32}"; fi
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 1; }
if [ -z "${SUNDIAL_BIN:-}" ]; then
    swift build -c release --package-path "$root" --product sundial >&2
    bin="$root/.build/release/sundial"
else
    bin="$SUNDIAL_BIN"
fi
dir="$(mktemp -d)"; pid=""
trap '[ -n "$pid" ] && { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }; rm -rf "$dir"' EXIT

# Starts the server (the arguments go to `sundial serve`, e.g. `--wire off`) and sets
# `url` (HTTP) and `wire_port` (empty with `--wire off`).
start_server() {
    # Rate limiting off: this measures the server, not the limiter.
    echo '{"limits": {"rate_per_second": 0, "max_concurrent_queries": 64}}' > "$dir/server.json"
    "$bin" serve --data "$dir/data" --http 127.0.0.1:0 --config "$dir/server.json" "$@" > "$dir/out" 2> "$dir/log" &
    pid=$!
    local want="serving"
    [ "${*: -1}" = "off" ] || want="wire protocol on"
    for _ in $(seq 300); do grep -q serving "$dir/out" 2>/dev/null && grep -q "$want" "$dir/out" && break; sleep 0.1; done
    grep -q serving "$dir/out" && grep -q "$want" "$dir/out" || { echo "the server did not start:" >&2; cat "$dir/log" >&2; exit 1; }
    url="http://$(grep serving "$dir/out" | grep -o '127.0.0.1:[0-9]*')"
    wire_port="$(grep 'wire protocol on' "$dir/out" | grep -o '127.0.0.1:[0-9]*' | cut -d: -f2 || true)"
}

# 100 hosts x 50 times x 10 fields = 50,000 values in 5,000 lines ($dir/batch.lp), written
# once (the queries read it; run.sh also posts it as every ingest request's body).
load_batch() {
    python3 - "$dir/batch.lp" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for t in range(50):
        for h in range(100):
            f.write(f"cpu,hostname=host_{h},region=r{h%4} " + ",".join(f"f{i}={(h*7+t*3+i)%100}.5" for i in range(10)) + f" {1700000000+t}\n")
PY
    curl -sf -XPOST "$url/api/v1/write?precision=s" --data-binary @"$dir/batch.lp" >/dev/null
}
