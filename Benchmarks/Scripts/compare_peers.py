#!/usr/bin/env python3
"""The peers' side of Benchmarks/compare: DuckDB and SQLite on TSBS devops cpu-only.

CompareReport (Benchmarks/Sources/CompareReport) generates the data, writes it into
Sundial and exports it here as CSV; this script loads it into each peer, runs the same
TSBS query types written in the peer's dialect (from the parameters CompareReport drew:
hosts, time windows, metrics), and writes the figures as JSON for CompareReport to print.

  compare_peers.py --data DIR --input DIR/queries.json --output DIR/peers.json

DIR holds cpu.csv (time in ns, host number, the ten fields, in time order) and hosts.csv
(host number and its ten tags). The databases are created in DIR.

Schemas (one wide table, tags as text columns, as the issue asks; TSBS's TimescaleDB
setup uses a separate tags table instead):
- DuckDB: cpu(time TIMESTAMP, ten VARCHAR tags, ten DOUBLE fields), loaded in time
  order (all hosts at t0, then t1, ...) as TSBS loads it, then CHECKPOINT. No index: DuckDB
  prunes row groups by their min/max. Default threads (the machine's cores).
- SQLite: cpu(time INTEGER nanoseconds, ten TEXT tags, ten REAL fields), a rowid table
  loaded in time order, an index on (hostname, time) as TSBS-style SQLite setups have,
  ANALYZE, VACUUM. Queries run with a 256 MiB page cache and a 1 GiB mmap.

Timing: each query runs once to warm up, then `runs` times; a run is
`execute(sql)` + `fetchall()`. Results are returned with timestamps as ns integers.
"""
import argparse
import csv
import datetime
import json
import os
import platform
import sqlite3
import statistics
import sys
import time

EPOCH = datetime.datetime(1970, 1, 1)
MINUTE_NS = 60_000_000_000
HOUR_NS = 3_600_000_000_000


def log(text):
    print(text, file=sys.stderr, flush=True)


def normalize(value):
    """A result value as JSON: timestamps as ns since the epoch."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return ((value - EPOCH) // datetime.timedelta(microseconds=1)) * 1000
    if isinstance(value, float) and value != value:
        return None
    return value


# MARK: Query texts


def host_list(hosts):
    return ", ".join(f"'{h}'" for h in hosts)


def duckdb_time(ns):
    t = EPOCH + datetime.timedelta(microseconds=ns // 1000)
    return f"TIMESTAMP '{t.strftime('%Y-%m-%d %H:%M:%S.%f')}'"


def render(query, fields, dialect):
    """The query in `dialect` ('duckdb' or 'sqlite'), from CompareReport's parameters."""
    kind = query["kind"]
    metrics = fields[: query["metrics"]]
    if dialect == "duckdb":
        lit = duckdb_time
        minute = "time_bucket(INTERVAL '60 seconds', time)"
        hour = "time_bucket(INTERVAL '3600 seconds', time)"
    else:
        lit = str
        minute = f"time - time % {MINUTE_NS}"
        hour = f"time - time % {HOUR_NS}"
    window = ""
    if query.get("start") is not None:
        window = f"time >= {lit(query['start'])} AND time < {lit(query['end'])}"
    maxes = ", ".join(f"max({m}) AS max_{m}" for m in metrics)

    if kind == "single-groupby":
        return (f"SELECT {minute} AS minute, {maxes} FROM cpu "
                f"WHERE hostname IN ({host_list(query['hosts'])}) AND {window} "
                f"GROUP BY minute ORDER BY minute ASC")
    if kind == "cpu-max-all":
        return (f"SELECT {hour} AS hour, {maxes} FROM cpu "
                f"WHERE hostname IN ({host_list(query['hosts'])}) AND {window} "
                f"GROUP BY hour ORDER BY hour")
    if kind == "double-groupby":
        means = ", ".join(f"avg({m}) AS mean_{m}" for m in metrics)
        return (f"SELECT {hour} AS hour, hostname, {means} FROM cpu WHERE {window} "
                f"GROUP BY hour, hostname ORDER BY hour, hostname")
    if kind == "high-cpu":
        hosts = f" AND hostname IN ({host_list(query['hosts'])})" if query["hosts"] else ""
        return f"SELECT * FROM cpu WHERE usage_user > 90.0 AND {window}{hosts}"
    if kind == "lastpoint":
        if dialect == "duckdb":
            return "SELECT DISTINCT ON (hostname) * FROM cpu ORDER BY hostname, time DESC"
        # SQLite has no DISTINCT ON: the hostnames by a skip scan of the (hostname, time)
        # index, then each host's newest row through the same index (TSBS's LATERAL form).
        return ("WITH RECURSIVE h(hostname) AS ("
                "SELECT min(hostname) FROM cpu "
                "UNION ALL SELECT (SELECT min(hostname) FROM cpu WHERE hostname > h.hostname) FROM h "
                "WHERE h.hostname IS NOT NULL) "
                "SELECT c.* FROM h JOIN cpu c ON c.rowid = "
                "(SELECT rowid FROM cpu WHERE hostname = h.hostname ORDER BY time DESC LIMIT 1) "
                "ORDER BY c.hostname")
    if kind == "groupby-orderby-limit":
        return (f"SELECT {minute} AS minute, max(usage_user) AS max_usage_user FROM cpu "
                f"WHERE time < {lit(query['end'])} GROUP BY minute ORDER BY minute DESC LIMIT 5")
    raise ValueError(f"unknown query kind {kind}")


# MARK: Engines


def load_duckdb(duckdb, directory, tags, fields):
    path = os.path.join(directory, "cpu.duckdb")
    con = duckdb.connect(path)
    columns = ", ".join(["time TIMESTAMP"] + [f"{t} VARCHAR" for t in tags] + [f"{f} DOUBLE" for f in fields])
    con.execute(f"CREATE TABLE cpu ({columns})")
    csv_columns = ", ".join([f"'time': 'BIGINT'", "'host': 'INTEGER'"] + [f"'{f}': 'DOUBLE'" for f in fields])
    cpu_csv = os.path.join(directory, "cpu.csv")
    hosts_csv = os.path.join(directory, "hosts.csv")
    con.execute(
        f"INSERT INTO cpu SELECT make_timestamp(d.time // 1000), "
        + ", ".join(f"h.{t}" for t in tags) + ", " + ", ".join(f"d.{f}" for f in fields)
        + f" FROM read_csv('{cpu_csv}', header = true, columns = {{{csv_columns}}}) d"
        + f" JOIN read_csv('{hosts_csv}', header = true, all_varchar = true) h ON d.host = CAST(h.host AS INTEGER)"
        + " ORDER BY d.time, d.host")
    con.execute("CHECKPOINT")
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    return con, path, f"threads={threads}; TIMESTAMP + VARCHAR tags + DOUBLE fields, loaded in time order, no index"


def load_sqlite(directory, tags, fields):
    path = os.path.join(directory, "cpu.sqlite")
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode = OFF")
    con.execute("PRAGMA synchronous = OFF")
    columns = ", ".join(["time INTEGER NOT NULL"] + [f"{t} TEXT" for t in tags] + [f"{f} REAL" for f in fields])
    con.execute(f"CREATE TABLE cpu ({columns})")
    with open(os.path.join(directory, "hosts.csv"), newline="") as f:
        reader = csv.reader(f)
        next(reader)
        host_tags = {int(row[0]): tuple(row[1:]) for row in reader}
    placeholders = ", ".join("?" * (1 + len(tags) + len(fields)))
    con.execute("BEGIN")
    with open(os.path.join(directory, "cpu.csv"), newline="") as f:
        reader = csv.reader(f)
        next(reader)
        con.executemany(f"INSERT INTO cpu VALUES ({placeholders})",
                        ((int(r[0]),) + host_tags[int(r[1])] + tuple(float(v) for v in r[2:]) for r in reader))
    con.execute("COMMIT")
    con.execute("CREATE INDEX cpu_hostname_time ON cpu (hostname, time)")
    con.execute("ANALYZE")
    con.execute("VACUUM")
    con.execute("PRAGMA cache_size = -262144")
    con.execute("PRAGMA mmap_size = 1073741824")
    return con, path, ("time INTEGER ns + TEXT tags + REAL fields, rowid table in time order, index on (hostname, time); "
                       "256 MiB cache, 1 GiB mmap; one thread")


def time_queries(con, queries, fields, dialect, runs):
    out = {}
    for query in queries:
        sql = render(query, fields, dialect)
        entry = {"ms": [], "rows": 0, "columns": [], "result": [], "sql": sql, "error": None}
        try:
            for run in range(runs + 1):
                start = time.perf_counter_ns()
                cursor = con.execute(sql)
                rows = cursor.fetchall()
                elapsed = (time.perf_counter_ns() - start) / 1e6
                if run == 0:
                    entry["rows"] = len(rows)
                    entry["columns"] = [d[0] for d in cursor.description]
                    entry["result"] = [[normalize(v) for v in row] for row in rows]
                else:
                    entry["ms"].append(elapsed)
            log(f"{dialect}: {query['name']}: {statistics.median(entry['ms']):.2f} ms")
        except Exception as error:  # a failed query is reported, the others still run
            entry["error"] = f"{type(error).__name__}: {error}"
            log(f"{dialect}: {query['name']}: error: {entry['error']}")
        out[query["name"]] = entry
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--input", required=True)
    parser.add_argument("--output", required=True)
    args = parser.parse_args()
    with open(args.input) as f:
        spec = json.load(f)
    tags, fields, runs = spec["tagKeys"], spec["fieldNames"], spec["runs"]
    values = spec["hosts"] * spec["points"] * len(fields)
    engines = []
    for key in spec["engines"]:
        entry = {"key": key, "name": {"duckdb": "DuckDB", "sqlite": "SQLite"}.get(key, key)}
        engines.append(entry)
        try:
            started = time.perf_counter()
            if key == "duckdb":
                try:
                    import duckdb
                except ImportError:
                    entry["error"] = "the duckdb module is not installed; Benchmarks/Scripts/peer-python --install installs it"
                    log(f"duckdb: {entry['error']}")
                    continue
                entry["version"] = duckdb.__version__
                con, path, settings = load_duckdb(duckdb, args.data, tags, fields)
            elif key == "sqlite":
                entry["version"] = sqlite3.sqlite_version
                con, path, settings = load_sqlite(args.data, tags, fields)
            else:
                entry["error"] = f"unknown engine {key}"
                continue
            entry["loadSeconds"] = time.perf_counter() - started
            entry["settings"] = settings
            entry["bytes"] = os.path.getsize(path)
            entry["values"] = values
            log(f"{key}: loaded in {entry['loadSeconds']:.2f} s, {entry['bytes']} bytes")
            entry["queries"] = time_queries(con, spec["queries"], fields, key, runs)
            con.close()
            os.remove(path)
        except Exception as error:
            entry["error"] = f"{type(error).__name__}: {error}"
            log(f"{key}: failed: {entry['error']}")
    with open(args.output, "w") as f:
        json.dump({"python": platform.python_version(), "engines": engines}, f)


if __name__ == "__main__":
    main()
