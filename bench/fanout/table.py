#!/usr/bin/env python3
"""Prints fan-out results (JSON lines from the load generator) as a Markdown table.

Usage: table.py RESULTS.jsonl [...]
"""
import json
import sys

COLUMNS = [
    ("run", lambda r: r["label"]),
    ("clients", lambda r: r["connected"] if r["connected"] == r["clients"] else f'{r["connected"]}/{r["clients"]}'),
    ("stuck", lambda r: r["stuck"]),
    ("msg/client/s", lambda r: r["messages_per_client_s"]),
    ("delivery", lambda r: r["delivery_ratio"]),
    ("lost", lambda r: r["lost_quotes"]),
    ("p50 ms", lambda r: r["p50_ms"]),
    ("p99 ms", lambda r: r["p99_ms"]),
    ("max ms", lambda r: r["max_ms"]),
    ("server CPU % of a core", lambda r: r["server_cpu_pct_of_core"]),
    ("CPU µs / message", lambda r: r["server_cpu_us_per_message"]),
    ("CPU µs / quote", lambda r: r["server_cpu_us_per_quote"]),
    ("RSS MB window first/peak/last", lambda r: f'{r["server_rss_mb_window_first"]}/{r["server_rss_mb_window_peak"]}/{r["server_rss_mb_window_last"]}'),
    ("KB / connection", lambda r: r["server_kb_per_connection"]),
    ("generator CPU %", lambda r: r["generator_cpu_pct_of_core"]),
    ("machine busy %", lambda r: r["machine_busy_pct"]),
]


def cell(value):
    return "—" if value is None else str(value)


def main(paths):
    print("| " + " | ".join(name for name, _ in COLUMNS) + " |")
    print("|" + "|".join("---" for _ in COLUMNS) + "|")
    for path in paths:
        with open(path) as f:
            for line in f:
                if line.strip():
                    r = json.loads(line)
                    print("| " + " | ".join(cell(get(r)) for _, get in COLUMNS) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
