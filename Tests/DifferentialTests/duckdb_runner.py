#!/usr/bin/env python3
"""DuckDB's side of Sundial's differential tests (Tests/DifferentialTests).

    python3 duckdb_runner.py --version          prints the DuckDB version
    python3 duckdb_runner.py REQUEST RESPONSE   runs a request, writes the answers

REQUEST is JSON: {"tables": [{"name", "columns": [{"name", "type"}], "data"}],
"queries": ["SQL", ...]}. Each table is created with the given DuckDB types and
filled from `data`, a newline-delimited JSON file whose values are all strings
(or null) and are cast to the column types, so NaN, infinities and timestamps
travel as text. RESPONSE is JSON: {"version", "results": [...]}, one result per
query: {"ok": true, "columns": [...], "rows": [[cell, ...], ...]} or
{"ok": false, "error": "..."}. Cells are null or one-key objects that keep the
type: {"b": true}, {"i": "12"}, {"f": "1.5"} (repr, so "nan", "inf"), {"d":
"1.50"} (DECIMAL), {"s": "text"}, {"t": microseconds since the epoch} for
TIMESTAMP and DATE, {"v": microseconds} for INTERVAL.
"""
import datetime
import decimal
import json
import sys

EPOCH = datetime.datetime(1970, 1, 1)
MICROSECOND = datetime.timedelta(microseconds=1)


def cell(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return {"b": value}
    if isinstance(value, int):
        return {"i": str(value)}
    if isinstance(value, float):
        return {"f": repr(value)}
    if isinstance(value, decimal.Decimal):
        return {"d": str(value)}
    if isinstance(value, str):
        return {"s": value}
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return {"t": (value - EPOCH) // MICROSECOND}
    if isinstance(value, datetime.date):
        return {"t": (datetime.datetime(value.year, value.month, value.day) - EPOCH) // MICROSECOND}
    if isinstance(value, datetime.timedelta):
        return {"v": value // MICROSECOND}
    return {"x": repr(value)}


def quote(name):
    return '"' + name.replace('"', '""') + '"'


def load(con, table):
    columns = table["columns"]
    con.execute("CREATE TABLE {} ({})".format(
        quote(table["name"]), ", ".join(quote(c["name"]) + " " + c["type"] for c in columns)))
    text = ", ".join("{}: 'VARCHAR'".format("'" + c["name"].replace("'", "''") + "'") for c in columns)
    casts = ", ".join("CAST({0} AS {1})".format(quote(c["name"]), c["type"]) for c in columns)
    con.execute("INSERT INTO {} SELECT {} FROM read_json(?, format = 'newline_delimited', columns = {{{}}})".format(
        quote(table["name"]), casts, text), [table["data"]])


def main():
    import duckdb
    if sys.argv[1:] == ["--version"]:
        print(duckdb.__version__)
        return
    if len(sys.argv) != 3:
        sys.exit("usage: duckdb_runner.py REQUEST RESPONSE | --version")
    with open(sys.argv[1]) as f:
        request = json.load(f)
    con = duckdb.connect()
    con.execute("SET threads = 1")
    for table in request.get("tables", []):
        load(con, table)
    results = []
    for sql in request["queries"]:
        try:
            cursor = con.execute(sql)
            names = [d[0] for d in cursor.description]
            rows = [[cell(v) for v in row] for row in cursor.fetchall()]
            results.append({"ok": True, "columns": names, "rows": rows})
        except duckdb.Error as error:
            results.append({"ok": False, "error": str(error)})
    with open(sys.argv[2], "w") as f:
        json.dump({"version": duckdb.__version__, "results": results}, f)


if __name__ == "__main__":
    main()
