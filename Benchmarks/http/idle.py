#!/usr/bin/env python3
"""Idle connections under load: a release `sundial serve` holds N idle connections on its
HTTP port (each has answered one GET /ping, then sits idle on keep-alive), then
separately N on its wire port (each completed Hello/Welcome and Auth/Ready), while a
stream of small queries runs on other keep-alive connections; prints p50/p95/p99 of the
queries per phase against the goal (p95 < 200 ms with 10,000 idle connections held).

  Benchmarks/http/idle.py [--connections 10000] [--seconds 10] [--query-threads 4] [--smoke]
  SUNDIAL_BIN=path/to/sundial Benchmarks/http/idle.py     # skip the release build

Python standard library only. The soft fd limit is raised to 20,000 (like `ulimit -n
20000`) for this process and the server it starts. The server listens on 127.0.0.1 with
ports it picks and is stopped at the end; every phase is bounded in time.
"""
import argparse, json, os, re, resource, shutil, signal, socket, struct, subprocess, sys, tempfile, threading, time

GOAL_P95_MS = 200.0
QUERY = "/api/v1/query?sql=SELECT+max(f1)+FROM+cpu+WHERE+hostname+%3D+%27host_7%27"

# --- small helpers -------------------------------------------------------------------

def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, int(round(p / 100.0 * (len(sorted_values) - 1)))))
    return sorted_values[k]

def raise_fd_limit(wanted=20000):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]

def read_http_response(sock, buf=b""):
    """Reads one HTTP/1.1 response (Content-Length, chunked, or no body); returns
    (status, body, leftover bytes)."""
    def more():
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed inside a response")
        return chunk
    while b"\r\n\r\n" not in buf:
        buf += more()
    head, _, rest = buf.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    length, chunked = None, False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value:
            chunked = True
    if chunked:
        body = b""
        while True:
            while b"\r\n" not in rest:
                rest += more()
            size_line, _, rest = rest.partition(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            while len(rest) < size + 2:
                rest += more()
            body += rest[:size]
            rest = rest[size + 2:]
            if size == 0:
                return status, body, rest  # no trailers are sent
    if length is None:
        if status in (204, 304) or status < 200:
            length = 0
        else:
            raise ConnectionError("response without a length: " + lines[0].decode())
    while len(rest) < length:
        rest += more()
    return status, rest[:length], rest[length:]

# --- wire protocol (docs/formats/wire.md): just enough for Hello/Auth ---------------

def _crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table
_CRC_TABLE = _crc32c_table()

def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = _CRC_TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF

def varint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)

def wire_string(s):
    b = s.encode()
    return varint(len(b)) + b

def wire_frame(frame_type, payload):
    head = struct.pack("<IB", len(payload), frame_type)
    return head + payload + struct.pack("<I", crc32c(head + payload))

HELLO = wire_frame(1, struct.pack("<HHI", 1, 1, 16 << 20) + wire_string("idle.py"))
AUTH = wire_frame(3, wire_string(""))  # no credentials configured: the open principal

def read_wire_frame(sock, buf):
    while len(buf) < 5:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("wire connection closed")
        buf += chunk
    length, frame_type = struct.unpack("<IB", buf[:5])
    while len(buf) < 9 + length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("wire connection closed inside a frame")
        buf += chunk
    return frame_type, buf[5:5 + length], buf[9 + length:]

# --- the server ----------------------------------------------------------------------

class Server:
    def __init__(self, binary, max_connections):
        self.dir = tempfile.mkdtemp(prefix="sundial-idle-")
        config = {"limits": {"max_connections": max_connections, "rate_per_second": 0,
                             "max_concurrent_queries": 64, "idle_timeout_ms": 600000}}
        with open(os.path.join(self.dir, "server.json"), "w") as f:
            json.dump(config, f)
        self.out = open(os.path.join(self.dir, "out"), "w+")
        self.log = open(os.path.join(self.dir, "log"), "w+")
        self.process = subprocess.Popen(
            [binary, "serve", "--data", os.path.join(self.dir, "data"), "--http", "127.0.0.1:0",
             "--wire", "127.0.0.1:0", "--config", os.path.join(self.dir, "server.json"), "--log-level", "warning"],
            stdout=self.out, stderr=self.log, start_new_session=True)
        self.http_port = self.wire_port = None
        try:
            self._await_addresses()
        except BaseException:
            self.stop()
            raise

    def _await_addresses(self):
        deadline = time.time() + 30
        while time.time() < deadline and (self.http_port is None or self.wire_port is None):
            if self.process.poll() is not None:
                raise RuntimeError("the server exited: " + open(self.log.name).read()[-2000:])
            for line in open(self.out.name).read().splitlines():
                port = re.search(r"127\.0\.0\.1:(\d+)", line)
                if port and line.startswith("sundial serving http://"):
                    self.http_port = int(port.group(1))
                elif port and line.startswith("sundial wire protocol on "):
                    self.wire_port = int(port.group(1))
            time.sleep(0.05)
        if self.http_port is None or self.wire_port is None:
            raise RuntimeError("the server did not print its addresses within 30 s")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)

    def rss_mib(self):
        try:
            with open(f"/proc/{self.process.pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) / 1024.0
        except OSError:
            pass
        return float("nan")

def load_data(port):
    """100 hosts x 50 times x 10 fields (the data of Benchmarks/http/run.sh)."""
    lines = []
    for t in range(50):
        for h in range(100):
            fields = ",".join(f"f{i}={(h * 7 + t * 3 + i) % 100}.5" for i in range(10))
            lines.append(f"cpu,hostname=host_{h},region=r{h % 4} {fields} {1700000000 + t}\n")
    body = "".join(lines).encode()
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(b"POST /api/v1/write?precision=s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                 + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    status, body, _ = read_http_response(sock)
    sock.close()
    if status >= 300:
        raise RuntimeError(f"write failed: {status} {body[:200]!r}")

# --- idle connections ----------------------------------------------------------------

def connect_many(port, count, deadline, greeting):
    """Opens up to `count` connections, sending `greeting` on each as soon as it is
    connected (the wire handshake must finish within 10 s of the accept)."""
    socks = []
    for _ in range(count):
        if time.time() > deadline:
            break
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(max(1.0, deadline - time.time()))
        try:
            s.connect(("127.0.0.1", port))
            s.sendall(greeting)
        except OSError as e:
            s.close()
            print(f"  connect failed after {len(socks)} connections: {e}", file=sys.stderr)
            break
        socks.append(s)
    return socks

def open_idle_http(port, count, deadline):
    """Connects and sends GET /ping on every connection, then reads every answer: each
    connection has been served once and now idles on keep-alive."""
    socks = connect_many(port, count, deadline, b"GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    ready = []
    for s in socks:
        s.settimeout(max(1.0, deadline - time.time()))
        try:
            status, _, _ = read_http_response(s)
            if status < 300:
                ready.append(s)
                continue
        except OSError:
            pass
        s.close()
    return ready

def open_idle_wire(port, count, deadline):
    """Connects and sends Hello and Auth on every connection, then reads Welcome and Ready
    (the server answers while the others connect; the replies wait in the socket buffers)."""
    socks = connect_many(port, count, deadline, HELLO + AUTH)
    ready = []
    for s in socks:
        s.settimeout(max(1.0, deadline - time.time()))
        try:
            buf = b""
            t1, _, buf = read_wire_frame(s, buf)
            t2, _, buf = read_wire_frame(s, buf)
            if (t1, t2) == (2, 4):
                ready.append(s)
                continue
        except OSError:
            pass
        s.close()
    return ready

def still_open(socks):
    """Counts connections the server has not closed (a closed one reads EOF)."""
    alive = 0
    for s in socks:
        s.setblocking(False)
        try:
            data = s.recv(1, socket.MSG_PEEK)
            if data:
                alive += 1  # unexpected bytes, but still open
        except BlockingIOError:
            alive += 1
        except OSError:
            pass
    return alive

def close_all(socks):
    for s in socks:
        try:
            s.close()
        except OSError:
            pass

# --- the query stream ----------------------------------------------------------------

def query_stream(port, seconds, threads):
    """`threads` keep-alive connections, each sending the small query back to back for
    `seconds`; plus one thread that opens a new connection per query. Returns latencies
    in ms (keep-alive, new connection) and the error count."""
    request = f"GET {QUERY} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
    keepalive, fresh, errors = [], [], [0]
    lock = threading.Lock()
    stop_at = time.time() + seconds

    def keepalive_worker():
        mine, buf = [], b""
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            while time.time() < stop_at:
                t0 = time.perf_counter()
                s.sendall(request)
                status, _, buf = read_http_response(s, buf)
                mine.append((time.perf_counter() - t0) * 1000)
                if status != 200:
                    with lock: errors[0] += 1
            s.close()
        except OSError:
            with lock: errors[0] += 1
        with lock: keepalive.extend(mine)

    def fresh_worker():
        mine = []
        while time.time() < stop_at:
            t0 = time.perf_counter()
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=10)
                s.sendall(request)
                status, _, _ = read_http_response(s)
                s.close()
                mine.append((time.perf_counter() - t0) * 1000)
                if status != 200:
                    with lock: errors[0] += 1
            except OSError:
                with lock: errors[0] += 1
            time.sleep(0.005)
        with lock: fresh.extend(mine)

    workers = [threading.Thread(target=keepalive_worker) for _ in range(threads)]
    workers.append(threading.Thread(target=fresh_worker))
    for w in workers: w.start()
    for w in workers: w.join(timeout=seconds + 30)
    return sorted(keepalive), sorted(fresh), errors[0]

# --- main ------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connections", type=int, default=10000, help="idle connections per port")
    parser.add_argument("--seconds", type=float, default=10, help="query stream length per phase")
    parser.add_argument("--query-threads", type=int, default=4, help="keep-alive query connections")
    parser.add_argument("--smoke", action="store_true", help="300 connections, 2 s per phase (CI)")
    args = parser.parse_args()
    if args.smoke:
        args.connections, args.seconds = 300, 2

    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    binary = os.environ.get("SUNDIAL_BIN")
    if not binary:
        subprocess.run(["swift", "build", "-c", "release", "--package-path", root, "--product", "sundial"],
                       check=True, stdout=sys.stderr)
        binary = os.path.join(root, ".build", "release", "sundial")
    limit = raise_fd_limit(20000)
    needed = args.connections + args.query_threads + 100
    if limit < needed:
        sys.exit(f"the fd limit is {limit}; {needed} are needed (raise the hard limit)")

    server = Server(binary, max_connections=args.connections + 1000)
    rows = []
    try:
        load_data(server.http_port)
        budget = max(60.0, args.connections / 100.0)  # seconds to open one port's connections

        def phase(name, held):
            keepalive, fresh, errors = query_stream(server.http_port, args.seconds, args.query_threads)
            rows.append((name, held, len(keepalive) / args.seconds, keepalive, fresh, errors, server.rss_mib()))

        phase("no idle connections", 0)

        t0 = time.time()
        idle = open_idle_http(server.http_port, args.connections, time.time() + budget)
        opened = time.time() - t0
        print(f"HTTP: {len(idle)} idle connections served GET /ping and held ({opened:.1f} s to open)", file=sys.stderr)
        phase(f"{args.connections:,} idle HTTP connections", len(idle))
        alive = still_open(idle)
        rows[-1] = rows[-1][:1] + (alive,) + rows[-1][2:]
        close_all(idle)
        time.sleep(1)

        t0 = time.time()
        idle = open_idle_wire(server.wire_port, args.connections, time.time() + budget)
        opened = time.time() - t0
        print(f"wire: {len(idle)} idle connections past Hello/Auth and held ({opened:.1f} s to open)", file=sys.stderr)
        phase(f"{args.connections:,} idle wire connections", len(idle))
        alive = still_open(idle)
        rows[-1] = rows[-1][:1] + (alive,) + rows[-1][2:]
        close_all(idle)
    finally:
        server.stop()

    print()
    print(f"Small query `SELECT max(f1) FROM cpu WHERE hostname = 'host_7'` over HTTP, "
          f"{args.query_threads} keep-alive connections back to back + 1 new connection per query, "
          f"{args.seconds:g} s per phase")
    print()
    print("| phase | idle held at end | queries/s | p50 ms | p95 ms | p99 ms | new-conn p95 ms | errors | server RSS MiB | goal p95 < 200 ms |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    ok = True
    for name, held, qps, keepalive, fresh, errors, rss in rows:
        p95 = percentile(keepalive, 95)
        fresh95 = percentile(fresh, 95)
        good = p95 < GOAL_P95_MS and fresh95 < GOAL_P95_MS and errors == 0 and len(keepalive) > 0
        if "idle" in name and not name.startswith("no"):
            good = good and held >= args.connections
            ok = ok and good
        print(f"| {name} | {held:,} | {qps:,.0f} | {percentile(keepalive, 50):.2f} | {p95:.2f} | "
              f"{percentile(keepalive, 99):.2f} | {fresh95:.2f} | {errors} | {rss:.0f} | {'PASS' if good else 'MISS'} |")
    print()
    print(f"goal: {args.connections:,} idle connections held while queries answer with p95 < {GOAL_P95_MS:.0f} ms: "
          + ("PASS" if ok else "MISS"))

if __name__ == "__main__":
    main()
